// The Bot API's HTML parse mode as the fake server checks it: the tags Telegram accepts, the four named entities,
// numeric entities; anything else is refused with the Bot API's "can't parse entities" error.

const allowedTags = new Set([
  'b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'a', 'code', 'pre', 'tg-spoiler', 'tg-emoji', 'blockquote', 'span',
]);
const namedEntities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/** The plain text of an HTML-formatted message, or an error description the way the Bot API words it. */
export function parseTelegramHtml(html: string): { text: string } | { error: string } {
  let text = '';
  const open: string[] = [];
  let index = 0;
  while (index < html.length) {
    const char = html[index]!;
    if (char === '&') {
      const match = /^&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/.exec(html.slice(index));
      if (!match) return { error: `Bad Request: can't parse entities: Can't find end of the entity starting at byte offset ${index}` };
      const name = match[1]!;
      if (name.startsWith('#x')) text += String.fromCodePoint(Number.parseInt(name.slice(2), 16));
      else if (name.startsWith('#')) text += String.fromCodePoint(Number.parseInt(name.slice(1), 10));
      else if (namedEntities[name] !== undefined) text += namedEntities[name];
      else return { error: `Bad Request: can't parse entities: Unsupported entity "${name}" at byte offset ${index}` };
      index += match[0].length;
      continue;
    }
    if (char === '<') {
      const end = html.indexOf('>', index);
      if (end < 0) return { error: `Bad Request: can't parse entities: Unclosed start tag at byte offset ${index}` };
      const inner = html.slice(index + 1, end);
      const closing = inner.startsWith('/');
      const name = (closing ? inner.slice(1) : inner).trim().split(/\s/)[0]!.toLowerCase();
      if (!allowedTags.has(name)) {
        return { error: `Bad Request: can't parse entities: Unsupported ${closing ? 'end' : 'start'} tag "${name}" at byte offset ${index}` };
      }
      if (closing) {
        if (open.pop() !== name) return { error: `Bad Request: can't parse entities: Unmatched end tag at byte offset ${index}, expected "</${open.at(-1) ?? ''}>", found "</${name}>"` };
      } else {
        open.push(name);
      }
      index = end + 1;
      continue;
    }
    if (char === '>') {
      // Telegram tolerates a bare ">" but a well-escaped message never has one; count it as text.
      text += char;
      index++;
      continue;
    }
    text += char;
    index++;
  }
  if (open.length > 0) return { error: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${open.at(-1)}"` };
  return { text };
}
