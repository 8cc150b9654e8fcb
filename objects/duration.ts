// Durations in rules and filters: "30m", "4h", "2d", "1h30m", "90 minutes", "4 business hours".
import { ValidationError } from './errors';

export interface Duration {
  milliseconds: number;
  /** Counted in business hours of the workspace calendar rather than calendar time. */
  business: boolean;
}

const unitMilliseconds: Record<string, number> = {
  s: 1000, sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  m: 60_000, min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  d: 86_400_000, day: 86_400_000, days: 86_400_000,
  w: 604_800_000, wk: 604_800_000, week: 604_800_000, weeks: 604_800_000,
};

/** Parses a duration; throws a ValidationError that shows the accepted forms. */
export function parseDuration(input: unknown): Duration {
  if (typeof input === 'number' && Number.isFinite(input) && input >= 0) return { milliseconds: input * 60_000, business: false };
  if (typeof input !== 'string') throw new ValidationError(`expected a duration like "30m", "4h" or "2d", got ${JSON.stringify(input)}`);
  let text = input.trim().toLowerCase();
  let business = false;
  if (/\bbusiness\b|\bworking\b|bh$/.test(text)) {
    business = true;
    text = text.replace(/\b(business|working)\b/g, ' ').replace(/bh$/, 'h');
  }
  const iso = /^p(?:(\d+)d)?(?:t(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?)?$/.exec(text);
  if (iso && text !== 'p') {
    const [, days, hours, minutes, seconds] = iso;
    return {
      milliseconds: Number(days ?? 0) * 86_400_000 + Number(hours ?? 0) * 3_600_000 + Number(minutes ?? 0) * 60_000 + Number(seconds ?? 0) * 1000,
      business,
    };
  }
  const part = /(\d+(?:\.\d+)?)\s*([a-z]+)/g;
  let total = 0;
  let consumed = '';
  for (const match of text.matchAll(part)) {
    const unit = unitMilliseconds[match[2]!];
    if (unit === undefined) throw new ValidationError(`unknown time unit "${match[2]}" in "${input}"; use m, h, d or w (e.g. "30m", "4h")`);
    total += Number(match[1]) * unit;
    consumed += match[0];
  }
  if (consumed === '' || text.replace(/[\s,]|and/g, '') !== consumed.replace(/\s/g, '')) {
    throw new ValidationError(`expected a duration like "30m", "4h" or "2d", got "${input}"`);
  }
  return { milliseconds: total, business };
}

/** "47 minutes", "3 h 5 min", "2 d 4 h": how long, for people. */
export function formatDuration(milliseconds: number): string {
  const minutes = Math.floor(Math.abs(milliseconds) / 60_000);
  if (minutes < 60) return `${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** A duration in the compact form the filter language writes: 1800000 → "30m". */
export function compactDuration(milliseconds: number): string {
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    if (milliseconds % size === 0 && milliseconds >= size) return `${milliseconds / size}${unit}`;
  }
  return `${Math.round(milliseconds / 1000)}s`;
}
