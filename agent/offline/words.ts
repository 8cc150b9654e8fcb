// Small pieces of English the offline brain reads: number words, durations ("half an hour", "48 hours"), times of
// day ("9am", "17:30"), and text clean-up.

const units: Record<string, number> = {
  zero: 0, a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
  couple: 2, 'a couple of': 2, 'a few': 3, few: 3, several: 3,
};
const tens: Record<string, number> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const unitNames = Object.keys(units).filter((word) => !word.includes(' ')).sort((a, b) => b.length - a.length).join('|');

/** Regex source for a count: digits ("4", "1.5"), words ("forty-five", "twenty five", "a couple of"). */
const countWordPattern = `(?:a\\s+couple\\s+of|a\\s+few|(?:${Object.keys(tens).join('|')})(?:[\\s-](?:one|two|three|four|five|six|seven|eight|nine))?|${unitNames})`;
/** Regex source for a count: digits or words. */
export const countPattern = `(?:\\d+(?:\\.\\d+)?|${countWordPattern})`;
/** A count before its unit: digits may touch it ("40m"), words may not ("an d" is not a day). */
const countBeforeUnit = `(?:\\d+(?:\\.\\d+)?\\s*|${countWordPattern}\\s+)`;

/** "3" → 3, "three" → 3, "forty-five" → 45, "an" → 1. */
export function countValue(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed in units) return units[trimmed];
  const compound = /^([a-z]+)(?:[\s-]([a-z]+))?$/.exec(trimmed);
  if (compound && compound[1]! in tens) {
    const unit = compound[2] === undefined ? 0 : units[compound[2]];
    return unit === undefined ? undefined : tens[compound[1]!]! + unit;
  }
  return undefined;
}

const unitPattern = '(?:(business|working)\\s+)?(minutes?|mins?|m|hours?|hrs?|hr|h|days?|d|weeks?|wks?|wk|w)\\b';

/**
 * Regex source for a duration in any common form: "30 minutes", "40 min", "40m", "4h", "1.5h", "30+ minutes",
 * "half an hour", "three quarters of an hour", "an hour and a half", "2 business hours", "a week", "two days".
 */
export const durationPattern = `\\b(?:(?:three\\s+quarters|a\\s+quarter|quarter|half)\\s+(?:of\\s+)?an?\\s+(?:hour|day)|an?\\s+(?:hour|day)\\s+and\\s+a\\s+half|${countBeforeUnit}\\+?\\s*(?:and\\s+a\\s+half\\s+)?${unitPattern}(?:\\s+and\\s+a\\s+half)?)`;

export interface DurationValue {
  /** The filter language's compact form: "30m", "4h", "2d", "90m"; "4bh" style is written as business: true. */
  compact: string;
  milliseconds: number;
  business: boolean;
}

const unitSizes: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Reads one duration phrase (as matched by durationPattern). */
export function durationValue(phrase: string): DurationValue | undefined {
  const text = phrase.trim().toLowerCase().replace(/\s+/g, ' ');
  const fraction = /^(three quarters|a quarter|quarter|half) (?:of )?an? (hour|day)$/.exec(text);
  if (fraction) {
    const share = fraction[1] === 'half' ? 0.5 : fraction[1] === 'three quarters' ? 0.75 : 0.25;
    return compactDuration(Math.round(share * (fraction[2] === 'hour' ? 3_600_000 : 86_400_000)), false);
  }
  const andAHalf = /^an? (hour|day) and a half$/.exec(text);
  if (andAHalf) return compactDuration(1.5 * (andAHalf[1] === 'hour' ? 3_600_000 : 86_400_000), false);
  const match = new RegExp(`^(${countPattern})\\s*\\+?\\s*(and a half\\s+)?${unitPattern}(\\s+and a half)?$`).exec(text);
  if (!match) return undefined;
  const count = countValue(match[1]!);
  if (count === undefined) return undefined;
  const half = match[2] !== undefined || match[5] !== undefined ? 0.5 : 0;
  const unit = match[4]!.startsWith('mi') || match[4] === 'm' ? 'm' : match[4]![0]!;
  const size = unitSizes[unit]!;
  return compactDuration(Math.round((count + half) * size), match[3] !== undefined);
}

function compactDuration(milliseconds: number, business: boolean): DurationValue {
  let compact = `${Math.round(milliseconds / 60_000)}m`;
  for (const [unit, size] of [['w', 604_800_000], ['d', 86_400_000], ['h', 3_600_000], ['m', 60_000]] as const) {
    if (milliseconds % size === 0) {
      compact = `${milliseconds / size}${unit}`;
      break;
    }
  }
  return { compact, milliseconds, business };
}

/** Regex source for a time of day: "9am", "9:30 am", "17:00", "noon", "midnight", "9 in the morning". */
export const timeOfDayPattern = `(?:noon|midday|midnight|\\d{1,2}(?:[:.]\\d{2})?\\s*(?:am|pm|a\\.m\\.|p\\.m\\.)|\\d{1,2}[:.]\\d{2}|\\d{1,2}\\s+(?:in the morning|in the evening|at night|o'clock))`;

/** "9am" → { hour: 9, minute: 0 }. */
export function timeOfDay(phrase: string): { hour: number; minute: number } | undefined {
  const text = phrase.trim().toLowerCase().replace(/\./g, (dot, index, all: string) => (/\d/.test(all[index - 1] ?? '') && /\d/.test(all[index + 1] ?? '') ? ':' : ''));
  if (text === 'noon' || text === 'midday') return { hour: 12, minute: 0 };
  if (text === 'midnight') return { hour: 0, minute: 0 };
  const match = /^(\d{1,2})(?::(\d{2}))?\s*(am|pm|in the morning|in the evening|at night|o'clock)?$/.exec(text);
  if (!match) return undefined;
  let hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  const suffix = match[3];
  if (suffix === 'pm' || suffix === 'in the evening' || suffix === 'at night') hour = hour === 12 ? 12 : hour + 12;
  if (suffix === 'am' || suffix === 'in the morning') hour = hour === 12 ? 0 : hour;
  if (hour > 23 || minute > 59) return undefined;
  return { hour, minute };
}

/** Straight quotes, one space between words (newlines kept), no trailing punctuation noise. */
export function cleanText(text: string): string {
  return text
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—]/g, '-')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

/** "support_tickets" → ["support", "tickets"]; words a person uses for an object. */
export function objectWords(name: string): string[] {
  return name.split(/_+/).filter(Boolean);
}

/** "Open Tickets!" → "open tickets". */
export function normalizeWords(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9' ]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** "Backup Owner" → "backup-owner"; safe for job and rule names. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Escapes text for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** "a, b and c" / "a, b, and c" / "a & b" → ["a", "b", "c"]. */
export function splitList(text: string): string[] {
  return text
    .split(/\s*,\s*(?:and\s+|&\s+)?|\s+and\s+|\s*&\s*/i)
    .map((part) => part.trim())
    .filter(Boolean);
}
