// JSON parsing that keeps help-desk ids beyond 2^53 exact: long integer literals become strings before JSON.parse.

/** Integer literals with more digits than this may not survive as a double, so they are kept as text. */
const maxSafeDigits = 15;

/**
 * Parses JSON like `JSON.parse`, except that an integer literal with more than 15 digits (in value position, not
 * inside a string) is returned as a string of its exact digits, so `9007199254740993` does not become `…992`.
 * Fractions and exponents are left to `JSON.parse`; malformed JSON still throws `JSON.parse`'s error.
 */
export function parseJsonKeepingBigIntegers(text: string): unknown {
  return JSON.parse(quoteBigIntegers(text));
}

/** The same JSON text with long integer literals outside strings wrapped in quotes. */
export function quoteBigIntegers(text: string): string {
  let result = '';
  let copiedUpTo = 0;
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (character === '"') {
      index = endOfString(text, index);
      continue;
    }
    if (character === '-' || (character >= '0' && character <= '9')) {
      const start = index;
      let end = character === '-' ? index + 1 : index;
      while (end < text.length && isDigit(text[end]!)) end += 1;
      const next = text[end];
      const isInteger = next !== '.' && next !== 'e' && next !== 'E';
      const digits = end - start - (character === '-' ? 1 : 0);
      if (isInteger && digits > maxSafeDigits) {
        result += `${text.slice(copiedUpTo, start)}"${text.slice(start, end)}"`;
        copiedUpTo = end;
      }
      index = Math.max(end, index + 1);
      continue;
    }
    index += 1;
  }
  return result + text.slice(copiedUpTo);
}

/** The index just past the string starting at `start` (a quote), honouring backslash escapes. */
function endOfString(text: string, start: number): number {
  let index = start + 1;
  while (index < text.length) {
    const character = text[index]!;
    if (character === '\\') index += 2;
    else if (character === '"') return index + 1;
    else index += 1;
  }
  return index;
}

function isDigit(character: string): boolean {
  return character >= '0' && character <= '9';
}
