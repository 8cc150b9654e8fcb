// How values read on the web pages: money, durations, times in the workspace's zone, SLA clocks.
import { formatDuration } from '../../objects/duration';
import { formatTime } from '../../objects/values';
import type { SlaClock } from '../../jobs/sla';
import type { CardSla } from '../card-sla';

const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/** "$180,000", or "" for no value. */
export function formatMoney(value: unknown): string {
  return typeof value === 'number' && Number.isFinite(value) ? money.format(value) : '';
}

/** Any stored value as text for a page (dates in the workspace's zone). */
export function displayValue(value: unknown, timeZone: string): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return formatTime(value, timeZone);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}

export const slaLabels: Record<CardSla['state'], string> = { within: 'within SLA', at_risk: 'at risk', breached: 'breached', met: 'met' };

/** "breached by 12 minutes" / "within SLA, 23 minutes left" / "met (20 minutes)". */
export function describeClock(clock: SlaClock): string {
  if (clock.state === 'met') return `met (${formatDuration(clock.usedMs)})`;
  if (clock.remainingMs < 0) return `breached by ${formatDuration(-clock.remainingMs)}`;
  return `${slaLabels[clock.state]}, ${formatDuration(clock.remainingMs)} left${clock.paused ? ' (paused)' : ''}`;
}

export { formatDuration };

const isoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A value as field history keeps it (text; times in ISO) shown like the fields: times in the workspace's zone. */
export function historyValue(value: string | null, timeZone: string): string {
  if (value === null) return '';
  return isoTime.test(value) ? formatTime(new Date(value), timeZone) : value;
}
