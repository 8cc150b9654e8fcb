// Output for people (aligned tables, times in the workspace zone) and for programs (JSON: numbers as numbers,
// times as ISO strings).
import { printable } from '../objects/printable';
import { formatTime } from '../objects/values';

/** JSON text in which Dates are ISO strings and bigints numbers. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => (typeof inner === 'bigint' ? Number(inner) : inner), 2);
}

/** One cell as text, on one line and without escape sequences (cells hold ticket titles, names, webhook fields). */
export function cellText(value: unknown, timeZone: string): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return formatTime(value, timeZone);
  if (typeof value === 'object') return printable(JSON.stringify(value), { max: 10_000 });
  return printable(String(value).replace(/\s*\n\s*/g, ' '), { max: 10_000 });
}

/** Rows as an aligned text table; wide cells are cut with an ellipsis. */
export function formatTable(rows: readonly Record<string, unknown>[], options: { timeZone: string; columns?: string[]; maxWidth?: number }): string {
  if (rows.length === 0) return '(no rows)';
  const columns = options.columns ?? Object.keys(rows[0]!);
  const maxWidth = options.maxWidth ?? 40;
  const cells = rows.map((row) => columns.map((column) => clip(cellText(row[column], options.timeZone), maxWidth)));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((line) => line[index]!.length)));
  const line = (values: string[]) => values.map((value, index) => value.padEnd(widths[index]!)).join('  ').trimEnd();
  return [line(columns), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

function clip(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
