// delete_job: removes a job's file — only with confirm=true after a preview the person agreed to; its ledger and run
// log stay for the audit trail.
import { z } from 'zod';
import { deleteJob, readJob } from '../jobs/job-files';
import { describeSchedule } from '../jobs/schedule';
import type { Workspace } from '../objects/workspace';
import { Confirmations } from './confirmations';
import { reportWords } from '../jobs/report-job';
import { ruleWords } from './job-words';
import { defineTool } from './tool';

export function deleteJobTool(deps: { workspace: Workspace; confirmations?: Confirmations }) {
  const confirmations = deps.confirmations ?? new Confirmations();
  return defineTool({
    name: 'delete_job',
    description:
      'Delete a monitoring job for good (to pause it instead, use update_job with enabled=false). Only when the person asked for deletion. The first call (confirm=false) changes nothing and returns what would be deleted: say it back, and call again with confirm=true only after the person agrees in a later message.',
    inputSchema: z.object({
      name: z.string().describe('The job to delete'),
      confirm: z.boolean().default(false).describe('false (default): preview only; true: delete, once the person agreed to the preview in their own message'),
    }),
    async run(input, context) {
      const { workspace } = deps;
      const job = await readJob(workspace, input.name);
      const action = `delete_job ${job.name}`;
      if (!input.confirm || !confirmations.allows(context, action)) {
        confirmations.previewed(context, action);
        return {
          deleted: false,
          job: job.name,
          preview: `This will delete the job ${job.name} ${job.report ? `(a report job: ${reportWords(job.report)}` : `on ${job.object} (`}${describeSchedule(job, workspace.timeZone)}${job.enabled ? '' : ', disabled'}${job.report ? '' : `; ${job.rules.length} rule${job.rules.length === 1 ? '' : 's'}`}). Its run log and escalation ledger stay.`,
          rules: job.rules.map((rule) => ({ rule: rule.name, says: ruleWords(rule) })),
          next_step: input.confirm
            ? 'Nothing deleted: confirm=true counts only after the person agreed to this preview in a later message. Say it back and ask them.'
            : 'Nothing deleted yet. Say this back to the person; call delete_job again with confirm=true after they agree (or use update_job enabled=false to pause instead).',
        };
      }
      await deleteJob(workspace, job.name);
      confirmations.used(context, action);
      return { deleted: job.name };
    },
  });
}
