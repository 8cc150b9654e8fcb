// run_job: runs a job now — by default as a dry run that changes nothing and shows what it would do.
import { z } from 'zod';
import { readJob } from '../jobs/job-files';
import { runJob } from '../jobs/runner';
import type { Workspace } from '../objects/workspace';
import { runReport } from './run-report';
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
      const { rules, alerts } = await runReport(workspace, job.object, result);
      return { job: result.job, dry_run: result.dryRun, matched: result.matched, changed: result.changed, notified: result.notified, rules, ...(alerts ? { alerts } : {}) };
    },
  });
}
