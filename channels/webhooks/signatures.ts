// Webhook signatures on the raw body, compared in constant time: Zendesk (base64 HMAC-SHA256 of timestamp + body),
// Intercom (hex HMAC-SHA1 of the body), and the bearer token of the generic endpoint.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Zendesk's X-Zendesk-Webhook-Signature for a timestamp and raw body. */
export function zendeskSignature(secret: string, timestamp: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(timestamp).update(body).digest('base64');
}

/** Intercom's X-Hub-Signature for a raw body: "sha1=" + hex HMAC-SHA1. */
export function intercomSignature(secret: string, body: string | Buffer): string {
  return `sha1=${createHmac('sha1', secret).update(body).digest('hex')}`;
}

/** Whether `given` equals `expected`, in time that does not depend on where they differ. */
export function constantTimeEqual(given: string, expected: string): boolean {
  // Hashing both first gives equal lengths, so even the length of the secret value does not leak.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export function verifyZendeskSignature(secret: string, timestamp: string, body: string | Buffer, signature: string): boolean {
  return constantTimeEqual(signature.trim(), zendeskSignature(secret, timestamp, body));
}

export function verifyIntercomSignature(secret: string, body: string | Buffer, signature: string): boolean {
  return constantTimeEqual(signature.trim().toLowerCase(), intercomSignature(secret, body));
}

/** Checks an Authorization header against the bearer token. */
export function verifyBearer(token: string, authorization: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
  return match !== null && constantTimeEqual(match[1]!, token);
}
