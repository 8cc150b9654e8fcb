// The one filter language of views, queries and job rules: conditions and all/any/not groups, with the seed's
// `{field, operator: in, values}` and DenchClaw's `{conjunction, rules}` accepted as aliases.
import { z } from 'zod';

export const operators = [
  'is', 'is_not', 'is_any_of', 'is_none_of', 'is_empty', 'is_not_empty',
  'contains', 'not_contains', 'starts_with', 'ends_with',
  'eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between',
  'before', 'after', 'on', 'on_or_before', 'on_or_after', 'date_between', 'relative_past', 'relative_next',
  'older_than', 'newer_than',
  'is_true', 'is_false',
  'has_any', 'has_none', 'has_all',
] as const;
export type Operator = (typeof operators)[number];

const operatorAliases: Record<string, Operator> = {
  in: 'is_any_of',
  not_in: 'is_none_of',
  any_of: 'is_any_of',
  none_of: 'is_none_of',
  equals: 'is',
  '=': 'is',
  '==': 'is',
  '!=': 'is_not',
  '<>': 'is_not',
  not_equals: 'is_not',
  '>': 'gt',
  '>=': 'gte',
  '<': 'lt',
  '<=': 'lte',
  greater_than: 'gt',
  less_than: 'lt',
  does_not_contain: 'not_contains',
  empty: 'is_empty',
  is_null: 'is_empty',
  not_empty: 'is_not_empty',
  is_not_null: 'is_not_empty',
  is_before: 'before',
  is_after: 'after',
  is_on: 'on',
  within_last: 'relative_past',
  within_next: 'relative_next',
  any: 'is_any_of',
  none: 'is_none_of',
  has_any_of: 'has_any',
  has_none_of: 'has_none',
  has_all_of: 'has_all',
};

/** DenchClaw's units for relativeAmount. */
export const relativeUnits = ['days', 'weeks', 'months'] as const;
export type RelativeUnit = (typeof relativeUnits)[number];

/** One test on one field. `field` may go one hop through a relation: "Customer.Account Tier". */
export interface Condition {
  field: string;
  operator: Operator;
  value?: unknown;
  /** older_than / newer_than: count the duration in the workspace's business hours. */
  business?: boolean;
  /** relative_past / relative_next as DenchClaw writes them: whole days from today, back or on. */
  relative?: { amount: number; unit: RelativeUnit };
  /**
   * Set on conditions read from DenchClaw's `{conjunction, rules}` trees: there, is_not, is_none_of, not_contains,
   * has_none and is_false do not match an empty value (its SQL compares the value, and NULL compares to nothing).
   * escalator's own conditions count an empty value as "not X", which is what "not resolved" means to a rule.
   */
  excludeEmpty?: boolean;
}
export type Filter = Condition | { all: Filter[] } | { any: Filter[] } | { not: Filter };

export function isCondition(filter: Filter): filter is Condition {
  return 'field' in filter;
}

/** The keys a condition may have, and those of a group (every spelling accepted). */
export const conditionKeys = ['field', 'operator', 'value', 'values', 'business', 'business_hours'] as const;
export const groupKeys = ['all', 'and', 'any', 'or', 'not', 'rules', 'conjunction'] as const;

export interface NormalizeOptions {
  /** Refuse keys a condition or group does not have (tool input), instead of ignoring them (files from elsewhere). */
  strict?: boolean;
}

/** Reads any accepted spelling of a filter into the canonical form, or throws an Error naming the path. */
export function normalizeFilter(input: unknown, path = 'filter', options: NormalizeOptions = {}): Filter {
  if (Array.isArray(input)) return { all: input.map((item, index) => normalizeFilter(item, `${path}.${index}`, options)) };
  if (input === null || typeof input !== 'object') throw new Error(`${path}: expected a condition {field, operator, value} or a group {all|any: [...]} / {not: ...}, got ${JSON.stringify(input)}`);
  const record = input as Record<string, unknown>;
  const isGroup = groupKeys.some((key) => key in record);
  if (options.strict) {
    const allowed: readonly string[] = isGroup ? groupKeys : conditionKeys;
    const unknown = Object.keys(record).filter((key) => !allowed.includes(key));
    if (unknown.length) {
      throw new Error(`${path}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => `"${key}"`).join(', ')}; a ${isGroup ? 'group has all, any or not' : 'condition has field, operator, value (or values), business'}`);
    }
  }
  for (const key of ['all', 'and', 'any', 'or'] as const) {
    if (key in record) {
      const list = record[key];
      if (!Array.isArray(list)) throw new Error(`${path}.${key}: expected a list of conditions`);
      const items = list.map((item, index) => normalizeFilter(item, `${path}.${key}.${index}`, options));
      return key === 'all' || key === 'and' ? { all: items } : { any: items };
    }
  }
  if ('not' in record) return { not: normalizeFilter(record.not, `${path}.not`, options) };
  if ('rules' in record || 'conjunction' in record) {
    const rules = record.rules;
    if (!Array.isArray(rules)) throw new Error(`${path}.rules: expected a list of conditions`);
    const conjunction = String(record.conjunction ?? 'and').toLowerCase();
    if (conjunction !== 'and' && conjunction !== 'or') throw new Error(`${path}.conjunction: expected "and" or "or", got "${conjunction}"`);
    const items = rules.map((item, index) => markDenchClaw(normalizeFilter(item, `${path}.rules.${index}`, options)));
    // DenchClaw applies no filter for a group with no rules, whatever its conjunction.
    return conjunction === 'and' || items.length === 0 ? { all: items } : { any: items };
  }
  if (!('field' in record)) throw new Error(`${path}: a condition needs field and operator (or a group: all / any / not)`);
  if (typeof record.field !== 'string' || record.field.trim() === '') throw new Error(`${path}.field: expected a field name`);
  const rawOperator = String(record.operator ?? (record.values !== undefined ? 'in' : 'is')).trim().toLowerCase().replace(/[\s-]+/g, '_');
  const operator = (operators as readonly string[]).includes(rawOperator) ? (rawOperator as Operator) : operatorAliases[rawOperator];
  if (!operator) {
    throw new Error(`${path}.operator: unknown operator "${String(record.operator)}"; expected one of ${operators.join(', ')} (also accepted: ${Object.keys(operatorAliases).join(', ')})`);
  }
  if (options.strict && record.value !== undefined && record.values !== undefined) throw new Error(`${path}: give value or values, not both`);
  const condition: Condition = { field: record.field.trim(), operator };
  let value = record.values ?? record.value;
  // DenchClaw's range operators keep the upper bound apart: { value: low, valueTo: high }.
  if (record.valueTo !== undefined && record.valueTo !== null && !Array.isArray(value)) value = [value, record.valueTo];
  if (value !== undefined) condition.value = value;
  if (record.business === true || record.business_hours === true) condition.business = true;
  if (record.relativeAmount !== undefined || record.relativeUnit !== undefined) {
    if (operator !== 'relative_past' && operator !== 'relative_next') throw new Error(`${path}: relativeAmount and relativeUnit go with relative_past or relative_next`);
    const amount = Number(record.relativeAmount ?? 7);
    const unit = String(record.relativeUnit ?? 'days').toLowerCase();
    if (!Number.isFinite(amount) || amount < 0 || amount > 100_000) throw new Error(`${path}.relativeAmount: expected a number of ${unit}`);
    if (!(relativeUnits as readonly string[]).includes(unit)) throw new Error(`${path}.relativeUnit: expected one of ${relativeUnits.join(', ')}`);
    condition.relative = { amount, unit: unit as RelativeUnit };
  } else if ((operator === 'relative_past' || operator === 'relative_next') && value === undefined && 'id' in record) {
    // A DenchClaw rule with neither: its defaults, the last (next) 7 days.
    condition.relative = { amount: 7, unit: 'days' };
  }
  return condition;
}

/** Marks the conditions of a DenchClaw rule tree (nested groups are already marked). */
function markDenchClaw(filter: Filter): Filter {
  if (isCondition(filter)) return { ...filter, excludeEmpty: true };
  return filter;
}

/** The lenient schema used when reading files: every accepted spelling, normalized. */
export const filterSchema: z.ZodType<Filter, unknown> = z.unknown().transform((value, context) => {
  try {
    return normalizeFilter(value, '');
  } catch (error) {
    context.addIssue({ code: 'custom', message: (error as Error).message.replace(/^\.?/, '').replace(/^: /, '') });
    return z.NEVER;
  }
});

/**
 * A filter as tools take it: every accepted spelling (the seed's `{field, operator: in, values}` included), checked key
 * by key so an error names the offending key and what is allowed. Its JSON Schema is small on purpose: the language
 * is described once, in the system prompt ("Filter language"), not repeated in every tool.
 */
export const filterInputSchema = z
  .record(z.string(), z.unknown())
  .superRefine((value, context) => {
    try {
      normalizeFilter(value, '', { strict: true });
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message.replace(/^\.?/, '').replace(/^: /, '') });
    }
  })
  .describe('A filter in the filter language (see "Filter language" in the system prompt): {field, operator, value} or {all|any: [...]} / {not: ...}');

/** A tool's filter input in the canonical form (the input was checked by filterInputSchema). */
export function toolFilter(value: Record<string, unknown>): Filter {
  return normalizeFilter(value, 'filter', { strict: true });
}

/** The canonical form as a strict schema with descriptions: what tools show the model. */
export const conditionSchema = z.object({
  field: z.string().describe('Field display name, or one hop through a relation such as "Customer.Account Tier"'),
  operator: z.enum(operators).describe('Test to apply; older_than/newer_than take a duration like "30m", "4h", "2d"'),
  value: z
    .union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number()]))])
    .optional()
    .describe('Value to compare with: an option, a number, a date, a duration, or a list for is_any_of/between'),
  business: z.boolean().optional().describe('older_than/newer_than only: count business hours instead of calendar time'),
});

export type CanonicalFilter = z.infer<typeof conditionSchema> | { all: CanonicalFilter[] } | { any: CanonicalFilter[] } | { not: CanonicalFilter };
// The lazy getter returns one union built once: a getter that built a new union per call would make
// z.toJSONSchema(…, { io: 'input' }) recurse for ever (its cycle check compares schema objects).
let canonicalFilterUnion: z.ZodType<CanonicalFilter> | undefined;
export const canonicalFilterSchema: z.ZodType<CanonicalFilter> = z.lazy(
  () =>
    (canonicalFilterUnion ??= z.union([
      conditionSchema,
      z.object({ all: z.array(canonicalFilterSchema).describe('Every condition must hold') }),
      z.object({ any: z.array(canonicalFilterSchema).describe('At least one condition must hold') }),
      z.object({ not: canonicalFilterSchema.describe('The condition must not hold') }),
    ])),
);

/** Every condition in a filter, depth-first. */
export function conditionsOf(filter: Filter): Condition[] {
  if (isCondition(filter)) return [filter];
  if ('all' in filter) return filter.all.flatMap(conditionsOf);
  if ('any' in filter) return filter.any.flatMap(conditionsOf);
  return conditionsOf(filter.not);
}
