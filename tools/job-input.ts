// The job format as tools take it: the .job.yaml shape with the filter language by reference (filterInputSchema) and
// every action option the file accepts (escalate.field included), so nothing the model writes is stripped.
import { z } from 'zod';
import { activeSchema } from '../jobs/active-hours';
import { builtinReports, jobFileObject, notifyActionSchema, recipientSpecSchema, ruleSchema } from '../jobs/job-schema';
import { filterInputSchema } from '../objects/filter';

export const actionInputSchema = z.union([
  z.object({
    escalate: z
      .object({
        tier: z.string().describe('Tier option to raise the entry to, e.g. "Tier 2 - Engineering" (or "Tier 2")'),
        field: z.string().optional().describe('The enum field holding the tier, when it is not "Escalation Tier" (any object with an enum tier field can escalate)'),
      })
      .strict(),
  }).strict(),
  z.object({ set: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).describe('Field: value pairs to set') }).strict(),
  z.object({ notify: z.object({ to: z.array(recipientSpecSchema), template: notifyActionSchema.shape.notify.shape.template }).strict() }).strict(),
]);

export const ruleInputSchema = z.object({
  name: ruleSchema.shape.name.describe('Rule name, e.g. p1-no-first-response'),
  description: z.string().optional().describe('What the rule is for, in a sentence'),
  when: filterInputSchema.describe('Which entries the rule acts on (the filter language)'),
  then: z.array(actionInputSchema).min(1).describe('Actions, in order: escalate, set, notify'),
});

/**
 * The `active:` key as tools take it: checked against the file's form, but described in one line (no schema written
 * out for the model).
 */
export const activeByReferenceSchema = z
  .unknown()
  .superRefine((value, context) => {
    if (value === undefined) return;
    const parsed = activeSchema.safeParse(value);
    if (!parsed.success) for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .describe('When the job may act; outside it nothing runs or alerts. "business_hours" or {"days":["mon","tue","wed","thu","fri"],"hours":"08:00-18:00","timezone":"Europe/Berlin"} (each optional); "pause on weekends" → days mon–fri');

/** The `report:` key as tools take it (no transforms, so it converts to JSON Schema; saveJob checks it fully). */
export const reportInputSchema = z
  .object({
    title: z.string().optional(),
    builtin: z.enum(builtinReports).optional().describe('The escalation report: the period\'s escalations (v_escalations) by tier and customer'),
    sql: z.string().optional().describe('Or one read-only SELECT; {period_start} / {period_end} stand for the period (slot before → this slot)'),
    chart: z.unknown().optional().describe('builtin: true; sql: a Vega-Lite spec without data'),
    to: z.array(z.string()).min(1).describe('"me", "role:<name>", "person:<name>"'),
  })
  .strict()
  .describe('A report job, instead of object and rules');

export const jobToolInputSchema = z.object({
  name: jobFileObject.shape.name.describe('Job name, lower-case with dashes, e.g. support-escalation'),
  description: z.string().optional().describe('What the job watches for, in a sentence'),
  schedule: jobFileObject.shape.schedule,
  timezone: jobFileObject.shape.timezone,
  active: activeByReferenceSchema.optional(),
  object: z.string().optional().describe('Monitoring jobs: the object whose entries the rules test, e.g. support_tickets (omit for a report job)'),
  enabled: z.boolean().optional().describe('false to save the job paused; default true'),
  rules: z.array(ruleInputSchema).min(1).optional().describe('Monitoring jobs: rules, evaluated in order within one transaction; each fires once per entry. Give rules or report, not both'),
  report: reportInputSchema.optional(),
});

/**
 * A rule given by reference to schedule_job's rule form (update_job's add_rule / replace_rule): checked against
 * ruleInputSchema, but its JSON Schema is one line, so the rule form is not written out a second time for the model.
 */
export const ruleByReferenceSchema = z
  .record(z.string(), z.unknown())
  .superRefine((value, context) => {
    const parsed = ruleInputSchema.safeParse(value);
    if (!parsed.success) for (const issue of parsed.error.issues) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  })
  .describe('A rule {name, when, then} in the same form as schedule_job\'s rules items');

/** The rule a by-reference input holds (it was checked by ruleByReferenceSchema). */
export function ruleOf(value: Record<string, unknown>): z.output<typeof ruleInputSchema> {
  return ruleInputSchema.parse(value);
}
