// schedule_job: a monitoring job from rules. Without confirm it only validates and previews (next runs, dry run);
// with confirm it saves jobs/<name>.job.yaml and the scheduler picks it up.
import { z } from 'zod';
import { saveJob } from '../jobs/job-files';
import { describeSchedule, lastSlotBetween, nextRuns, scheduleOf } from '../jobs/schedule';
import type { JobDefinition } from '../jobs/job-schema';
import { runJob } from '../jobs/runner';
import { runReport, type RunReport } from './run-report';
import { formatTime } from '../objects/values';
import { ruleWords } from './job-words';
import type { Workspace } from '../objects/workspace';
import { previewJob } from './job-preview';
import { jobToolInputSchema } from './job-input';
import { defineTool, type ToolContext } from './tool';

export const scheduleJobInput = jobToolInputSchema.extend({
  confirm: z
    .boolean()
    .default(false)
    .describe('false (default): validate and preview only, nothing saved. true: save — only after the person agreed to the preview'),
  first_run: z
    .boolean()
    .default(false)
    .describe('With confirm=true: true runs the job once right after saving, so the result says what that run escalated and whom it alerted (use it when saving a job the person agreed to); false (default) leaves the first run to the scheduler'),
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
      'Create (or replace) a monitoring job: a schedule, an object and rules (filter + escalate/set/notify actions) that code runs on schedule and whenever an entry changes. First call with confirm=false and tell the person what it will do, its next runs and what it would do right now; call again with confirm=true once they agree. Save with first_run=true: the job runs once at once and the result says what that run escalated and whom it alerted — tell the person.',
    inputSchema: scheduleJobInput,
    outsideText: ['rules.*.examples', 'first_run.rules.*.examples'],
    async run(input, context) {
      const { confirm, first_run: firstRun, ...job } = input;
      const data = { ...job, created_by: creatorOf(context) };
      if (confirm) {
        // The person agreed to the preview: validate and save (the dry run was shown already).
        const saved = await saveJob(deps.workspace, data);
        const ran = saved.enabled && firstRun ? await firstRunOf(deps.workspace, saved) : undefined;
        return {
          saved: true,
          file: `jobs/${saved.name}.job.yaml`,
          job: saved.name,
          object: saved.object,
          schedule: describeSchedule(saved, deps.workspace.timeZone),
          next_runs: nextRuns(saved, deps.workspace.clock.now(), 3, deps.workspace.timeZone).map((at) => formatTime(at, saved.timezone ?? deps.workspace.timeZone)),
          rules: saved.rules.map((rule) => ({ rule: rule.name, says: ruleWords(rule) })),
          ...(ran
            ? { first_run: ran }
            : { first_run: saved.enabled ? 'not run by this call (first_run=false): a running scheduler starts its first run now; show_job tells what it did' : 'none: the job is saved paused' }),
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

/**
 * Runs a just-saved job once, as the scheduler's first run would (trigger "first", the last slot as its slot, so no
 * catch-up follows); a scheduler that also starts one finds nothing left to do, because a rule fires once per entry.
 */
async function firstRunOf(workspace: Workspace, job: JobDefinition): Promise<RunReport> {
  const slot = lastSlotBetween(scheduleOf(job, workspace.timeZone), new Date(0), workspace.clock.now());
  const result = await runJob(workspace, job, { trigger: 'first', ...(slot ? { slot } : {}) });
  return runReport(workspace, job.object, result);
}
