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
