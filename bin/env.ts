// The environment, read once and validated: only bin/ reads process.env.
import { z } from 'zod';
import { DefinitionError } from '../objects/errors';

const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));

export const envSchema = z.object({
  ESCALATOR_WORKSPACE: optionalText,
  ESCALATOR_NOW: optionalText.refine((value) => value === undefined || !Number.isNaN(new Date(value).getTime()), {
    error: 'ESCALATOR_NOW must be an ISO time such as 2026-04-14T10:00:00Z',
  }),
  ANTHROPIC_API_KEY: optionalText,
  ANTHROPIC_BASE_URL: optionalText,
  ESCALATOR_MODEL: optionalText,
  TELEGRAM_BOT_TOKEN: optionalText,
  TELEGRAM_API_ROOT: optionalText,
  TELEGRAM_ALLOWED_CHATS: optionalText.refine((value) => value === undefined || /^\s*-?\d+(\s*,\s*-?\d+)*\s*$/.test(value), {
    error: 'TELEGRAM_ALLOWED_CHATS must be numeric chat ids separated by commas',
  }),
  TELEGRAM_WEBHOOK_URL: optionalText.refine((value) => value === undefined || /^https?:\/\/[^/]+\/\S*$/.test(value), {
    error: 'TELEGRAM_WEBHOOK_URL must be the public URL Telegram posts updates to, such as https://bot.example.com/telegram',
  }),
  TELEGRAM_WEBHOOK_SECRET: optionalText.refine((value) => value === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(value), {
    error: 'TELEGRAM_WEBHOOK_SECRET must be 1–256 characters of A-Z, a-z, 0-9, _ and -',
  }),
  TELEGRAM_WEBHOOK_PORT: optionalText.refine((value) => value === undefined || (/^\d+$/.test(value) && Number(value) < 65536), {
    error: 'TELEGRAM_WEBHOOK_PORT must be a port number',
  }),
  ZENDESK_WEBHOOK_SECRET: optionalText,
  INTERCOM_CLIENT_SECRET: optionalText,
  /** Write-back to Zendesk: https://SUBDOMAIN.zendesk.com, or ZENDESK_API_ROOT (tests, proxies). */
  ZENDESK_SUBDOMAIN: optionalText.refine((value) => value === undefined || /^[a-z0-9][a-z0-9-]{0,62}$/i.test(value), {
    error: 'ZENDESK_SUBDOMAIN must be the part before .zendesk.com, such as acme',
  }),
  ZENDESK_API_ROOT: optionalText.refine((value) => value === undefined || /^https?:\/\/[^\s/]+\/?$/.test(value), {
    error: 'ZENDESK_API_ROOT must be a base URL such as https://acme.zendesk.com',
  }),
  ZENDESK_EMAIL: optionalText,
  ZENDESK_API_TOKEN: optionalText,
  /** Write-back to Intercom: an access token and the admin the notes and tags are written as. */
  INTERCOM_ACCESS_TOKEN: optionalText,
  INTERCOM_ADMIN_ID: optionalText.refine((value) => value === undefined || /^\d+$/.test(value), { error: 'INTERCOM_ADMIN_ID must be the numeric id of an Intercom admin' }),
  INTERCOM_API_ROOT: optionalText.refine((value) => value === undefined || /^https?:\/\/[^\s/]+\/?$/.test(value), {
    error: 'INTERCOM_API_ROOT must be a base URL such as https://api.intercom.io',
  }),
  /** Bearer token of POST /webhooks/generic. */
  ESCALATOR_WEBHOOK_TOKEN: optionalText,
  /** Time limit of one read-only query (escalator query, the query tool), in seconds. */
  ESCALATOR_QUERY_TIMEOUT_SECONDS: optionalText.refine((value) => value === undefined || (/^\d+(\.\d+)?$/.test(value) && Number(value) > 0 && Number(value) <= 3600), {
    error: 'ESCALATOR_QUERY_TIMEOUT_SECONDS must be a number of seconds above 0 and at most 3600, such as 5 or 0.5',
  }),
  /** DuckDB's memory limit for the workspace (default 1GB); past it, sorts and joins spill to disk. */
  ESCALATOR_MEMORY_LIMIT: optionalText.refine((value) => value === undefined || /^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$/i.test(value), {
    error: 'ESCALATOR_MEMORY_LIMIT must be a size such as 512MB or 2GB',
  }),
});

export type Env = z.infer<typeof envSchema>;

/** Validates the environment; a bad variable is named with what it should be. */
export function readEnv(source: NodeJS.ProcessEnv): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DefinitionError('environment', `${issue.path.join('.')}: ${issue.message}`);
  }
  return parsed.data;
}

/** Whether any help-desk write-back variable is set (cheap: the write-back code loads only then). */
export function wantsHelpdeskWriteback(env: Env): boolean {
  return [env.ZENDESK_SUBDOMAIN, env.ZENDESK_API_ROOT, env.ZENDESK_EMAIL, env.ZENDESK_API_TOKEN, env.INTERCOM_ACCESS_TOKEN, env.INTERCOM_ADMIN_ID].some(Boolean);
}
