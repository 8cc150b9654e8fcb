// run_job: runs a job now — by default as a dry run that changes nothing and shows what it would do. A real run
// (dry_run=false) needs confirm=true in a later turn than its preview (the dry run), after the person's yes.
import { z } from 'zod';
import { readJob } from '../jobs/job-files';
import { isReportJob } from '../jobs/job-schema';
import type { ReportRunResult } from '../jobs/report-job';
import { runJob } from '../jobs/runner';
import type { Workspace } from '../objects/workspace';
import { actionOf, Confirmations } from './confirmations';
import { previewRecipients } from './recipient-preview';
import { runReport } from './run-report';
import { defineTool } from './tool';

export function runJobTool(deps: { workspace: Workspace; confirmations?: Confirmations }) {
  const confirmations = deps.confirmations ?? new Confirmations();
  return defineTool({
    name: 'run_job',
    description:
      'Run a saved job now. dry_run=true (default) changes nothing and shows what each rule would act on (or the report it would send). A real run (dry_run=false) previews first; call again with confirm=true only after the person agrees in a later message.',
    inputSchema: z.object({
      name: z.string().describe('The job to run'),
      dry_run: z.boolean().default(true).describe('true (default): change nothing, just report'),
      confirm: z.boolean().default(false).describe('With dry_run=false: true runs for real, after the person agreed'),
    }),
    outsideText: ['rules.*.examples', 'report.text'],
    async run(input, context) {
      const { workspace } = deps;
      const job = await readJob(workspace, input.name);
      const action = actionOf('run_job', { name: job.name });
      const real = !input.dry_run && input.confirm && confirmations.allows(context, action);
      if (!input.dry_run && !real) confirmations.previewed(context, action);
      const result = await runJob(workspace, job, { dryRun: !real });
      if (real) confirmations.used(context, action);
      const next_step = input.dry_run
        ? undefined
        : real
          ? undefined
          : input.confirm
            ? 'Nothing changed (this was a dry run): confirm=true counts only after the person agreed to this preview in a later message. Say it back and ask them.'
            : 'Nothing changed yet (this was a dry run). Say what a real run would do; call again with dry_run=false and confirm=true when they agree.';
      if (isReportJob(job)) {
        const { report } = result as ReportRunResult;
        const reach = await previewRecipients(workspace, job.report.to, job.created_by);
        return {
          job: result.job,
          dry_run: result.dryRun,
          notified: result.notified,
          report: { text: report.text, rows: report.rows, ...(report.chart ? { chart: report.chart } : {}) },
          recipients: reach.recipients,
          ...(reach.warnings.length ? { warnings: reach.warnings } : {}),
          ...(next_step ? { next_step } : {}),
        };
      }
      const { rules, alerts } = await runReport(workspace, job.object, result);
      return { job: result.job, dry_run: result.dryRun, matched: result.matched, changed: result.changed, notified: result.notified, rules, ...(alerts ? { alerts } : {}), ...(next_step ? { next_step } : {}) };
    },
  });
}
