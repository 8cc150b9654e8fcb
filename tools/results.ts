// Compact JSON for tool results: times in the workspace zone, no empty values, long text cut.
import type { Row } from '../objects/database';
import { formatTime } from '../objects/values';

/** A row with Dates as "2026-04-14 09:13" in `timeZone`, nulls dropped and long text cut to `maxText`. */
export function compactRow(row: Row, timeZone: string, maxText = 300): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) {
    if (value === null || value === undefined || value === '') continue;
    if (key === 'created_at' || key === 'updated_at') continue;
    if (value instanceof Date) out[key] = formatTime(value, timeZone);
    else if (typeof value === 'string' && value.length > maxText) out[key] = `${value.slice(0, maxText - 1)}…`;
    else if (typeof value === 'bigint') out[key] = Number(value);
    else out[key] = value;
  }
  return out;
}

/** JSON text of a result: Dates as ISO, bigints as numbers, no indentation. */
export function resultJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? Number(inner) : inner));
}
