// update_job: pause or resume a job at once; change its schedule or rules — the whole list, or one rule added,
// replaced or removed by name — with the same preview-then-confirm as schedule_job, the preview saying what changes.
import { z } from 'zod';
import { readJob, saveJob, setJobEnabled } from '../jobs/job-files';
import type { JobDefinition } from '../jobs/job-schema';
import { EscalatorError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { jobToolInputSchema, ruleByReferenceSchema, ruleOf } from './job-input';
import { previewJob } from './job-preview';
import { ruleWords } from './job-words';
import { defineTool } from './tool';

export const updateJobInput = z.object({
  name: z.string().describe('The job to change'),
  enabled: z.boolean().optional().describe('false pauses the job, true resumes it (applied at once)'),
  schedule: jobToolInputSchema.shape.schedule.optional(),
  timezone: jobToolInputSchema.shape.timezone,
  description: z.string().optional().describe('New description'),
  // Checked by the job file schema when previewed; kept small here so the tools' schemas stay short for the model.
  active: z.union([z.literal('business_hours'), z.record(z.string(), z.unknown()), z.null()]).optional().describe('The active window as in schedule_job; null removes it'),
  rules: z.array(ruleByReferenceSchema).min(1).optional().describe('The full new rule list (replaces the old one), each rule as in schedule_job; to change one rule use add_rule, replace_rule or remove_rule'),
  add_rule: ruleByReferenceSchema.optional().describe('One new rule, added after the others (its name must be new)'),
  replace_rule: ruleByReferenceSchema.optional().describe('One rule replacing the job\'s rule of the same name; the others stay as they are'),
  remove_rule: z.string().optional().describe('The name of one rule to remove; the others stay as they are'),
  confirm: z.boolean().default(false).describe('Schedule or rule changes: false previews, true saves after the person agreed'),
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
export function jobChanges(before: JobDefinition, after: JobDefinition, schedule: (job: JobDefinition) => string): string[] {
  const lines: string[] = [];
  if (before.schedule !== after.schedule || before.timezone !== after.timezone) lines.push(`schedule: ${schedule(before)} → ${schedule(after)}`);
  if ((before.description ?? '') !== (after.description ?? '')) lines.push(`description: "${before.description ?? ''}" → "${after.description ?? ''}"`);
  if (before.enabled !== after.enabled) lines.push(after.enabled ? 'resumed' : 'paused');
  if (JSON.stringify(before.active ?? null) !== JSON.stringify(after.active ?? null)) lines.push(`active: ${activeText(before.active)} → ${activeText(after.active)}`);
  for (const rule of after.rules) {
    const old = before.rules.find((candidate) => candidate.name === rule.name);
    if (!old) lines.push(`adds rule ${rule.name}: ${ruleWords(rule)}`);
    else if (ruleWords(old) !== ruleWords(rule)) lines.push(`changes rule ${rule.name}: was ${ruleWords(old)}; becomes ${ruleWords(rule)}`);
  }
  for (const rule of before.rules) if (!after.rules.some((candidate) => candidate.name === rule.name)) lines.push(`removes rule ${rule.name}: ${ruleWords(rule)}`);
  const kept = after.rules.filter((rule) => before.rules.some((old) => old.name === rule.name && ruleWords(old) === ruleWords(rule))).map((rule) => rule.name);
  if (lines.length && kept.length) lines.push(`unchanged: ${kept.join(', ')}`);
  return lines.length ? lines : ['nothing changes'];
}

export function updateJobTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'update_job',
    description:
      'Change a monitoring job: pause/resume (enabled), its schedule, time zone, active window or description, or its rules — add_rule, replace_rule (by name) or remove_rule change one rule and keep the others (see them with show_job). Rule and schedule changes preview first (confirm=false) with what changes in words, like schedule_job.',
    inputSchema: updateJobInput,
    outsideText: ['rules.*.examples'],
    async run(input) {
      const { workspace } = deps;
      const current = await readJob(workspace, input.name);
      const editsRules = input.rules !== undefined || input.add_rule !== undefined || input.replace_rule !== undefined || input.remove_rule !== undefined;
      const changesDefinition = input.schedule !== undefined || input.timezone !== undefined || editsRules || input.description !== undefined || input.active !== undefined;
      if (!changesDefinition) {
        if (input.enabled === undefined) throw new EscalatorError('update_job needs something to change: enabled, schedule, timezone, active, description, rules, add_rule, replace_rule or remove_rule');
        const saved = await setJobEnabled(workspace, input.name, input.enabled);
        return { job: saved.name, enabled: saved.enabled };
      }
      const { active: _previous, ...rest } = current;
      const data = {
        ...(input.active === null ? rest : current),
        ...(input.active === undefined || input.active === null ? {} : { active: input.active }),
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
        ...(input.schedule === undefined ? {} : { schedule: input.schedule }),
        ...(input.timezone === undefined ? {} : { timezone: input.timezone }),
        ...(input.description === undefined ? {} : { description: input.description }),
        ...(editsRules ? { rules: editedRules(current, input) } : {}),
      };
      const preview = await previewJob(workspace, data);
      const summary = {
        job: preview.job.name,
        changes: jobChanges(current, preview.job, (job) => describeScheduleOf(workspace, job)),
        schedule: preview.schedule,
        next_runs: preview.next_runs,
        rules: preview.rules.map((rule) => ({ rule: rule.rule, says: rule.says, would_act_on_now: rule.count, examples: rule.entries })),
      };
      if (!input.confirm) return { saved: false, ...summary, next_step: 'Nothing saved yet. Say the changes back; call again with the same input and confirm=true when they agree.' };
      await saveJob(workspace, data);
      return { saved: true, ...summary };
    },
  });
}

function activeText(active: JobDefinition['active']): string {
  if (active === undefined) return 'all the time';
  return active === 'business_hours' ? 'business hours' : JSON.stringify(active);
}

function describeScheduleOf(workspace: Workspace, job: JobDefinition): string {
  return `${job.schedule}${job.timezone && job.timezone !== workspace.timeZone ? ` (${job.timezone})` : ''}`;
}
