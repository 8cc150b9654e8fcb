// Small pieces of English the offline brain reads: number words, durations ("half an hour", "48 hours"), times of
// day ("9am", "17:30"), and text clean-up.

const numberWords: Record<string, number> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, fifteen: 15, twenty: 20, 'twenty-four': 24, thirty: 30, forty: 40, 'forty-five': 45,
  'forty-eight': 48, sixty: 60, ninety: 90,
};

/** Regex source for a count: digits or a number word. */
export const countPattern = `(?:\\d+(?:\\.\\d+)?|${Object.keys(numberWords).sort((a, b) => b.length - a.length).join('|')})`;

/** "3" → 3, "three" → 3, "an" → 1. */
export function countValue(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return numberWords[trimmed];
}

const unitPattern = '(?:(business|working)\\s+)?(minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|wks?|w)\\b';

/** Regex source for a duration: "30 minutes", "4h", "half an hour", "an hour and a half", "2 business days". */
export const durationPattern = `(?:half\\s+an?\\s+hour|half\\s+a\\s+day|an?\\s+hour\\s+and\\s+a\\s+half|${countPattern}\\s*(?:and\\s+a\\s+half\\s+)?${unitPattern}|${countPattern}\\s*${unitPattern}\\s+and\\s+a\\s+half)`;

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
  if (/^half an? hour$/.test(text)) return compactDuration(30 * 60_000, false);
  if (text === 'half a day') return compactDuration(12 * 3_600_000, false);
  if (/^an? hour and a half$/.test(text)) return compactDuration(90 * 60_000, false);
  const match = new RegExp(`^(${countPattern})\\s*(and a half\\s+)?${unitPattern}(\\s+and a half)?$`).exec(text);
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
