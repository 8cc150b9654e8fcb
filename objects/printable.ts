// Outside text made safe to print on a terminal or in a log: control characters, ANSI sequences, bidi overrides
// and line separators become visible escapes, and the length is bounded, so a stranger's name cannot forge lines.

/**
 * C0 controls, DEL and C1 controls (which start every ANSI CSI/OSC sequence: ESC, U+009B, U+009D), the Unicode
 * bidi marks, embeddings, overrides and isolates (U+061C, U+200E–U+200F, U+202A–U+202E, U+2066–U+2069), and the
 * line and paragraph separators U+2028/U+2029.
 */
const unsafeCharacters = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const unsafeExceptLineBreaks = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const named: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export interface PrintableOptions {
  /** Characters kept at most (escapes count); longer text is cut with "…". Default 200. */
  max?: number;
  /** Keep "\n" and tab as they are: for multi-line output (an alert, a table) rather than one log line. */
  keepLineBreaks?: boolean;
}

/**
 * `text` with every character that could move the cursor, recolour or clear the screen, reorder what is shown or
 * start a new line replaced by a visible escape ("\n", "\u001b"). A backslash is left as it is, so a second pass
 * changes nothing and a literal "\n" typed by someone stays two harmless characters on the same line.
 */
export function printable(text: string, options: PrintableOptions = {}): string {
  const pattern = options.keepLineBreaks ? unsafeExceptLineBreaks : unsafeCharacters;
  const escaped = text.replace(pattern, (character) => named[character] ?? `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return clip(escaped, options.max ?? 200);
}

/** Cuts to `max` characters without leaving half an escape or half a surrogate pair at the end. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text
    .slice(0, Math.max(0, max - 1))
    .replace(/\\(?:u[0-9a-f]{0,3})?$/, '')
    .replace(/[\ud800-\udbff]$/, '');
  return `${cut}…`;
}
