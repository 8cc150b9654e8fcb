// Telegram HTML parse mode: escaping every piece of text we did not write, and splitting long replies at line
// boundaries so each message stays within Telegram's limit counted on the formatted (escaped, tagged) text.

/** Telegram's limit for one message's text (4096) and for a photo caption (1024). */
export const messageLimit = 4096;
export const captionLimit = 1024;

/** Escapes the three characters Telegram's HTML mode gives meaning to. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SplitOptions {
  /** Longest formatted message (default 4096). */
  limit?: number;
  /** Wrap every chunk in this tag (e.g. "pre" for board text); the tags count against the limit. */
  wrap?: 'pre' | 'code' | 'b';
}

/**
 * Plain text as one or more HTML messages: escaped, each at most `limit` characters including markup, cut between
 * lines where it can, between words where a line is too long, and mid-word only as a last resort (never inside an
 * escape such as &amp;).
 */
export function splitPlainText(text: string, options: SplitOptions = {}): string[] {
  const open = options.wrap ? `<${options.wrap}>` : '';
  const close = options.wrap ? `</${options.wrap}>` : '';
  const room = (options.limit ?? messageLimit) - open.length - close.length;
  if (room < 16) throw new Error(`a message limit of ${options.limit} leaves no room for text`);
  const chunks: string[] = [];
  let current = '';
  const flush = () => {
    if (current.trim() !== '') chunks.push(`${open}${current.replace(/\n+$/, '')}${close}`);
    current = '';
  };
  for (const line of text.replace(/\r\n/g, '\n').split('\n')) {
    for (const piece of piecesOf(escapeHtml(line), room)) {
      const joined = current === '' ? piece : `${current}\n${piece}`;
      if (joined.length <= room) {
        current = joined;
      } else {
        flush();
        current = piece;
      }
    }
  }
  flush();
  return chunks;
}

/** Splits one escaped line into pieces of at most `room` characters: at spaces, else anywhere but inside an escape. */
function piecesOf(line: string, room: number): string[] {
  if (line.length <= room) return [line];
  const pieces: string[] = [];
  let rest = line;
  while (rest.length > room) {
    let cut = rest.lastIndexOf(' ', room);
    if (cut < room / 2) {
      cut = room;
      const amp = rest.lastIndexOf('&', cut);
      if (amp >= 0 && amp > cut - 5 && rest.indexOf(';', amp) >= cut) cut = amp;
    }
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^ /, '');
  }
  if (rest) pieces.push(rest);
  return pieces;
}
