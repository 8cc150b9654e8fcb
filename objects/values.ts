// Turns what people type into typed field values: options matched case-insensitively, "$180k" numbers,
// written dates in the workspace time zone.
import { closest, distance } from 'fastest-levenshtein';
import { DateTime } from 'luxon';
import { ValidationError } from './errors';
import type { FieldDefinition } from './object-schema';

export interface ValueContext {
  timeZone: string;
  now: Date;
}

/** The option of an enum field that `input` names: exact (any case), or by its code ("P1", "Tier 2"). */
export function matchOption(field: FieldDefinition, input: unknown): string {
  const options = field.options ?? [];
  const text = String(input ?? '').trim();
  const lower = text.toLowerCase();
  const exact = options.find((option) => option.toLowerCase() === lower);
  if (exact) return exact;
  const byCode = options.filter((option) => optionCode(option) === lower);
  if (byCode.length === 1) return byCode[0]!;
  const nearest = suggest(text, options);
  throw new ValidationError(
    `"${text}" is not an option of ${field.name}${nearest ? `; did you mean "${nearest}"?` : ''} (options: ${options.join(', ')})`,
  );
}

/** "P1 - Critical" → "p1"; "Tier 2 - Engineering" → "tier 2"; "Open" → "open". */
export function optionCode(option: string): string {
  return option.split(/\s+[-–—:]\s+/)[0]!.trim().toLowerCase();
}

/** The candidate nearest to `input`, when it is near enough to be a plausible typo. */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0 || input === '') return undefined;
  const lower = candidates.map((candidate) => candidate.toLowerCase());
  const best = closest(input.toLowerCase(), lower);
  const index = lower.indexOf(best);
  const prefix = lower.find((candidate) => candidate.startsWith(input.toLowerCase()) || input.toLowerCase().startsWith(optionCode(candidate)));
  if (prefix) return candidates[lower.indexOf(prefix)];
  return distance(input.toLowerCase(), best) <= Math.max(2, Math.floor(best.length / 2)) ? candidates[index] : undefined;
}

/** "180000", "180,000", "$180k", "1.2M", 42 → a number. */
export function parseNumber(input: unknown, fieldName = 'value'): number {
  if (typeof input === 'number' && Number.isFinite(input)) return input;
  const text = String(input ?? '').trim();
  const match = /^([-+])?\s*[$€£¥]?\s*([-+])?([\d,_ ]*\.?\d+)\s*([kmb]|thousand|million|billion)?\s*(?:usd|eur|gbp)?$/i.exec(text);
  if (!match) throw new ValidationError(`${fieldName}: "${text}" is not a number (try 180000, 180,000 or $180k)`);
  const negative = match[1] === '-' || match[2] === '-';
  const digits = match[3]!.replace(/[,_ ]/g, '');
  const scale = { k: 1e3, thousand: 1e3, m: 1e6, million: 1e6, b: 1e9, billion: 1e9 }[(match[4] ?? '').toLowerCase()] ?? 1;
  const value = Number(digits) * scale * (negative ? -1 : 1);
  if (!Number.isFinite(value)) throw new ValidationError(`${fieldName}: "${text}" is not a number`);
  return Math.round(value * 1e6) / 1e6;
}

const trueWords = new Set(['true', 'yes', 'y', '1', 'on', 'checked', 'x']);
const falseWords = new Set(['false', 'no', 'n', '0', 'off', 'unchecked', '']);

export function parseBoolean(input: unknown, fieldName = 'value'): boolean {
  if (typeof input === 'boolean') return input;
  const text = String(input ?? '').trim().toLowerCase();
  if (trueWords.has(text)) return true;
  if (falseWords.has(text)) return false;
  throw new ValidationError(`${fieldName}: "${String(input)}" is not true or false`);
}

/**
 * A point in time from an ISO string ("2026-03-01T10:00:00Z", or without zone in the workspace time zone), a Date,
 * epoch milliseconds, or a written form ("March 3, 2026 2pm", "yesterday at 5pm", "2 hours ago").
 */
export function parseDate(input: unknown, context: ValueContext, fieldName = 'value'): Date {
  if (input instanceof Date) {
    if (Number.isNaN(input.getTime())) throw new ValidationError(`${fieldName}: invalid date`);
    return input;
  }
  if (typeof input === 'number' && Number.isFinite(input)) return new Date(input > 1e11 ? input : input * 1000);
  const text = String(input ?? '').trim();
  if (text === '') throw new ValidationError(`${fieldName}: empty date`);
  if (text.toLowerCase() === 'now') return context.now;
  const iso = DateTime.fromISO(text.replace(' ', 'T'), { zone: context.timeZone, setZone: false });
  if (iso.isValid) return iso.toJSDate();
  const sql = DateTime.fromSQL(text, { zone: context.timeZone });
  if (sql.isValid) return sql.toJSDate();
  const offset = DateTime.fromJSDate(context.now).setZone(context.timeZone).offset;
  // chrono finds dates inside longer text; only accept a parse that covers the whole value.
  // chrono-node takes ~100 ms to load: only the commands that read a date in words pay for it.
  const chrono = require('chrono-node') as typeof import('chrono-node');
  const [result] = chrono.parse(text, { instant: context.now, timezone: offset }, { forwardDate: false });
  const rest = result ? (text.slice(0, result.index) + text.slice(result.index + result.text.length)).replace(/\b(on|at)\b|[\s,.]/gi, '') : text;
  if (result && rest === '') return result.start.date();
  throw new ValidationError(`${fieldName}: "${text}" is not a date (try 2026-03-01, 2026-03-01 14:30 or "March 1, 2026 2pm")`);
}

/** A time for people, in the workspace time zone: "2026-03-01 14:30". */
export function formatTime(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at).setZone(timeZone).toFormat('yyyy-MM-dd HH:mm');
}

/** The start and end of a calendar quarter in a time zone: quarter 1 of 2026 → [Jan 1, Apr 1). */
export function quarterRange(year: number, quarter: number, timeZone: string): [Date, Date] {
  const start = DateTime.fromObject({ year, month: (quarter - 1) * 3 + 1, day: 1 }, { zone: timeZone });
  return [start.toJSDate(), start.plus({ months: 3 }).toJSDate()];
}
