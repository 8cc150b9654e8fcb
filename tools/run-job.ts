// run_job: runs a job now — by default as a dry run that changes nothing and shows what it would do.
import { z } from 'zod';
import { readJob } from '../jobs/job-files';
import { runJob } from '../jobs/runner';
import { viewName } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { compactRow } from './results';
import { defineTool } from './tool';

export function runJobTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'run_job',
    description: 'Run a saved monitoring job now. dry_run=true (default) shows which entries each rule would act on and changes nothing; dry_run=false really escalates and notifies.',
    inputSchema: z.object({
      name: z.string().describe('The job to run'),
      dry_run: z.boolean().default(true).describe('true (default): change nothing, just report'),
    }),
    outsideText: ['rules.*.examples'],
    async run(input) {
      const { workspace } = deps;
      const job = await readJob(workspace, input.name);
      const result = await runJob(workspace, job, { dryRun: input.dry_run });
      const rules = [];
      for (const rule of result.rules) {
        const rows = rule.entries.length
          ? await workspace.db.query(`SELECT * FROM ${viewName(job.object)} WHERE id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [JSON.stringify(rule.entries.slice(0, 10))])
          : [];
        rules.push({ rule: rule.rule, entries: rule.entries.length, examples: rows.map((row) => compactRow(row, workspace.timeZone, 80)) });
      }
      return { job: result.job, dry_run: result.dryRun, matched: result.matched, changed: result.changed, notified: result.notified, rules };
    },
  });
}
