// schedule_job: a monitoring job from rules. Without confirm it only validates and previews (next runs, dry run);
// with confirm it saves jobs/<name>.job.yaml and the scheduler picks it up.
import { z } from 'zod';
import { saveJob } from '../jobs/job-files';
import { jobInputSchema } from '../jobs/job-schema';
import { describeSchedule, nextRuns } from '../jobs/schedule';
import { formatTime } from '../objects/values';
import { ruleWords } from './job-words';
import type { Workspace } from '../objects/workspace';
import { previewJob } from './job-preview';
import { defineTool, type ToolContext } from './tool';

export const scheduleJobInput = jobInputSchema.extend({
  confirm: z
    .boolean()
    .default(false)
    .describe('false (default): validate and preview only, nothing saved. true: save — only after the person agreed to the preview'),
});

/** created_by for a job made in this chat: who "me" is. */
export function creatorOf(context: ToolContext): { channel: string; chat: string | number } {
  const chat = /^-?\d+$/.test(context.chat.id) ? Number(context.chat.id) : context.chat.id;
  return { channel: context.chat.channel, chat };
}

export function scheduleJobTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'schedule_job',
    description:
      'Create (or replace) a monitoring job: a schedule, an object and rules (filter + escalate/set/notify actions) that code runs on schedule and whenever an entry changes. First call with confirm=false and tell the person what it will do, its next runs and what it would do right now; call again with confirm=true once they agree.',
    inputSchema: scheduleJobInput,
    outsideText: ['rules.*.examples'],
    async run(input, context) {
      const { confirm, ...job } = input;
      const data = { ...job, created_by: creatorOf(context) };
      if (confirm) {
        // The person agreed to the preview: validate and save (the dry run was shown already).
        const saved = await saveJob(deps.workspace, data);
        return {
          saved: true,
          file: `jobs/${saved.name}.job.yaml`,
          job: saved.name,
          object: saved.object,
          schedule: describeSchedule(saved, deps.workspace.timeZone),
          next_runs: nextRuns(saved, deps.workspace.clock.now(), 3, deps.workspace.timeZone).map((at) => formatTime(at, saved.timezone ?? deps.workspace.timeZone)),
          rules: saved.rules.map((rule) => ({ rule: rule.name, says: ruleWords(rule) })),
        };
      }
      const preview = await previewJob(deps.workspace, data);
      return {
        saved: false,
        job: preview.job.name,
        object: preview.job.object,
        schedule: preview.schedule,
        next_runs: preview.next_runs,
        rules: preview.rules.map((rule) => ({ rule: rule.rule, says: rule.says, would_act_on_now: rule.count, examples: rule.entries })),
        ...(preview.replaces_existing ? { replaces_existing_job: true } : {}),
        next_step: 'Nothing saved yet. Say this back to the person; call again with confirm=true when they agree.',
      };
    },
  });
}
