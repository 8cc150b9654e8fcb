// When a job may act: the `active:` key of a job file — days and hours in a zone, or the workspace's business hours.
// Outside its window a job neither runs nor alerts; the scheduler holds what came up and runs it once at the window's
// start. A job without `active` is active all the time.
import { z } from 'zod';
import type { Workspace } from '../objects/workspace';
import { isTimeZone } from '../objects/workspace-config';
import { type DayHours, WorkingCalendar } from './business-calendar';
import { nextSlots, type Schedule } from './schedule';
import { workingCalendar } from './sla-config';

const dayIndex: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const dayLabels = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const daySchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine((day) => dayIndex[day.slice(0, 3)] !== undefined && /^(mon|tue|wed|thu|fri|sat|sun)[a-z]*$/.test(day), 'a day is mon, tue, wed, thu, fri, sat or sun (or its full name)')
  .transform((day) => day.slice(0, 3));

const hoursSchema = z
  .string()
  .trim()
  .regex(/^([01]?\d|2[0-3]):[0-5]\d\s*-\s*(([01]?\d|2[0-3]):[0-5]\d|24:00)$/, 'hours are a range like "08:00-18:00" (start before end, same day)')
  .refine((text) => {
    const [from, to] = text.split('-').map(minutesOf) as [number, number];
    return from < to;
  }, 'hours are a range like "08:00-18:00" (start before end, same day)');

/** The `active:` key: `business_hours`, or days / hours / timezone (each optional: every day, all day, the job's zone). */
export const activeSchema = z
  .union([
    z.literal('business_hours'),
    z
      .object({
        days: z.array(daySchema).min(1, 'days needs at least one day').optional().describe('Days the job acts on, e.g. [mon, tue, wed, thu, fri]; default every day'),
        hours: hoursSchema.optional().describe('Hours of those days, e.g. "08:00-18:00"; default all day'),
        timezone: z.string().trim().refine(isTimeZone, 'unknown time zone; use an IANA name like Europe/Berlin').optional().describe("IANA zone of the window; default the job's"),
      })
      .strict(),
  ])
  .describe('When the job may act: "business_hours" (workspace.yaml) or { days, hours, timezone }; outside it nothing runs or alerts, and what came up is handled once at the next start');
export type ActiveSpec = z.infer<typeof activeSchema>;

/** The same key as tools show it to the model (no transforms, so it converts to JSON Schema). */
export const activeInputSchema = z
  .union([
    z.literal('business_hours'),
    z.object({
      days: z.array(z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'])).optional().describe('Days the job acts on, e.g. ["mon","tue","wed","thu","fri"]; default every day'),
      hours: z.string().optional().describe('Hours of those days, e.g. "08:00-18:00"; default all day'),
      timezone: z.string().optional().describe("IANA zone of the window, e.g. Europe/Berlin; default the job's"),
    }),
  ])
  .describe('When the job may act ("pause on weekends" → days mon–fri): "business_hours" or { days, hours, timezone }. Outside it nothing runs or alerts; what came up is handled once when the window opens. Omit for always.');

/** A job's window: whether an instant lies inside it, and where the next stretch inside it starts. */
export interface ActiveWindow {
  isActive(at: Date): boolean;
  /** The first active instant at or after `at` (`at` itself when active). */
  nextStart(at: Date): Date;
  /** "Mon–Fri 08:00–18:00 (Europe/Berlin)". */
  text: string;
}

function minutesOf(text: string): number {
  const [hours, minutes] = text.trim().split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

function windowOf(calendar: WorkingCalendar, prefix: string): ActiveWindow {
  return {
    isActive: (at) => calendar.add(at, 0).getTime() === at.getTime(),
    nextStart: (at) => calendar.add(at, 0),
    text: `${prefix}${weeklyText(calendar.settings.weekly)} (${calendar.settings.timeZone})`,
  };
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "Mon–Fri 08:00–18:00", "Mon, Wed 09:00–12:00", "every day all day". */
function weeklyText(weekly: readonly DayHours[]): string {
  const groups: { days: number[]; hours: string }[] = [];
  for (let day = 1; day <= 7; day++) {
    const hours = (weekly[day] ?? []).map(([from, to]) => (from === 0 && to >= 1440 ? 'all day' : `${hhmm(from)}–${hhmm(to)}`)).join(', ');
    if (!hours) continue;
    const last = groups.at(-1);
    if (last && last.hours === hours && last.days.at(-1) === day - 1) last.days.push(day);
    else groups.push({ days: [day], hours });
  }
  return groups
    .map(({ days, hours }) => {
      const span = days.length === 7 ? 'every day' : days.length > 2 ? `${dayLabels[days[0]!]}–${dayLabels[days.at(-1)!]}` : days.map((day) => dayLabels[day]).join(', ');
      return `${span} ${hours}`;
    })
    .join('; ');
}

/** The job's active window, or undefined when it has none (always active). Throws when workspace.yaml's business hours are invalid. */
export function activeWindowOf(job: { active?: ActiveSpec | undefined; timezone?: string | undefined }, workspace: Pick<Workspace, 'timeZone' | 'config'>): ActiveWindow | undefined {
  const spec = job.active;
  if (spec === undefined) return undefined;
  if (spec === 'business_hours') return windowOf(workingCalendar(workspace as Workspace), 'business hours: ');
  const days = spec.days ? new Set(spec.days.map((day) => dayIndex[day]!)) : new Set([1, 2, 3, 4, 5, 6, 7]);
  const [from, to] = spec.hours ? (spec.hours.split('-').map(minutesOf) as [number, number]) : [0, 1440];
  const weekly: DayHours[] = Array.from({ length: 8 }, (_, index) => (days.has(index) ? [[from, to]] : []));
  return windowOf(new WorkingCalendar({ timeZone: spec.timezone ?? job.timezone ?? workspace.timeZone, weekly, holidays: new Set() }), '');
}

/**
 * The next `count` slots after `from` that really run: slots outside the window are skipped (what came up while
 * quiet is handled at the window's start instead).
 */
export function nextActiveSlots(schedule: Schedule, window: ActiveWindow | undefined, from: Date, count: number): Date[] {
  if (!window) return nextSlots(schedule, from, count);
  const slots: Date[] = [];
  let cursor = from;
  for (let step = 0; step < 1000 && slots.length < count; step++) {
    const [slot] = nextSlots(schedule, cursor, 1);
    if (!slot) break;
    if (window.isActive(slot)) {
      slots.push(slot);
      cursor = slot;
    } else {
      // Jump to just before the window opens again: the next slot found is the first one inside it.
      cursor = new Date(Math.max(slot.getTime(), window.nextStart(slot).getTime() - 1));
    }
  }
  return slots;
}
