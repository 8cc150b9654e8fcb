// One JSON request to a help-desk API, its failure sorted into what the outbox should do: 401, 403, 404, 422 and other
// refusals are permanent (marked failed with the reason); 409, 429 (holding the ticket for Retry-After, or Intercom's
// X-RateLimit-Reset), 5xx and network failures are retried with the outbox's backoff.
import { PermanentDeliveryError, RetryableDeliveryError } from '../../jobs/outbox';

export interface HelpdeskRequest {
  /** "Zendesk" or "Intercom", for the reason a person reads in `escalator outbox`. */
  desk: string;
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** What to check when the desk refuses the credentials ("check ZENDESK_EMAIL and ZENDESK_API_TOKEN"). */
  credentialsHint: string;
  /** Bound on one request; the outbox retries after it. Default 30 s. */
  timeoutMs?: number;
}

/** Sends the request and returns its JSON body, or throws a Retryable/PermanentDeliveryError. */
export async function helpdeskRequest(request: HelpdeskRequest): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: { accept: 'application/json', ...(request.body === undefined ? {} : { 'content-type': 'application/json' }), ...request.headers },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(request.timeoutMs ?? 30_000),
    });
  } catch (error) {
    throw new RetryableDeliveryError(`cannot reach ${request.desk}: ${error instanceof Error ? error.message : String(error)}`, undefined, { cause: error });
  }
  const text = await response.text().catch(() => '');
  if (response.ok) return parseJson(text);
  // The reason first: `escalator outbox` shows the start of it in its table.
  const reason = `${request.desk} ${response.status}: ${errorDetail(parseJson(text)) ?? (text.slice(0, 200) || response.statusText)}`;
  const where = `(${request.method} ${new URL(request.url).pathname})`;
  if (response.status === 429 || response.status === 409) {
    throw new RetryableDeliveryError(`${reason} ${where}`, retryAfterMs(response.headers.get('retry-after')) ?? rateLimitResetMs(response.headers.get('x-ratelimit-reset')) ?? (response.status === 409 ? 1_000 : undefined));
  }
  if (response.status >= 500) throw new RetryableDeliveryError(`${reason} ${where}`);
  if (response.status === 401 || response.status === 403) throw new PermanentDeliveryError(`${reason} — ${request.credentialsHint} ${where}`);
  throw new PermanentDeliveryError(`${reason} ${where}`);
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Intercom's 429 names when the window resets (X-RateLimit-Reset, Unix seconds) instead of a Retry-After. */
function rateLimitResetMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || !/^\d{9,11}$/.test(header.trim())) return undefined;
  return Math.min(Math.max(0, Number(header.trim()) * 1000 - now), 10 * 60_000);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { text };
  }
}

/** The reason in Zendesk's `{error, description}` or Intercom's `{type: "error.list", errors: [{code, message}]}`. */
function errorDetail(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as Record<string, unknown>;
  if (Array.isArray(record.errors)) {
    const parts = record.errors.map((error: unknown) => {
      const item = (error ?? {}) as Record<string, unknown>;
      return [item.code, item.message].filter((part) => typeof part === 'string').join(': ');
    });
    if (parts.some(Boolean)) return parts.filter(Boolean).join('; ');
  }
  const error = typeof record.error === 'string' ? record.error : typeof record.error === 'object' && record.error !== null ? JSON.stringify(record.error) : undefined;
  const description = typeof record.description === 'string' ? record.description : undefined;
  const joined = [error, description].filter(Boolean).join(': ');
  return joined ? joined.slice(0, 300) : undefined;
}
