// update_job: pause or resume a job; change its schedule, active window, report or rules — the whole list, or one rule
// added, replaced or removed by name — with the same preview-then-confirm as schedule_job (confirm=true counts only in
// a later turn than the preview), the preview saying what changes.
import { z } from 'zod';
import { activeSchema, activeWindowOf, type ActiveSpec } from '../jobs/active-hours';
import { readJob, saveJob } from '../jobs/job-files';
import type { JobDefinition } from '../jobs/job-schema';
import { reportWords } from '../jobs/report-job';
import { EscalatorError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { actionOf, Confirmations } from './confirmations';
import { jobToolInputSchema, reportInputSchema, ruleByReferenceSchema, ruleOf } from './job-input';
import { previewJob } from './job-preview';
import { ruleWords } from './job-words';
import { defineTool } from './tool';

export const updateJobInput = z.object({
  name: z.string().describe('The job to change'),
  enabled: z.boolean().optional().describe('false pauses the job, true resumes it (applied at once)'),
  schedule: jobToolInputSchema.shape.schedule.optional(),
  timezone: jobToolInputSchema.shape.timezone,
  description: z.string().optional().describe('New description'),
  active: z
    .unknown()
    .superRefine((value, context) => {
      if (value === undefined || value === null || value === 'always') return;
      const parsed = activeSchema.safeParse(value);
      if (!parsed.success) for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    })
    .describe('The active window as schedule_job takes it ("pause on weekends": {"days":["mon","tue","wed","thu","fri"]}); "always" (or null) removes it')
    .optional(),
  report: z
    .record(z.string(), z.unknown())
    .optional()
    .superRefine((value, context) => {
      if (value === undefined) return;
      const parsed = reportInputSchema.safeParse(value);
      if (!parsed.success) for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    })
    .describe('Report jobs: a new report, as schedule_job takes it'),
  rules: z.array(ruleByReferenceSchema).min(1).optional().describe('The full new rule list (replaces the old one), each rule as in schedule_job; to change one rule use add_rule, replace_rule or remove_rule'),
  add_rule: ruleByReferenceSchema.optional().describe('One new rule, added after the others (its name must be new)'),
  replace_rule: ruleByReferenceSchema.optional().describe('One rule replacing the job\'s rule of the same name; the others stay as they are'),
  remove_rule: z.string().optional().describe('The name of one rule to remove; the others stay as they are'),
  confirm: z.boolean().default(false).describe('true saves: only after the person agreed to the preview in a later message'),
});

type UpdateJobInput = z.output<typeof updateJobInput>;

/** The job's rules after the one-rule edits (add, replace, remove by name); throws naming the rules there are. */
export function editedRules(current: JobDefinition, input: Pick<UpdateJobInput, 'rules' | 'add_rule' | 'replace_rule' | 'remove_rule'>): unknown[] {
  const single = [input.add_rule, input.replace_rule, input.remove_rule].filter((edit) => edit !== undefined).length;
  if (input.rules && single > 0) throw new EscalatorError('give either rules (the whole list) or add_rule / replace_rule / remove_rule, not both');
  let rules: unknown[] = input.rules ?? current.rules.map((rule) => ({ ...rule }));
  const names = () => current.rules.map((rule) => rule.name).join(', ');
  const has = (name: string) => current.rules.some((rule) => rule.name === name);
  if (input.remove_rule !== undefined) {
    if (!has(input.remove_rule)) throw new EscalatorError(`remove_rule: ${current.name} has no rule "${input.remove_rule}" (rules: ${names()})`);
    if (current.rules.length === 1) throw new EscalatorError(`remove_rule: "${input.remove_rule}" is ${current.name}'s only rule; delete the job (delete_job) or pause it (enabled=false) instead`);
    rules = rules.filter((rule) => (rule as { name: string }).name !== input.remove_rule);
  }
  if (input.replace_rule) {
    const replacement = ruleOf(input.replace_rule);
    const name = replacement.name;
    if (!has(name)) throw new EscalatorError(`replace_rule: ${current.name} has no rule "${name}" (rules: ${names()}); use add_rule for a new one`);
    rules = rules.map((rule) => ((rule as { name: string }).name === name ? replacement : rule));
  }
  if (input.add_rule) {
    const added = ruleOf(input.add_rule);
    if (has(added.name)) throw new EscalatorError(`add_rule: ${current.name} already has a rule "${added.name}"; use replace_rule to change it`);
    rules = [...rules, added];
  }
  return rules;
}

/** What changes between two versions of a job, in words: one line per rule added, removed or changed, and the schedule. */
export function jobChanges(before: JobDefinition, after: JobDefinition, schedule: (job: JobDefinition) => string, active?: (job: JobDefinition) => string): string[] {
  const lines: string[] = [];
  if (before.schedule !== after.schedule || before.timezone !== after.timezone) lines.push(`schedule: ${schedule(before)} → ${schedule(after)}`);
  if (active && active(before) !== active(after)) lines.push(`active: ${active(before)} → ${active(after)}`);
  if (before.report && after.report && reportWords(before.report) !== reportWords(after.report)) lines.push(`report: ${reportWords(before.report)} → ${reportWords(after.report)}`);
  if ((before.description ?? '') !== (after.description ?? '')) lines.push(`description: "${before.description ?? ''}" → "${after.description ?? ''}"`);
  if (before.enabled !== after.enabled) lines.push(after.enabled ? 'resumed' : 'paused');
  for (const rule of after.rules) {
    const old = before.rules.find((candidate) => candidate.name === rule.name);
    if (!old) lines.push(`adds rule ${rule.name}: ${ruleWords(rule)}`);
    else if (ruleWords(old) !== ruleWords(rule)) lines.push(`changes rule ${rule.name}: was ${ruleWords(old)}; becomes ${ruleWords(rule)}`);
  }
  for (const rule of before.rules) if (!after.rules.some((candidate) => candidate.name === rule.name)) lines.push(`removes rule ${rule.name}: ${ruleWords(rule)}`);
  const kept = after.rules.filter((rule) => before.rules.some((old) => old.name === rule.name && ruleWords(old) === ruleWords(rule))).map((rule) => rule.name);
  const rulesChanged = lines.some((line) => /^(adds|changes|removes) rule /.test(line));
  if (rulesChanged && kept.length) lines.push(`unchanged: ${kept.join(', ')}`);
  return lines.length ? lines : ['nothing changes'];
}

export function updateJobTool(deps: { workspace: Workspace; confirmations?: Confirmations }) {
  const confirmations = deps.confirmations ?? new Confirmations();
  return defineTool({
    name: 'update_job',
    description:
      'Change a job: enabled (pause/resume), schedule, timezone, active window, description, report, or rules — add_rule / replace_rule / remove_rule change one rule by name and keep the others (show_job has them). confirm=false previews what changes; call again with the same input and confirm=true only after the person agrees in a later message.',
    inputSchema: updateJobInput,
    outsideText: ['rules.*.examples'],
    async run(input, context) {
      const { workspace } = deps;
      const current = await readJob(workspace, input.name);
      const editsRules = input.rules !== undefined || input.add_rule !== undefined || input.replace_rule !== undefined || input.remove_rule !== undefined;
      const changes = [input.enabled, input.schedule, input.timezone, input.description, input.active, input.report].some((value) => value !== undefined) || editsRules;
      if (!changes) throw new EscalatorError('update_job needs something to change: enabled, schedule, timezone, active, description, report, rules, add_rule, replace_rule or remove_rule');
      if (input.report && !current.report) throw new EscalatorError(`${current.name} is a monitoring job with rules; report changes only a report job (schedule a new report job with schedule_job)`);
      if (editsRules && current.report) throw new EscalatorError(`${current.name} is a report job; it has no rules to change (change its report instead)`);
      const { active: _active, ...kept } = current;
      const base = input.active === 'always' || input.active === null ? kept : current;
      // A report job as read keeps object "" and rules [] (see isReportJob); its file, and so its new data, has neither.
      const { object: _object, rules: _rules, ...reportBase } = base;
      const data = {
        ...(current.report ? reportBase : base),
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
        ...(input.schedule === undefined ? {} : { schedule: input.schedule }),
        ...(input.timezone === undefined ? {} : { timezone: input.timezone }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(input.active === undefined || input.active === null || input.active === 'always' ? {} : { active: input.active as ActiveSpec }),
        ...(input.report === undefined ? {} : { report: input.report }),
        ...(editsRules ? { rules: editedRules(current, input) } : {}),
      };
      const preview = await previewJob(workspace, data);
      const activeText = (job: JobDefinition) => activeWindowOf(job, workspace)?.text ?? 'always';
      const summary = {
        job: preview.job.name,
        changes: jobChanges(current, preview.job, (job) => describeScheduleOf(workspace, job), activeText),
        schedule: preview.schedule,
        active: preview.active ?? 'always',
        next_runs: preview.next_runs,
        ...(preview.report ? { report: preview.report } : { rules: preview.rules.map((rule) => ({ rule: rule.rule, says: rule.says, would_act_on_now: rule.count, examples: rule.entries })) }),
        recipients: preview.recipients,
        ...(preview.warnings.length ? { warnings: preview.warnings } : {}),
      };
      const { confirm, ...change } = input;
      const action = actionOf('update_job', change);
      if (!confirm || !confirmations.allows(context, action)) {
        confirmations.previewed(context, action);
        return {
          saved: false,
          ...summary,
          next_step: confirm
            ? 'Nothing saved: confirm=true counts only after the person agreed to this preview in a later message. Say the changes back and ask them.'
            : 'Nothing saved yet. Say the changes back (warnings included); call again with the same input and confirm=true when they agree.',
        };
      }
      await saveJob(workspace, data);
      confirmations.used(context, action);
      return { saved: true, ...summary };
    },
  });
}

function describeScheduleOf(workspace: Workspace, job: JobDefinition): string {
  return `${job.schedule}${job.timezone && job.timezone !== workspace.timeZone ? ` (${job.timezone})` : ''}`;
}
