// The period a report job's run covers — from the slot before to this slot — and its SQL with the period filled in.
import { DateTime } from 'luxon';
import { lastSlotBetween, type Schedule } from './schedule';

export interface ReportPeriod {
  start: Date;
  end: Date;
}

/** From the schedule's slot before `end` to `end` (a monthly report on the 1st covers the month before). */
export function reportPeriod(schedule: Schedule, end: Date): ReportPeriod {
  const before = lastSlotBetween(schedule, new Date(end.getTime() - 400 * 86_400_000), new Date(end.getTime() - 1));
  return { start: before ?? new Date(end.getTime() - 7 * 86_400_000), end };
}

/**
 * The report's SQL with {period_start} / {period_end} as TIMESTAMPTZ literals. Only these two tokens are replaced and
 * only with ISO times this code prints, so nothing a person wrote is spliced into SQL.
 */
export function reportSql(sql: string, period: ReportPeriod): string {
  const literal = (at: Date) => `TIMESTAMPTZ '${at.toISOString()}'`;
  return sql.replace(/\{period_start\}/g, literal(period.start)).replace(/\{period_end\}/g, literal(period.end));
}

/** "1 Mar – 1 Apr 2026" in the job's zone. */
export function periodWords(period: ReportPeriod, timeZone: string): string {
  const start = DateTime.fromJSDate(period.start).setZone(timeZone);
  const end = DateTime.fromJSDate(period.end).setZone(timeZone);
  const format = (at: DateTime, year: boolean) => at.toFormat(at.hour === 0 && at.minute === 0 ? `d LLL${year ? ' yyyy' : ''}` : `d LLL${year ? ' yyyy' : ''} HH:mm`);
  return `${format(start, start.year !== end.year)} – ${format(end, true)}`;
}
