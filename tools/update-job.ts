// update_job: pause or resume a job at once; change its schedule or rules with the same preview-then-confirm as
// schedule_job.
import { z } from 'zod';
import { readJob, saveJob, setJobEnabled } from '../jobs/job-files';
import { jobInputSchema } from '../jobs/job-schema';
import { EscalatorError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { previewJob } from './job-preview';
import { defineTool } from './tool';

export const updateJobInput = z.object({
  name: z.string().describe('The job to change'),
  enabled: z.boolean().optional().describe('false pauses the job, true resumes it (applied at once)'),
  schedule: jobInputSchema.shape.schedule.optional(),
  timezone: jobInputSchema.shape.timezone,
  description: z.string().optional().describe('New description'),
  rules: jobInputSchema.shape.rules.optional().describe('The full new rule list (replaces the old one)'),
  confirm: z.boolean().default(false).describe('Schedule or rule changes: false previews, true saves after the person agreed'),
});

export function updateJobTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'update_job',
    description:
      'Change a monitoring job: pause/resume (enabled), or its schedule, time zone, description or rules. Rule and schedule changes preview first (confirm=false) like schedule_job.',
    inputSchema: updateJobInput,
    outsideText: ['rules.*.examples'],
    async run(input) {
      const { workspace } = deps;
      const current = await readJob(workspace, input.name);
      const changesDefinition = input.schedule !== undefined || input.timezone !== undefined || input.rules !== undefined || input.description !== undefined;
      if (!changesDefinition) {
        if (input.enabled === undefined) throw new EscalatorError('update_job needs something to change: enabled, schedule, timezone, description or rules');
        const saved = await setJobEnabled(workspace, input.name, input.enabled);
        return { job: saved.name, enabled: saved.enabled };
      }
      const data = {
        ...current,
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
        ...(input.schedule === undefined ? {} : { schedule: input.schedule }),
        ...(input.timezone === undefined ? {} : { timezone: input.timezone }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.rules === undefined ? {} : { rules: input.rules }),
      };
      const preview = await previewJob(workspace, data);
      const summary = {
        job: preview.job.name,
        schedule: preview.schedule,
        next_runs: preview.next_runs,
        rules: preview.rules.map((rule) => ({ rule: rule.rule, says: rule.says, would_act_on_now: rule.count, examples: rule.entries })),
      };
      if (!input.confirm) return { saved: false, ...summary, next_step: 'Nothing saved yet. Say this back; call again with confirm=true when they agree.' };
      await saveJob(workspace, data);
      return { saved: true, ...summary };
    },
  });
}
