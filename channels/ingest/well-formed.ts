// Text from outside may hold lone UTF-16 surrogates (valid in a JS string and in JSON, refused by DuckDB's JSON
// reader): each becomes U+FFFD before anything is stored.

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text with every lone surrogate replaced by U+FFFD. */
export function wellFormedText(text: string): string {
  return text.replace(loneSurrogate, '\ufffd');
}

/** A parsed JSON value with all its strings (keys included) made well-formed. */
export function wellFormedJson(value: unknown): unknown {
  if (typeof value === 'string') return wellFormedText(value);
  if (Array.isArray(value)) return value.map(wellFormedJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [wellFormedText(key), wellFormedJson(inner)]));
  }
  return value;
}

/** A lone surrogate as itself, or as a JSON escape of one (\ud800–\udfff); pairs match too, which only costs a walk. */
const surrogateInJson = /[\ud800-\udfff]|\\u[dD][89a-fA-F]/;

/**
 * Parses JSON text with `parse` and makes every string of the result well-formed. Text that holds no surrogate,
 * raw or escaped, cannot yield a lone one, so its value is returned as parsed, without copying it.
 */
export function parseWellFormedJson(text: string, parse: (text: string) => unknown): unknown {
  const value = parse(text);
  return surrogateInJson.test(text) ? wellFormedJson(value) : value;
}

