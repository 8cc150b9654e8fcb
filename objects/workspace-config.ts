// workspace.yaml: the workspace's name, time zone, and who gets alerts. Later layers add their sections
// (SLA policy, business hours, webhook mapping); unknown keys are kept.
import { z } from 'zod';

export const recipientSchema = z
  .object({
    name: z.string().min(1),
    telegram: z.union([z.number(), z.string()]).optional().describe('Telegram chat id'),
    email: z.string().optional(),
  })
  .loose();

export const workspaceConfigSchema = z
  .object({
    name: z.string().default('escalator workspace'),
    timezone: z
      .string()
      .default('UTC')
      .refine(isTimeZone, { error: (issue) => `unknown time zone "${String(issue.input)}"; use an IANA name like Europe/London` }),
    /** People who receive alerts, with their channels. */
    people: z.array(recipientSchema).default([]),
    /** Role name → the people (names from `people`) who hold it: role:support_lead in a rule. */
    roles: z.record(z.string(), z.array(z.string())).default({}),
    /** Per help desk: status, priority and agent mappings (secrets never live here; they come from the environment). */
    helpdesk: z.object({ zendesk: helpdeskSectionSchema().optional(), intercom: helpdeskSectionSchema().optional() }).loose().optional(),
    /** Alert storms: per job run and recipient, the alerts past `digest_after` go as one digest message. */
    alerts: z
      .object({
        digest_after: z.number().int().min(1).max(1000).default(5).describe('alerts per job run and recipient sent one by one; the rest go as one digest'),
      })
      .loose()
      .default({ digest_after: 5 }),
  })
  .loose();

/** One help desk's part of `helpdesk:` — tables keyed by the help desk's own words or ids, any case. */
function helpdeskSectionSchema() {
  const table = z.record(z.string(), z.string());
  return z
    .object({
      status: table.optional().describe('help desk status (any case) → a Status option; over ingestion.<desk>.status'),
      priority: table.optional().describe('help desk priority (any case) → a Priority option; over ingestion.<desk>.priority'),
      agents: z.record(z.string(), z.string()).optional().describe('agent (admin) id → the name written to Assigned To'),
    })
    .loose();
}

export type WorkspaceConfig = z.infer<typeof workspaceConfigSchema>;

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
