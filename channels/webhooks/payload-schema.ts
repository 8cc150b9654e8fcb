// Pieces the payload schemas share: lenient scalars for placeholder-filled bodies, and one-line zod errors.
import { z } from 'zod';
import { WebhookError } from './webhook-error';

/** An id or a value a template filled in: text or a number. */
export const scalar = z.union([z.string(), z.number()], { error: (issue) => (issue.input === undefined ? 'missing' : 'expected text or a number') });

/** An optional scalar; null means absent. */
export const optionalScalar = scalar.nullish();

/** Parses `data` or refuses the delivery with 422 and the first problem, on one line. */
export function parseOr422<T extends z.ZodType>(schema: T, data: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  throw new WebhookError(422, `not ${what}: ${path}${issue.message}`);
}

/** Text of an optional scalar; blank text is absent. */
export function textOf(value: string | number | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value);
  return text.trim() === '' ? undefined : text;
}
