// Job schedules: a cron expression or "every N minutes/hours", in the job's IANA time zone (croner does the cron
// math, so wall-clock times hold across daylight-saving changes).
import { Cron } from 'croner';
import { EscalatorError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { isTimeZone } from '../objects/workspace-config';
import { activeWindowOf, nextActiveSlots } from './active-hours';
import type { JobDefinition } from './job-schema';

/** A parsed schedule: cron slots, or a fixed interval counted from the Unix epoch (not a divisor of an hour/day). */
export type Schedule = { kind: 'cron'; cron: string; timeZone: string; text: string } | { kind: 'interval'; milliseconds: number; text: string };

const every = /^every\s+(\d+)?\s*(minute|minutes|min|mins|m|hour|hours|hr|hrs|h|day|days|d)$/i;

/** Parses a schedule string; throws one line with the accepted forms. */
export function parseSchedule(text: string, timeZone: string): Schedule {
  if (!isTimeZone(timeZone)) throw new EscalatorError(`unknown time zone "${timeZone}"; use an IANA name like Europe/London`);
  const trimmed = text.trim().replace(/\s+/g, ' ');
  const match = every.exec(trimmed);
  if (match) {
    const count = Number(match[1] ?? 1);
    const unit = match[2]!.toLowerCase()[0] as 'm' | 'h' | 'd';
    if (!Number.isInteger(count) || count < 1) throw new EscalatorError(`schedule "${text}": the interval must be a whole number ≥ 1`);
    const minutes = unit === 'm' ? count : unit === 'h' ? count * 60 : count * 1440;
    if (minutes < 60 && 60 % minutes === 0) return { kind: 'cron', cron: `*/${minutes} * * * *`, timeZone, text: trimmed };
    if (minutes === 60) return { kind: 'cron', cron: '0 * * * *', timeZone, text: trimmed };
    if (minutes % 60 === 0 && minutes < 1440 && 24 % (minutes / 60) === 0) return { kind: 'cron', cron: `0 */${minutes / 60} * * *`, timeZone, text: trimmed };
    if (minutes === 1440) return { kind: 'cron', cron: '0 0 * * *', timeZone, text: trimmed };
    return { kind: 'interval', milliseconds: minutes * 60_000, text: trimmed };
  }
  const fields = trimmed.split(' ').length;
  if (!trimmed.startsWith('@') && (fields < 5 || fields > 6)) {
    throw new EscalatorError(`schedule "${text}" is neither a cron expression ("*/30 * * * *") nor "every N minutes" / "every N hours"`);
  }
  try {
    const cron = new Cron(trimmed, { timezone: timeZone, paused: true });
    if (cron.nextRun(new Date()) === null) throw new Error('it never fires');
  } catch (error) {
    throw new EscalatorError(`schedule "${text}" is not a valid cron expression: ${(error as Error).message.replace(/^CronPattern: /, '')}`, { cause: error });
  }
  return { kind: 'cron', cron: trimmed, timeZone, text: trimmed };
}

/** The time zone a job's schedule runs in. */
export function jobTimeZone(job: Pick<JobDefinition, 'timezone'>, workspace: Pick<Workspace, 'timeZone'>): string {
  return job.timezone ?? workspace.timeZone;
}

/** The job's schedule (its time zone, or the given default). */
export function scheduleOf(job: Pick<JobDefinition, 'schedule' | 'timezone'>, defaultTimeZone: string): Schedule {
  return parseSchedule(job.schedule, job.timezone ?? defaultTimeZone);
}

/**
 * The next `count` fire times strictly after `from` that really happen (inside the job's active window, if it has
 * one). `job.timezone` unset means UTC unless `defaultTimeZone` says. `active: business_hours` reads `workspace`'s
 * business hours (without it, the default Monday–Friday 09:00–17:00).
 */
export function nextRuns(
  job: Pick<JobDefinition, 'schedule' | 'timezone'> & Partial<Pick<JobDefinition, 'active'>>,
  from: Date,
  count: number,
  defaultTimeZone = 'UTC',
  workspace?: Pick<Workspace, 'timeZone' | 'config'>,
): Date[] {
  const window = activeWindowOf(job, workspace ?? ({ timeZone: job.timezone ?? defaultTimeZone, config: {} } as Pick<Workspace, 'timeZone' | 'config'>));
  return nextActiveSlots(scheduleOf(job, defaultTimeZone), window, from, count);
}

export function nextSlots(schedule: Schedule, from: Date, count: number): Date[] {
  if (count <= 0) return [];
  if (schedule.kind === 'interval') {
    const first = Math.floor(from.getTime() / schedule.milliseconds + 1) * schedule.milliseconds;
    return Array.from({ length: count }, (_, index) => new Date(first + index * schedule.milliseconds));
  }
  return new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true }).nextRuns(count, from);
}

/** The latest slot at or before `at` and after `since` (exclusive), if any: what a catch-up run stands for. */
export function lastSlotBetween(schedule: Schedule, since: Date, at: Date): Date | undefined {
  if (at.getTime() <= since.getTime()) return undefined;
  if (schedule.kind === 'interval') {
    const last = Math.floor(at.getTime() / schedule.milliseconds) * schedule.milliseconds;
    return last > since.getTime() ? new Date(last) : undefined;
  }
  const cron = new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true });
  const previous = cron.previousRuns(1, new Date(at.getTime() + 1))[0];
  return previous && previous.getTime() > since.getTime() ? previous : undefined;
}

const dayNames = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "every 30 minutes (Europe/London)", "at 09:00 on Monday–Friday (UTC)", or the cron text for the rest. */
export function describeSchedule(job: Pick<JobDefinition, 'schedule' | 'timezone'>, defaultTimeZone = 'UTC'): string {
  const schedule = scheduleOf(job, defaultTimeZone);
  if (schedule.kind === 'interval') return `${schedule.text} (counted from midnight UTC)`;
  const zone = ` (${schedule.timeZone})`;
  if (/^every /i.test(schedule.text)) return `${schedule.text}${zone}`;
  const parts = schedule.cron.split(' ');
  if (parts.length !== 5) return `cron "${schedule.cron}"${zone}`;
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parts as [string, string, string, string, string];
  const step = /^\*\/(\d+)$/;
  if (dayOfMonth === '*' && month === '*' && dayOfWeek === '*') {
    if (step.test(minute) && hour === '*') return `every ${step.exec(minute)![1]} minutes${zone}`;
    if (minute === '*' && hour === '*') return `every minute${zone}`;
    if (/^\d+$/.test(minute) && hour === '*') return `every hour at minute ${minute}${zone}`;
    if (/^\d+$/.test(minute) && step.test(hour)) return `every ${step.exec(hour)![1]} hours at minute ${minute}${zone}`;
    if (/^\d+$/.test(minute) && /^\d+$/.test(hour)) return `every day at ${hour.padStart(2, '0')}:${minute.padStart(2, '0')}${zone}`;
  }
  if (dayOfMonth === '*' && month === '*' && /^\d+$/.test(minute) && /^\d+$/.test(hour)) {
    const range = /^(\d)-(\d)$/.exec(dayOfWeek);
    const days = range ? `${dayNames[Number(range[1]) % 7]}–${dayNames[Number(range[2]) % 7]}` : /^\d$/.test(dayOfWeek) ? `${dayNames[Number(dayOfWeek) % 7]}s` : undefined;
    if (days) return `at ${hour.padStart(2, '0')}:${minute.padStart(2, '0')} on ${days}${zone}`;
  }
  return `cron "${schedule.cron}"${zone}`;
}
