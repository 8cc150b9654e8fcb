// Business-hours arithmetic over weekly opening hours, holidays and a time zone (DST-safe through luxon):
// how much working time lies between two instants, and which instant lies N working hours from another.
import { DateTime } from 'luxon';
import type { BusinessCalendar } from '../objects/filter-compiler';

/** Opening hours of one weekday as [start minute, end minute) pairs, e.g. 09:00–17:00 → [[540, 1020]]. */
export type DayHours = [number, number][];

export interface CalendarSettings {
  timeZone: string;
  /** Index 1 = Monday … 7 = Sunday (luxon's weekday numbers); index 0 unused. */
  weekly: DayHours[];
  /** Days off, as yyyy-MM-dd in the calendar's zone. */
  holidays: ReadonlySet<string>;
}

const maxDays = 3 * 366;

/** Working hours in a zone. Implements the filter compiler's BusinessCalendar for `older_than … business`. */
export class WorkingCalendar implements BusinessCalendar {
  constructor(readonly settings: CalendarSettings) {
    if (!settings.weekly.some((day) => day && day.length > 0)) throw new Error('business hours need at least one open day');
  }

  /** The open intervals (as epoch ms) of the calendar day containing `day`. */
  private intervalsOf(day: DateTime): [number, number][] {
    if (this.settings.holidays.has(day.toFormat('yyyy-MM-dd'))) return [];
    const start = day.startOf('day');
    return (this.settings.weekly[day.weekday] ?? []).map(([from, to]) => [
      start.set({ hour: Math.floor(from / 60), minute: from % 60 }).toMillis(),
      to >= 1440 ? start.plus({ days: 1 }).toMillis() : start.set({ hour: Math.floor(to / 60), minute: to % 60 }).toMillis(),
    ]);
  }

  /** Working milliseconds between two instants (0 when `to` is not after `from`). */
  between(from: Date, to: Date): number {
    const start = from.getTime();
    const end = to.getTime();
    if (end <= start) return 0;
    let total = 0;
    let day = DateTime.fromMillis(start, { zone: this.settings.timeZone }).startOf('day');
    for (let index = 0; index <= maxDays * 10 && day.toMillis() < end; index++) {
      for (const [open, close] of this.intervalsOf(day)) total += Math.max(0, Math.min(close, end) - Math.max(open, start));
      day = day.plus({ days: 1 });
    }
    return total;
  }

  add(from: Date, milliseconds: number): Date {
    if (milliseconds < 0) return this.subtract(from, -milliseconds);
    let remaining = milliseconds;
    const start = from.getTime();
    let day = DateTime.fromMillis(start, { zone: this.settings.timeZone }).startOf('day');
    for (let index = 0; index < maxDays * 10; index++) {
      for (const [open, close] of this.intervalsOf(day)) {
        const begin = Math.max(open, start);
        if (close <= begin) continue;
        if (remaining === 0) return new Date(begin);
        const available = close - begin;
        if (available >= remaining) return new Date(begin + remaining);
        remaining -= available;
      }
      day = day.plus({ days: 1 });
    }
    throw new Error(`no business hours within ${maxDays * 10} days of ${from.toISOString()}`);
  }

  subtract(from: Date, milliseconds: number): Date {
    if (milliseconds < 0) return this.add(from, -milliseconds);
    let remaining = milliseconds;
    const end = from.getTime();
    let day = DateTime.fromMillis(end, { zone: this.settings.timeZone }).startOf('day');
    for (let index = 0; index < maxDays * 10; index++) {
      for (const [open, close] of [...this.intervalsOf(day)].reverse()) {
        const finish = Math.min(close, end);
        if (finish <= open) continue;
        if (remaining === 0) return new Date(finish);
        const available = finish - open;
        if (available >= remaining) return new Date(finish - remaining);
        remaining -= available;
      }
      day = day.minus({ days: 1 });
    }
    throw new Error(`no business hours within ${maxDays * 10} days before ${from.toISOString()}`);
  }
}

/** Every hour of every day: calendar time, with the same interface. */
export const calendarTime: BusinessCalendar & { between(from: Date, to: Date): number } = {
  add: (from, milliseconds) => new Date(from.getTime() + milliseconds),
  subtract: (from, milliseconds) => new Date(from.getTime() - milliseconds),
  between: (from, to) => Math.max(0, to.getTime() - from.getTime()),
};
