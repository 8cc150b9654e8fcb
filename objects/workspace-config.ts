// workspace.yaml: the workspace's name, time zone, and who gets alerts. Later layers add their sections
// (SLA policy, business hours, webhook mapping); unknown keys are kept.
import { z } from 'zod';

/** A help-desk tag: letters, digits, _ - : . (Zendesk splits tags at spaces; Intercom accepts these too). */
const tagName = z.string().regex(/^[A-Za-z0-9_:.-]{1,80}$/, { error: 'a tag is 1–80 letters, digits, _ - : or .' });

/** Write-back to one help desk: on unless `enabled: false` (credentials come from the environment); tag names per event. */
export const writebackSchema = z
  .object({
    enabled: z.boolean().default(true).describe('false stops write-back to this help desk even when its credentials are set'),
    priority: z.boolean().default(false).describe('on escalation, also set the help desk priority from the ticket (Zendesk: P1 → urgent …)'),
    tags: z
      .object({
        escalated: tagName.default('escalator_escalated'),
        tier_1: tagName.default('escalator_tier_1'),
        tier_2: tagName.default('escalator_tier_2'),
        tier_3: tagName.default('escalator_tier_3'),
        acknowledged: tagName.default('escalator_acknowledged'),
        resolved: tagName.default('escalator_resolved'),
        assigned: tagName.default('escalator_assigned'),
      })
      .default({
        escalated: 'escalator_escalated',
        tier_1: 'escalator_tier_1',
        tier_2: 'escalator_tier_2',
        tier_3: 'escalator_tier_3',
        acknowledged: 'escalator_acknowledged',
        resolved: 'escalator_resolved',
        assigned: 'escalator_assigned',
      }),
  })
  .loose();

export type WritebackSettings = z.infer<typeof writebackSchema>;

/** A Telegram chat id: a whole number, negative for groups — the rule TELEGRAM_ALLOWED_CHATS and `pair revoke` use. */
export function isTelegramChatId(value: string | number): boolean {
  return /^-?\d{1,20}$/.test(String(value).trim());
}

/** A chat id in workspace.yaml, as a number or a string of digits; `allowEmpty` keeps '' as "no chat". */
function telegramChatId(options: { allowEmpty: boolean }) {
  return z.union([z.number(), z.string()]).refine((value) => (options.allowEmpty && value === '') || isTelegramChatId(value), {
    error: (issue) => `"${String(issue.input)}" is not a Telegram chat id; use the number "escalator pair list" shows, such as 123456789`,
  });
}

export const recipientSchema = z
  .object({
    name: z.string().min(1),
    // An empty value is kept as "no chat" (workspaces written before chat ids were checked may hold one).
    telegram: telegramChatId({ allowEmpty: true }).optional().describe('Telegram chat id'),
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
    /** The terminal user (`escalator chat`): `telegram` links them to a chat, so "me" from the terminal reaches it. */
    terminal: z
      .object({
        telegram: telegramChatId({ allowEmpty: false }).optional().describe('the chat that "me" reaches for jobs and messages made in the terminal'),
      })
      .strict()
      .optional(),
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
      writeback: writebackSchema.optional().describe('what escalator tells the help desk when it escalates, acknowledges, resolves or assigns'),
    })
    .loose();
}


export type WorkspaceConfig = z.infer<typeof workspaceConfigSchema>;

let canonicalZones: Set<string> | undefined;

/**
 * Whether Intl accepts `name` as a time zone. The canonical IANA names (and UTC, which ECMA-402 requires) are looked
 * up in Intl's own list: building the first DateTimeFormat loads ICU's locale data (10–30 ms), which a command on a
 * UTC workspace otherwise never needs. Aliases and other spellings go to DateTimeFormat as before.
 */
export function isTimeZone(name: string): boolean {
  canonicalZones ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (name === 'UTC' || canonicalZones.has(name)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
