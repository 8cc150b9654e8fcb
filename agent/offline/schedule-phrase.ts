// Schedules people say — "every 30 minutes", "every half hour", "hourly", "every day at 9am", "weekdays at 8:30" —
// turned into the job file's schedule (cron, or "every N minutes").
import { countPattern, countValue, timeOfDay, timeOfDayPattern } from './words';

export type ScheduleMatch =
  | { kind: 'schedule'; schedule: string; start: number; end: number }
  /** A day-based schedule without its time ("daily"): ask for it. */
  | { kind: 'needs-time'; days: string; start: number; end: number };

const dayNumbers: Record<string, number> = { sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6 };

interface Pattern {
  regex: RegExp;
  build: (match: RegExpExecArray) => { schedule: string } | { days: string } | undefined;
}

/** A time after "at" may be a bare hour ("every weekday at 9"): read as 9am; 1 to 6 as the afternoon (13:00–18:00). */
const bareHour = `(?<=\\bat\\s+)\\d{1,2}(?![\\d:.]|\\s*(?:am|pm|a\\.m|p\\.m|%|min|h\\b|hours?|days?|weeks?)|\\s+(?:in\\s+the|at\\s+night|o'clock))`;
const time = `(?:at\\s+)?(${timeOfDayPattern}|${bareHour})`;
const dayNames = '(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?';

function daily(days: string, match: string | undefined): { schedule: string } | { days: string } | undefined {
  if (match === undefined) return { days };
  const bare = /^\d{1,2}$/.test(match.trim()) ? Number(match.trim()) : undefined;
  const at = bare === undefined ? timeOfDay(match) : bare >= 1 && bare <= 6 ? { hour: bare + 12, minute: 0 } : bare <= 23 ? { hour: bare, minute: 0 } : undefined;
  return at ? { schedule: `${at.minute} ${at.hour} * * ${days}` } : undefined;
}

const patterns: Pattern[] = [
  { regex: /\bcron\s*[:=]?\s*["'`]([^"'`]+)["'`]/i, build: (match) => ({ schedule: match[1]!.trim() }) },
  { regex: /\bevery\s+(?:half\s+(?:an\s+)?hour|30\s*min(?:ute)?s?\b)|\btwice\s+(?:an|per|every)\s+hour\b|\bhalf[\s-]?hourly\b/i, build: () => ({ schedule: 'every 30 minutes' }) },
  { regex: /\bevery\s+quarter(?:\s+of\s+an)?\s+hour\b/i, build: () => ({ schedule: 'every 15 minutes' }) },
  { regex: /\bevery\s+other\s+hour\b/i, build: () => ({ schedule: 'every 2 hours' }) },
  {
    regex: new RegExp(`\\b(?:every|each)\\s+(${countPattern})\\s*(minutes?|mins?|m|hours?|hrs?|h)\\b`, 'i'),
    build: (match) => {
      const count = countValue(match[1]!);
      if (count === undefined || !Number.isInteger(count) || count < 1) return undefined;
      return { schedule: `every ${count} ${/^m/i.test(match[2]!) ? 'minutes' : 'hours'}` };
    },
  },
  { regex: /\b(?:every|each)\s+minute\b/i, build: () => ({ schedule: 'every 1 minutes' }) },
  { regex: /\b(?:hourly|every\s+hour|each\s+hour|once\s+(?:an|per|every)\s+hour)\b/i, build: () => ({ schedule: 'every 1 hours' }) },
  { regex: new RegExp(`\\b(?:(?:every|each)\\s+weekday|on\\s+weekdays|weekdays|(?:every|each)\\s+working\\s+day|monday\\s+(?:to|through|-)\\s+friday)(?:\\s+${time})?`, 'i'), build: (match) => daily('1-5', match[1]) },
  { regex: new RegExp(`\\b${time}\\s+(?:every\\s+weekday|on\\s+weekdays)\\b`, 'i'), build: (match) => daily('1-5', match[1]) },
  {
    regex: new RegExp(`\\b(?:every|on)\\s+${dayNames}(?:\\s+${time})?`, 'i'),
    build: (match) => daily(String(dayNumbers[match[1]!.toLowerCase()]), match[2]),
  },
  { regex: /\b(?:every|each)\s+morning\s+at\s+(\d{1,2})\b(?!\s*(?:am|pm|a\.m|p\.m|[:.]\d))/i, build: (match) => (Number(match[1]) <= 12 ? { schedule: `0 ${Number(match[1]) % 12} * * *` } : undefined) },
  { regex: new RegExp(`\\b(?:every\\s+day|each\\s+day|daily|every\\s+morning|each\\s+morning|every\\s+evening)(?:\\s+${time})?`, 'i'), build: (match) => daily('*', match[1]) },
  { regex: new RegExp(`\\b${time}\\s+(?:every\\s+day|each\\s+day|daily|every\\s+morning)\\b`, 'i'), build: (match) => daily('*', match[1]) },
];

/** The first schedule phrase in `text`, with where it is (so the caller can cut it out). */
export function findSchedule(text: string): ScheduleMatch | undefined {
  let best: ScheduleMatch | undefined;
  for (const pattern of patterns) {
    const match = pattern.regex.exec(text);
    if (!match) continue;
    const built = pattern.build(match);
    if (!built) continue;
    const span = { start: match.index, end: match.index + match[0].length };
    const found: ScheduleMatch = 'schedule' in built ? { kind: 'schedule', schedule: built.schedule, ...span } : { kind: 'needs-time', days: built.days, ...span };
    if (!best || found.start < best.start || (found.start === best.start && found.end > best.end)) best = found;
  }
  return best;
}
