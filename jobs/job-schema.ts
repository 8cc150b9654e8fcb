// The .job.yaml format: a monitoring job is a schedule, an object and rules (a filter plus actions), zod-validated.
import { z } from 'zod';
import { canonicalFilterSchema, filterSchema } from '../objects/filter';
import { activeInputSchema, activeSchema } from './active-hours';

/** Who a notification goes to: the job's creator, everyone holding a role, or a person named by a field. */
export const recipientSpecSchema = z
  .string()
  .trim()
  .regex(/^(me|role:.+|field:.+)$/, 'a recipient is "me", "role:<name>" (from workspace.yaml roles) or "field:<path>" (e.g. field:Customer.Account Owner)')
  .describe('"me" (the job\'s creator), "role:<name>" from workspace.yaml, or "field:<path>" such as "field:Customer.Account Owner"');

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

/** A job file as read from disk: `when` accepts every spelling of the filter language and is normalized. */
export const jobFileSchema = z
  .object({
    name: z.string().trim().regex(/^[a-z0-9][a-z0-9_-]*$/, 'a job name is lower-case letters, digits, "-" or "_" (e.g. support-escalation)'),
    description: z.string().optional(),
    schedule: z.string().trim().min(1).describe('cron ("*/30 * * * *") or "every 30 minutes" / "every 2 hours"'),
    timezone: z.string().trim().min(1).optional().describe('IANA time zone of the schedule; default the workspace\'s'),
    active: activeSchema.optional(),
    object: z.string().trim().min(1),
    created_by: createdBySchema.optional(),
    enabled: z.boolean().default(true),
    rules: z.array(ruleSchema).min(1, 'a job needs at least one rule'),
  })
  .strict();

/** A validated job. */
export type JobDefinition = z.infer<typeof jobFileSchema>;

/**
 * The same format with the canonical filter form and descriptions everywhere: what tools show the model
 * (converts to JSON Schema; `jobFileSchema` does not, because its filter is a transform).
 */
export const jobInputSchema = z.object({
  name: jobFileSchema.shape.name.describe('Job name, lower-case with dashes, e.g. support-escalation'),
  description: z.string().optional().describe('What the job watches for, in a sentence'),
  schedule: jobFileSchema.shape.schedule,
  timezone: jobFileSchema.shape.timezone,
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
