// What a failed call to Claude means for the person chatting: which failures are worth retrying, and the one line
// that says what to do about the rest.
import Anthropic from '@anthropic-ai/sdk';
import { errorMessage } from '../objects/errors';

/** 429 (rate limit), 529 (overloaded), other 5xx, timeouts and dropped connections: worth another try. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof Anthropic.APIConnectionError) return true;
  if (error instanceof Anthropic.APIError) {
    const status = error.status ?? 0;
    return status === 408 || status === 409 || status === 429 || status >= 500;
  }
  return false;
}

/** How long the server asked us to wait (retry-after, in seconds or an HTTP date), if it did. */
export function retryAfterMilliseconds(error: unknown, now: Date): number | undefined {
  if (!(error instanceof Anthropic.APIError) || !error.headers) return undefined;
  const header = error.headers.get('retry-after-ms') ?? undefined;
  if (header && Number.isFinite(Number(header))) return Number(header);
  const value = error.headers.get('retry-after');
  if (!value) return undefined;
  if (Number.isFinite(Number(value))) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** One line for the person: what failed and what to do. */
export function explainFailure(error: unknown, model: string, attempts: number): string {
  const tries = attempts > 1 ? ` (tried ${attempts} times)` : '';
  if (error instanceof Anthropic.AuthenticationError) {
    return 'Claude refused the API key (401 authentication error): check ANTHROPIC_API_KEY, or chat with --offline.';
  }
  if (error instanceof Anthropic.PermissionDeniedError) {
    return `Claude refused the request (403 permission denied): check that ANTHROPIC_API_KEY may use ${model}.`;
  }
  if (error instanceof Anthropic.NotFoundError) {
    return `Claude does not know the model "${model}" (404): check ESCALATOR_MODEL.`;
  }
  if (error instanceof Anthropic.RateLimitError) {
    return `Claude is rate-limiting this API key (429)${tries}. Nothing was lost: send your message again in a minute.`;
  }
  if (error instanceof Anthropic.APIConnectionError) {
    return `Could not reach Claude (${errorMessage(error)})${tries}: check the network or ANTHROPIC_BASE_URL. Nothing was lost; try again.`;
  }
  if (error instanceof Anthropic.APIError) {
    const status = error.status ?? 0;
    if (status === 529) return `Claude is overloaded right now (529)${tries}. Nothing was lost: send your message again in a minute.`;
    if (status >= 500) return `Claude had a server error (${status})${tries}. Nothing was lost: try again shortly.`;
    return `Claude rejected the request (${status}): ${error.apiMessage ?? errorMessage(error)}`;
  }
  return `Calling Claude failed: ${errorMessage(error)}`;
}
