// DenchClaw's stored values (text; JSON lists for multi-values) as escalator's fields hold them.
import { ValidationError, errorMessage } from '../../objects/errors';
import type { FieldDefinition } from '../../objects/object-schema';
import { matchOption, parseBoolean, parseDate, parseNumber } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';

/** The items of a DenchClaw multi-value (a JSON list as text), or the one value. */
export function listValue(value: string): string[] {
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map((item) => String(item).trim()).filter(Boolean);
    } catch {
      // Not JSON: the text itself is the one value.
    }
  }
  return text === '' ? [] : [text];
}

/** A DenchClaw value as the escalator field stores it; undefined when it has to be skipped (reason in `skip`). */
export function convert(
  workspace: Workspace,
  field: FieldDefinition,
  value: string,
  knownIds: Map<string, Set<string>>,
): { value: unknown } | { defer: string } | { skip: string } {
  const context = workspace.valueContext();
  try {
    if (field.type === 'relation') {
      const ids = listValue(value);
      const known = knownIds.get(field.relatedObject ?? '');
      if (field.multiple) return { value: JSON.stringify(ids.filter((id) => known?.has(id) ?? true)) };
      const [id] = ids;
      if (id === undefined) return { value: null };
      if (known?.has(id)) return { value: id };
      return { defer: id };
    }
    if (field.type === 'tags' || field.multiple) {
      const items = listValue(value);
      return { value: JSON.stringify(field.type === 'enum' ? items.map((item) => matchOption(field, item)) : items) };
    }
    switch (field.type) {
      case 'number':
        return { value: parseNumber(value, field.name) };
      case 'boolean':
        return { value: parseBoolean(value, field.name) };
      case 'date':
        return { value: parseDate(value, context, field.name) };
      case 'enum':
        return { value: matchOption(field, value) };
      case 'action':
        return { skip: 'an action field holds no value' };
      default:
        return { value };
    }
  } catch (error) {
    if (error instanceof ValidationError) return { skip: errorMessage(error) };
    throw error;
  }
}

