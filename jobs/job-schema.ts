// The .job.yaml format: a monitoring job is a schedule, an object and rules (a filter plus actions), zod-validated.
import { z } from 'zod';
import { canonicalFilterSchema, filterSchema } from '../objects/filter';
import { activeInputSchema, activeSchema } from './active-hours';

/** Who a notification goes to: the job's creator, everyone holding a role, a person by name, or a person named by a field. */
export const recipientSpecSchema = z
  .string()
  .trim()
  .regex(
    /^(me|role:.+|person:.+|field:.+)$/,
    'a recipient is "me", "role:<name>" (from workspace.yaml roles), "person:<name>" (an owner or a person of workspace.yaml) or "field:<path>" (e.g. field:Customer.Account Owner)',
  )
  .describe('"me" (the job\'s creator), "role:<name>" from workspace.yaml, "person:<name>" (e.g. "person:Priya Patel"), or "field:<path>" such as "field:Customer.Account Owner"');

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** Raises the entry's escalation tier (never lowers it), sets Status to Escalated and Escalated to true. */
export const escalateActionSchema = z
  .object({
    escalate: z.preprocess(
      (value) => (typeof value === 'string' ? { tier: value } : value),
      z
        .object({
          tier: z.string().trim().min(1).describe('An option of the tier field, e.g. "Tier 2 - Engineering" (or "Tier 2")'),
          field: z.string().trim().min(1).optional().describe('The tier field; default "Escalation Tier"'),
        })
        .strict(),
    ),
  })
  .strict();

/** Sets fields of the entry. */
export const setActionSchema = z
  .object({ set: z.record(z.string(), scalar).refine((values) => Object.keys(values).length > 0, 'set needs at least one Field: value') })
  .strict();

/** Queues a message to each recipient through the outbox. */
export const notifyActionSchema = z
  .object({
    notify: z
      .object({
        to: z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(recipientSpecSchema).min(1, 'notify needs at least one recipient')),
        template: z
          .string()
          .min(1)
          .optional()
          .describe('"escalation" (default: the seed\'s alert), "brief", or text with {Field} / {Customer.Field} placeholders'),
      })
      .strict(),
  })
  .strict();

export const actionSchema = z.union([escalateActionSchema, setActionSchema, notifyActionSchema]);
export type JobAction = z.infer<typeof actionSchema>;

export const ruleSchema = z
  .object({
    name: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'a rule name is letters, digits, "-", "_" or "." (e.g. p1-no-first-response)'),
    description: z.string().optional(),
    when: filterSchema,
    then: z.array(actionSchema).min(1, 'a rule needs at least one action under then'),
  })
  .strict();
export type JobRule = z.infer<typeof ruleSchema>;

export const createdBySchema = z
  .object({
    channel: z.string().trim().min(1).describe('"telegram" or "terminal"'),
    chat: z.union([z.number(), z.string()]).describe('The chat id on that channel ("me")'),
  })
  .strict();
export type CreatedBy = z.infer<typeof createdBySchema>;

/** The built-in reports a report job can send. */
export const builtinReports = ['escalations'] as const;

/**
 * The `report:` key: what a report job sends at each slot — a built-in report or one read-only SELECT — to whom,
 * with an optional chart. Its period is from the slot before to this slot.
 */
export const reportSchema = z
  .object({
    title: z.string().trim().min(1).max(120).optional().describe('Heading of the report and the chart, e.g. "Monthly escalation report"'),
    builtin: z
      .enum(builtinReports)
      .optional()
      .describe('"escalations": the escalation report — escalations of the period from v_escalations, per customer and tier, with the period before for comparison'),
    sql: z
      .string()
      .trim()
      .min(1)
      .max(20_000)
      .optional()
      .describe('One read-only SELECT (as the query tool takes it); {period_start} and {period_end} stand for the period as TIMESTAMPTZ values'),
    chart: z
      .union([z.boolean(), z.record(z.string(), z.unknown())])
      .optional()
      .describe('true: the report\'s default bar chart; or a Vega-Lite spec without data (the rows are its data); omitted/false: no chart'),
    to: z.preprocess((value) => (typeof value === 'string' ? [value] : value), z.array(recipientSpecSchema).min(1, 'a report needs at least one recipient under report.to')),
  })
  .strict()
  .refine((report) => (report.builtin === undefined) !== (report.sql === undefined), 'a report is either builtin: escalations or sql: "SELECT …", one of the two');
export type ReportSpec = z.infer<typeof reportSchema>;

/** A job file as read from disk: `when` accepts every spelling of the filter language and is normalized. */
const jobFileObject = z
  .object({
    name: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a job name is lower-case letters, digits, "-" or "_" (e.g. support-escalation)'),
    description: z.string().optional(),
    schedule: z.string().trim().min(1).describe('cron ("*/30 * * * *") or "every 30 minutes" / "every 2 hours"'),
    timezone: z.string().trim().min(1).optional().describe('IANA time zone of the schedule; default the workspace\'s'),
    active: activeSchema.optional(),
    object: z.string().trim().min(1).optional(),
    created_by: createdBySchema.optional(),
    enabled: z.boolean().default(true),
    rules: z.array(ruleSchema).min(1, 'a job needs at least one rule').optional(),
    report: reportSchema.optional(),
  })
  .strict();

/**
 * A job is a monitoring job (object + rules) or a report job (report, no rules). The validated form keeps `object`
 * and `rules` as strings and lists for both: a report job has `object: ""` and `rules: []` (see isReportJob).
 */
export const jobFileSchema = jobFileObject
  .superRefine((job, context) => {
    if (job.report && job.rules) context.addIssue({ code: 'custom', path: ['report'], message: 'a job has either rules (a monitoring job) or report (a report job), not both' });
    if (!job.report && !job.rules) context.addIssue({ code: 'custom', path: ['rules'], message: 'a job needs rules (a monitoring job) or report (a report job)' });
    if (!job.report && !job.object) context.addIssue({ code: 'custom', path: ['object'], message: 'a monitoring job needs object: the object whose entries its rules test' });
    if (job.report && job.object) context.addIssue({ code: 'custom', path: ['object'], message: 'a report job has no object (its SQL or built-in report says what it reads); remove object' });
  })
  .transform(({ object, rules, ...job }) => ({ ...job, object: object ?? '', rules: rules ?? [] }));

/** A validated job. */
export type JobDefinition = z.infer<typeof jobFileSchema>;

/**
 * The same format with the canonical filter form and descriptions everywhere: what tools show the model
 * (converts to JSON Schema; `jobFileSchema` does not, because its filter is a transform).
 */
export { jobFileObject };
export const jobInputSchema = z.object({
  name: jobFileObject.shape.name.describe('Job name, lower-case with dashes, e.g. support-escalation'),
  description: z.string().optional().describe('What the job watches for, in a sentence'),
  schedule: jobFileObject.shape.schedule,
  timezone: jobFileObject.shape.timezone,
  active: activeInputSchema.optional(),
  object: z.string().describe('The object whose entries the rules test, e.g. support_tickets'),
  enabled: z.boolean().optional().describe('false to save the job paused; default true'),
  rules: z
    .array(
      z.object({
        name: ruleSchema.shape.name.describe('Rule name, e.g. p1-no-first-response'),
        when: canonicalFilterSchema.describe('Which entries the rule acts on (the filter language)'),
        then: z
          .array(
            z.union([
              z.object({ escalate: z.object({ tier: z.string().describe('Tier option to raise the entry to') }) }),
              z.object({ set: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).describe('Field: value pairs to set') }),
              z.object({
                notify: z.object({
                  to: z.array(recipientSpecSchema),
                  template: notifyActionSchema.shape.notify.shape.template,
                }),
              }),
            ]),
          )
          .describe('Actions, in order'),
      }),
    )
    .min(1)
    .describe('Rules, evaluated in order within one transaction; each fires once per entry'),
});

/** Whether a job is a report job (sends `report` at its slots) rather than a monitoring job with rules. */
export function isReportJob(job: Pick<JobDefinition, 'report'>): job is JobDefinition & { report: ReportSpec } {
  return job.report !== undefined;
}
