// schedule_job: a monitoring job from rules, or a report job. Without confirm it only validates and previews (next
// runs, a dry run, whom it reaches); with confirm=true — in a later turn than the preview, after the person's yes — it
// saves jobs/<name>.job.yaml and the scheduler picks it up.
import { z } from 'zod';
import { saveJob } from '../jobs/job-files';
import { describeSchedule, lastSlotBetween, nextRuns, scheduleOf } from '../jobs/schedule';
import { isReportJob, type JobDefinition } from '../jobs/job-schema';
import { reportWords } from '../jobs/report-job';
import { runJob } from '../jobs/runner';
import { runReport, type RunReport } from './run-report';
import { ruleWords } from './job-words';
import type { Workspace } from '../objects/workspace';
import { actionOf, Confirmations } from './confirmations';
import { previewJob } from './job-preview';
import { jobToolInputSchema } from './job-input';
import { toolTime } from './results';
import { defineTool, type ToolContext } from './tool';

export const scheduleJobInput = jobToolInputSchema.extend({
  confirm: z
    .boolean()
    .default(false)
    .describe('true saves: only after the person agreed to the preview in a later message'),
  first_run: z
    .boolean()
    .default(false)
    .describe('Monitoring jobs, with confirm=true: run once right after saving; the result says what it escalated and whom it alerted'),
});

/** created_by for a job made in this chat: who "me" is. */
export function creatorOf(context: ToolContext): { channel: string; chat: string | number } {
  const chat = /^-?\d+$/.test(context.chat.id) ? Number(context.chat.id) : context.chat.id;
  return { channel: context.chat.channel, chat };
}

export function scheduleJobTool(deps: { workspace: Workspace; confirmations?: Confirmations }) {
  const confirmations = deps.confirmations ?? new Confirmations();
  return defineTool({
    name: 'schedule_job',
    description:
      'Create (or replace) a job: a monitoring job (schedule, object, rules of filter + escalate/set/notify) run on schedule and whenever an entry changes; or a report job (schedule + report, e.g. "the escalation report on the 1st at 9am") sent at each slot. First call with confirm=false and tell the person the preview (warnings included); call again with the same input and confirm=true only after they agree in a later message. first_run=true runs a monitoring job at once: tell the person what it did.',
    inputSchema: scheduleJobInput,
    outsideText: ['rules.*.examples', 'first_run.rules.*.examples', 'report.would_send_now'],
    async run(input, context) {
      const { confirm, first_run: firstRun, ...job } = input;
      const data = { ...job, created_by: creatorOf(context) };
      const action = actionOf('schedule_job', data);
      const zone = (saved: JobDefinition) => saved.timezone ?? deps.workspace.timeZone;
      if (confirm && confirmations.allows(context, action)) {
        // The person agreed to the preview: validate and save (the dry run was shown already).
        const saved = await saveJob(deps.workspace, data);
        confirmations.used(context, action);
        const ran = saved.enabled && firstRun && !isReportJob(saved) ? await firstRunOf(deps.workspace, saved) : undefined;
        const next = nextRuns(saved, deps.workspace.clock.now(), 3, deps.workspace.timeZone, deps.workspace).map((at) => toolTime(at, zone(saved)));
        if (isReportJob(saved)) {
          return { saved: true, file: `jobs/${saved.name}.job.yaml`, job: saved.name, schedule: describeSchedule(saved, deps.workspace.timeZone), next_runs: next, report: reportWords(saved.report), first_run: 'none: a report job sends at its slots only' };
        }
        return {
          saved: true,
          file: `jobs/${saved.name}.job.yaml`,
          job: saved.name,
          object: saved.object,
          schedule: describeSchedule(saved, deps.workspace.timeZone),
          next_runs: next,
          rules: saved.rules.map((rule) => ({ rule: rule.name, says: ruleWords(rule) })),
          ...(ran
            ? { first_run: ran }
            : { first_run: saved.enabled ? 'not run by this call (first_run=false): a running scheduler starts its first run now; show_job tells what it did' : 'none: the job is saved paused' }),
        };
      }
      const preview = await previewJob(deps.workspace, data);
      confirmations.previewed(context, action);
      return {
        saved: false,
        job: preview.job.name,
        ...(preview.report ? { report: preview.report } : { object: preview.job.object }),
        schedule: preview.schedule,
        ...(preview.active ? { active: preview.active } : {}),
        next_runs: preview.next_runs,
        ...(preview.report ? {} : { rules: preview.rules.map((rule) => ({ rule: rule.rule, says: rule.says, would_act_on_now: rule.count, examples: rule.entries })) }),
        recipients: preview.recipients,
        ...(preview.warnings.length ? { warnings: preview.warnings } : {}),
        ...(preview.replaces_existing ? { replaces_existing_job: true } : {}),
        next_step: confirm
          ? 'Nothing saved: confirm=true counts only after the person agreed to this preview in a later message. Say it back and ask them.'
          : 'Nothing saved yet. Say this back to the person (warnings included); call again with the same input and confirm=true when they agree.',
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
