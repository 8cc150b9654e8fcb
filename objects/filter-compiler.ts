// Compiles the filter language to parameterized DuckDB SQL over an object's typed table (values never spliced).
import { closest } from 'fastest-levenshtein';
import { DateTime } from 'luxon';
import { ValidationError } from './errors';
import { type Condition, type Filter, isCondition } from './filter';
import { parseDuration } from './duration';
import {
  type FieldDefinition,
  type ObjectDefinition,
  type ObjectRegistry,
  findField,
  quoteIdentifier,
  systemColumns,
  tableName,
} from './object-schema';
import { matchOption, parseBoolean, parseDate, parseNumber, quarterRange } from './values';

/** Business-hours arithmetic, provided by the SLA calendar of the workspace. */
export interface BusinessCalendar {
  /** The instant that lies `milliseconds` of business time before `from`. */
  subtract(from: Date, milliseconds: number): Date;
  /** The instant that lies `milliseconds` of business time after `from`. */
  add(from: Date, milliseconds: number): Date;
}

export interface CompileContext {
  objects: ObjectRegistry;
  now: Date;
  timeZone: string;
  calendar?: BusinessCalendar;
}

/** Collects positional parameters ($1, $2 …) while SQL is built. */
export class SqlParameters {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value instanceof Date ? value.toISOString() : value);
    return `$${this.values.length}`;
  }
  time(value: Date): string {
    return `${this.add(value)}::TIMESTAMPTZ`;
  }
}

/** A field reached from the entry's table, directly or one hop through a relation. */
export interface ResolvedField {
  field: FieldDefinition;
  /** SQL for its value: `e.priority`, or `j_customer.account_tier` with `join` needed. */
  sql: string;
  join?: { alias: string; clause: string };
  /** For a path through a relation: the relation field on the entry's object and the related object. */
  via?: { relation: FieldDefinition; related: ObjectDefinition; alias: string };
  /** The object the field belongs to. */
  owner: ObjectDefinition;
  path: string;
}

/** Resolves "Priority" or "Customer.Account Tier" on `definition`; unknown names fail with the fields there are. */
export function resolveField(definition: ObjectDefinition, path: string, objects: ObjectRegistry, alias = 'e'): ResolvedField {
  const direct = findField(definition, path) ?? systemField(path);
  if (direct) return { field: direct, sql: `${alias}.${quoteIdentifier(direct.column)}`, owner: definition, path: direct.name };
  const dot = path.indexOf('.');
  if (dot > 0) {
    const relation = findField(definition, path.slice(0, dot));
    if (relation?.type === 'relation' && relation.relatedObject) {
      const related = objects.get(relation.relatedObject);
      if (!related) throw new ValidationError(`${definition.name}.${relation.name} relates to unknown object "${relation.relatedObject}"`);
      const target = findField(related, path.slice(dot + 1));
      if (!target) throw unknownField(related, path.slice(dot + 1), `${relation.name}.`);
      const joinAlias = `j_${relation.column}`;
      return {
        field: target,
        sql: `${joinAlias}.${quoteIdentifier(target.column)}`,
        join: {
          alias: joinAlias,
          clause: `LEFT JOIN ${tableName(related.name)} AS ${joinAlias} ON ${joinAlias}.id = ${alias}.${quoteIdentifier(relation.column)}`,
        },
        via: { relation, related, alias },
        owner: related,
        path: `${relation.name}.${target.name}`,
      };
    }
    if (relation) throw new ValidationError(`"${path}": ${relation.name} is not a relation, so it has no fields to reach with "."`);
  }
  throw unknownField(definition, path);
}

/** created_at / updated_at ("Created At" too): every entry has them, so they filter and sort as dates. */
function systemField(path: string): FieldDefinition | undefined {
  const column = path.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return systemColumns.includes(column) ? { name: column, type: 'date', column } : undefined;
}

function unknownField(definition: ObjectDefinition, name: string, prefix = ''): ValidationError {
  const names = definition.fields.map((field) => field.name);
  const nearest = names.length ? closest(name, names) : undefined;
  return new ValidationError(
    `unknown field "${prefix}${name}" on ${definition.name}${nearest ? `; did you mean "${prefix}${nearest}"?` : ''} (fields: ${names.join(', ')})`,
  );
}

export interface CompiledFilter {
  where: string;
  /** JOIN clauses the WHERE needs, one per relation hop. */
  joins: string[];
}

/** Compiles `filter` on `definition` (table alias `e`) to a WHERE clause, adding its values to `parameters`. */
export function compileFilter(
  definition: ObjectDefinition,
  filter: Filter | undefined,
  context: CompileContext,
  parameters: SqlParameters,
): CompiledFilter {
  const joins = new Map<string, string>();
  if (!filter) return { where: 'TRUE', joins: [] };
  const where = compileNode(filter, false);
  return { where, joins: [...joins.values()] };

  // A WHERE treats NULL as false, so conditions need no NULL guard — except under NOT, where NOT NULL would
  // drop the row: there each condition is wrapped in COALESCE(…, FALSE). Outside NOT the bare predicates keep
  // DuckDB's filter pushdown (measured: ~30 % faster on the seed's sweep).
  function compileNode(node: Filter, negated: boolean): string {
    if (isCondition(node)) {
      let resolved = resolveField(definition, node.field, context.objects);
      const via = resolved.via;
      const semiJoin = via !== undefined && !matchesEmpty(resolved.field, node);
      if (semiJoin) resolved = { ...resolved, sql: `r.${quoteIdentifier(resolved.field.column)}` };
      else if (resolved.join) joins.set(resolved.join.alias, resolved.join.clause);
      try {
        let sql = compileCondition(resolved, node, context, parameters);
        // A condition a missing related entry cannot meet is a semi-join on the related table: DuckDB filters the
        // (small) related table first instead of joining every entry (the Enterprise rule at 1M tickets).
        if (semiJoin) sql = `${via.alias}.${quoteIdentifier(via.relation.column)} IN (SELECT r.id FROM ${tableName(via.related.name)} AS r WHERE ${sql})`;
        return negated ? `COALESCE((${sql}), FALSE)` : sql;
      } catch (error) {
        if (error instanceof ValidationError) throw new ValidationError(`${resolved.path} ${node.operator}: ${error.message}`, { cause: error });
        throw error;
      }
    }
    if ('all' in node) return node.all.length ? `(${node.all.map((child) => compileNode(child, negated)).join(' AND ')})` : 'TRUE';
    if ('any' in node) return node.any.length ? `(${node.any.map((child) => compileNode(child, negated)).join(' OR ')})` : 'FALSE';
    return `(NOT ${compileNode(node.not, true)})`;
  }
}

function listOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string' && value.includes(',')) return value.split(',').map((part) => part.trim()).filter(Boolean);
  return value === undefined || value === null ? [] : [value];
}

function need(condition: Condition): unknown {
  if (condition.value === undefined || condition.value === null || condition.value === '') {
    throw new ValidationError('needs a value');
  }
  return condition.value;
}

function compileCondition(resolved: ResolvedField, condition: Condition, context: CompileContext, parameters: SqlParameters): string {
  const { field, sql: column } = resolved;
  const { operator } = condition;
  if (isMultiple(field)) return compileMultiple(field, column, condition, context, parameters);
  if (operator === 'is_empty') return isText(field) ? `(${column} IS NULL OR ${column} = '')` : `${column} IS NULL`;
  if (operator === 'is_not_empty') return isText(field) ? `(${column} IS NOT NULL AND ${column} <> '')` : `${column} IS NOT NULL`;
  const hasAlias: Partial<Record<string, Condition['operator']>> = { has_any: 'is_any_of', has_none: 'is_none_of' };
  const alias = hasAlias[operator];
  if (alias && field.type !== 'relation') return compileCondition(resolved, { ...condition, operator: alias }, context, parameters);

  switch (field.type) {
    case 'enum':
      return compileEnum(field, column, condition, parameters);
    case 'number':
      return compileNumber(field, column, condition, parameters);
    case 'boolean':
      return compileBoolean(field, column, condition);
    case 'date':
      return compileDate(field, column, condition, context, parameters);
    case 'relation':
      return compileRelation(field, column, condition, context, parameters);
    case 'action':
      throw new ValidationError(`${field.name} is an action field and holds no value to filter on`);
    default:
      return compileText(column, condition, parameters);
  }
}

function isText(field: FieldDefinition): boolean {
  return ['text', 'richtext', 'email', 'url', 'phone', 'enum', 'relation', 'user', 'file'].includes(field.type);
}

/** A field holding a list (DenchClaw's tags, multi-select enums and many_to_many relations): JSON text. */
export function isMultiple(field: FieldDefinition): boolean {
  return field.type === 'tags' || field.multiple === true;
}

/** SQL for a multi-valued column as a VARCHAR[]: its JSON list, or the one value a hand-written file has. */
export function listSql(column: string): string {
  return `(CASE WHEN ${column} IS NULL OR trim(${column}) IN ('', 'null') THEN []::VARCHAR[] WHEN json_valid(${column}) AND json_type(${column}::JSON) = 'ARRAY' THEN from_json(${column}, '["VARCHAR"]') ELSE [${column}] END)`;
}

/** "Not empty" guard for the negative operators of DenchClaw's rules, which never match an empty value. */
function orEmpty(column: string, condition: Condition): string {
  return condition.excludeEmpty ? 'FALSE' : `${column} IS NULL`;
}

function compileMultiple(field: FieldDefinition, column: string, condition: Condition, context: CompileContext, parameters: SqlParameters): string {
  const list = listSql(column);
  const empty = `len(${list}) = 0`;
  const negate = (sql: string) => (condition.excludeEmpty ? `(NOT ${empty} AND NOT ${sql})` : `(NOT ${sql})`);
  const wanted = (): string => {
    const values = listOf(need(condition));
    if (field.type === 'relation') return relatedIds(field, values, context, parameters);
    const options = field.type === 'enum' ? values.map((value) => matchOption(field, value)) : values.map(String);
    return `[${options.map((option) => `lower(${parameters.add(option)})`).join(', ')}]::VARCHAR[]`;
  };
  const lowered = field.type === 'relation' ? list : `list_transform(${list}, x -> lower(x))`;
  switch (condition.operator) {
    case 'is_empty':
      return empty;
    case 'is_not_empty':
      return `NOT ${empty}`;
    case 'is':
    case 'eq':
    case 'is_any_of':
    case 'has_any':
      return `list_has_any(${lowered}, ${wanted()})`;
    case 'has_all':
      return `list_has_all(${lowered}, ${wanted()})`;
    case 'is_not':
    case 'neq':
    case 'is_none_of':
    case 'has_none':
      return negate(`list_has_any(${lowered}, ${wanted()})`);
    case 'contains':
    case 'not_contains': {
      const parameter = parameters.add(String(need(condition)));
      const found = `len(list_filter(${list}, x -> contains(lower(x), lower(${parameter})))) > 0`;
      return condition.operator === 'contains' ? `(${found})` : negate(`(${found})`);
    }
    default:
      throw unsupported(field, condition.operator, 'has_any, has_none, has_all, contains, not_contains or is_empty');
  }
}

/** A VARCHAR[] of the related entries' ids that `values` name (by id or by display name). */
function relatedIds(field: FieldDefinition, values: unknown[], context: CompileContext, parameters: SqlParameters): string {
  const related = context.objects.get(field.relatedObject ?? '');
  if (!related) throw new ValidationError(`${field.name} relates to unknown object "${field.relatedObject}"`);
  const display = findField(related, related.displayField);
  const displaySql = display && display.type !== 'action' ? quoteIdentifier(display.column) : 'id';
  const tests = values.map((value) => {
    const parameter = parameters.add(String(value));
    return `id = ${parameter} OR lower(${displaySql}) = lower(${parameter})`;
  });
  return `coalesce((SELECT list(id) FROM ${tableName(related.name)} WHERE ${tests.join(' OR ')}), []::VARCHAR[])`;
}

function unsupported(field: FieldDefinition, operator: string, allowed: string): ValidationError {
  return new ValidationError(`operator ${operator} does not apply to ${field.type} field ${field.name}; use ${allowed}`);
}

/** Whether a condition holds for an empty value (then a path through a missing related entry must match too). */
function matchesEmpty(field: FieldDefinition, condition: Condition): boolean {
  if (condition.operator === 'is_empty') return true;
  if (condition.excludeEmpty) return false;
  if (['is_empty', 'has_none', 'is_not', 'neq', 'is_none_of', 'not_contains', 'is_false'].includes(condition.operator)) return true;
  if (field.type === 'boolean' && (condition.operator === 'is' || condition.operator === 'eq')) {
    return !['true', 'yes', 'y', '1', 'on'].includes(String(condition.value).trim().toLowerCase());
  }
  return false;
}

function compileText(column: string, condition: Condition, parameters: SqlParameters): string {
  const lowerParam = (value: unknown) => `lower(${parameters.add(String(value))})`;
  switch (condition.operator) {
    case 'is':
    case 'eq':
      return `lower(${column}) = ${lowerParam(need(condition))}`;
    case 'is_not':
    case 'neq':
      return `(${orEmpty(column, condition)} OR lower(${column}) <> ${lowerParam(need(condition))})`;
    case 'contains':
      return `contains(lower(${column}), ${lowerParam(need(condition))})`;
    case 'not_contains':
      return `(${orEmpty(column, condition)} OR NOT contains(lower(${column}), ${lowerParam(need(condition))}))`;
    case 'starts_with':
      return `starts_with(lower(${column}), ${lowerParam(need(condition))})`;
    case 'ends_with':
      return `ends_with(lower(${column}), ${lowerParam(need(condition))})`;
    case 'is_any_of':
    case 'is_none_of': {
      const values = listOf(need(condition)).map(lowerParam);
      return condition.operator === 'is_any_of'
        ? `lower(${column}) IN (${values.join(', ')})`
        : `(${orEmpty(column, condition)} OR lower(${column}) ${values.length === 1 ? `<> ${values[0]}` : `NOT IN (${values.join(', ')})`})`;
    }
    default:
      throw new ValidationError(`operator ${condition.operator} does not apply to text; use is, is_not, contains, starts_with, is_any_of or is_empty`);
  }
}

/** SQL giving an option's position (0-based) so enums compare by their order. */
export function optionRank(field: FieldDefinition, column: string, parameters: SqlParameters): string {
  const options = field.options ?? [];
  return `CASE ${column} ${options.map((option, index) => `WHEN ${parameters.add(option)} THEN ${index}`).join(' ')} ELSE ${options.length} END`;
}

function compileEnum(field: FieldDefinition, column: string, condition: Condition, parameters: SqlParameters): string {
  const option = (value: unknown) => parameters.add(matchOption(field, value));
  switch (condition.operator) {
    case 'is':
    case 'eq':
      return `${column} = ${option(need(condition))}`;
    case 'is_not':
    case 'neq':
      return `(${orEmpty(column, condition)} OR ${column} <> ${option(need(condition))})`;
    case 'is_any_of':
      return `${column} IN (${listOf(need(condition)).map(option).join(', ')})`;
    case 'is_none_of': {
      // One value compares as <>, which DuckDB pushes into the scan as a plain comparison.
      const values = listOf(need(condition)).map(option);
      return `(${orEmpty(column, condition)} OR ${column} ${values.length === 1 ? `<> ${values[0]}` : `NOT IN (${values.join(', ')})`})`;
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const rank = (field.options ?? []).indexOf(matchOption(field, need(condition)));
      const symbol = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[condition.operator];
      return `(${column} IS NOT NULL AND ${optionRank(field, column, parameters)} ${symbol} ${rank})`;
    }
    default:
      throw unsupported(field, condition.operator, 'is, is_not, is_any_of, is_none_of, gt/lt (by option order) or is_empty');
  }
}

function compileNumber(field: FieldDefinition, column: string, condition: Condition, parameters: SqlParameters): string {
  const number = (value: unknown) => `${parameters.add(parseNumber(value, field.name))}::DOUBLE`;
  const symbols: Record<string, string> = { is: '=', eq: '=', is_not: '<>', neq: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' };
  const symbol = symbols[condition.operator];
  if (symbol) return `${column} ${symbol} ${number(need(condition))}`;
  if (condition.operator === 'between') {
    const [low, high] = listOf(need(condition));
    if (low === undefined || high === undefined) throw new ValidationError('between needs two values: [low, high]');
    return `${column} BETWEEN ${number(low)} AND ${number(high)}`;
  }
  if (condition.operator === 'is_any_of') return `${column} IN (${listOf(need(condition)).map(number).join(', ')})`;
  if (condition.operator === 'is_none_of') return `(${orEmpty(column, condition)} OR ${column} NOT IN (${listOf(need(condition)).map(number).join(', ')}))`;
  throw unsupported(field, condition.operator, 'eq, neq, gt, gte, lt, lte, between or is_empty');
}

function compileBoolean(field: FieldDefinition, column: string, condition: Condition): string {
  switch (condition.operator) {
    case 'is_true':
      return `${column} = TRUE`;
    case 'is_false':
      return `(${orEmpty(column, condition)} OR ${column} = FALSE)`;
    case 'is':
    case 'eq':
      return parseBoolean(need(condition), field.name) ? `${column} = TRUE` : `(${column} IS NULL OR ${column} = FALSE)`;
    case 'is_not':
    case 'neq':
      return parseBoolean(need(condition), field.name) ? `(${column} IS NULL OR ${column} = FALSE)` : `${column} = TRUE`;
    default:
      throw unsupported(field, condition.operator, 'is_true, is_false or is');
  }
}

/**
 * A period a value names, [start, end): "Q1", "Q1 2026", "2026-Q1", "2026-03", "March 2026", "2026",
 * "this month", "last month", "this quarter", "last quarter", "this year", "last year", "today", "yesterday".
 */
export function parsePeriod(input: unknown, context: { now: Date; timeZone: string }): [Date, Date] | undefined {
  if (typeof input !== 'string') return undefined;
  const text = input.trim().toLowerCase();
  const now = DateTime.fromJSDate(context.now).setZone(context.timeZone);
  const zone = { zone: context.timeZone };
  const quarter = /^(?:q([1-4])(?:\s*(?:of\s*)?(\d{4}))?|(\d{4})\s*-?\s*q([1-4]))$/.exec(text);
  if (quarter) {
    const number = Number(quarter[1] ?? quarter[4]);
    const year = Number(quarter[2] ?? quarter[3] ?? now.year);
    return quarterRange(year, number, context.timeZone);
  }
  if (/^\d{4}$/.test(text)) {
    const start = DateTime.fromObject({ year: Number(text) }, zone);
    return [start.toJSDate(), start.plus({ years: 1 }).toJSDate()];
  }
  const month = /^(\d{4})-(\d{2})$/.exec(text);
  if (month) {
    const start = DateTime.fromObject({ year: Number(month[1]), month: Number(month[2]) }, zone);
    if (start.isValid) return [start.toJSDate(), start.plus({ months: 1 }).toJSDate()];
  }
  const named = DateTime.fromFormat(text, 'LLLL yyyy', zone).isValid
    ? DateTime.fromFormat(text, 'LLLL yyyy', zone)
    : DateTime.fromFormat(text, 'LLL yyyy', zone);
  if (named.isValid) return [named.toJSDate(), named.plus({ months: 1 }).toJSDate()];
  const relative: Record<string, () => [DateTime, DateTime]> = {
    today: () => [now.startOf('day'), now.startOf('day').plus({ days: 1 })],
    yesterday: () => [now.startOf('day').minus({ days: 1 }), now.startOf('day')],
    'this week': () => [now.startOf('week'), now.startOf('week').plus({ weeks: 1 })],
    'last week': () => [now.startOf('week').minus({ weeks: 1 }), now.startOf('week')],
    'this month': () => [now.startOf('month'), now.startOf('month').plus({ months: 1 })],
    'last month': () => [now.startOf('month').minus({ months: 1 }), now.startOf('month')],
    'this quarter': () => [now.startOf('quarter'), now.startOf('quarter').plus({ quarters: 1 })],
    'last quarter': () => [now.startOf('quarter').minus({ quarters: 1 }), now.startOf('quarter')],
    'this year': () => [now.startOf('year'), now.startOf('year').plus({ years: 1 })],
    'last year': () => [now.startOf('year').minus({ years: 1 }), now.startOf('year')],
  };
  const range = relative[text]?.();
  return range ? [range[0].toJSDate(), range[1].toJSDate()] : undefined;
}

function dayOrPeriod(value: unknown, context: CompileContext, fieldName: string): [Date, Date] {
  const period = parsePeriod(value, context);
  if (period) return period;
  const at = DateTime.fromJSDate(parseDate(value, context, fieldName)).setZone(context.timeZone).startOf('day');
  return [at.toJSDate(), at.plus({ days: 1 }).toJSDate()];
}

function isDateOnly(value: unknown): boolean {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim());
}

function compileDate(field: FieldDefinition, column: string, condition: Condition, context: CompileContext, parameters: SqlParameters): string {
  const instant = (value: unknown) => parseDate(value, context, field.name);
  switch (condition.operator) {
    case 'before':
    case 'lt':
      return `${column} < ${parameters.time(dayOrInstantStart(need(condition)))}`;
    case 'after':
    case 'gt':
      return `${column} >= ${parameters.time(dayOrInstantEnd(need(condition)))}`;
    case 'on_or_before':
    case 'lte':
      return `${column} < ${parameters.time(dayOrPeriod(need(condition), context, field.name)[1])}`;
    case 'on_or_after':
    case 'gte':
      return `${column} >= ${parameters.time(dayOrPeriod(need(condition), context, field.name)[0])}`;
    case 'on':
    case 'is': {
      const [start, end] = dayOrPeriod(need(condition), context, field.name);
      return `(${column} >= ${parameters.time(start)} AND ${column} < ${parameters.time(end)})`;
    }
    case 'between':
    case 'date_between': {
      const [low, high] = listOf(need(condition));
      if (low === undefined || high === undefined) throw new ValidationError(`${condition.operator} needs two values: [from, to] (or value and valueTo)`);
      const start = dayOrPeriod(low, context, field.name)[0];
      const end = isDateOnly(high) || parsePeriod(high, context) ? dayOrPeriod(high, context, field.name)[1] : instant(high);
      return `(${column} >= ${parameters.time(start)} AND ${column} < ${parameters.time(end)})`;
    }
    case 'relative_past':
    case 'relative_next': {
      if (condition.relative) {
        const [start, end] = relativeDays(condition.operator, condition.relative, context);
        return `(${column} >= ${parameters.time(start)} AND ${column} < ${parameters.time(end)})`;
      }
      const { milliseconds } = parseDuration(need(condition));
      const now = context.now.getTime();
      const [start, end] = condition.operator === 'relative_past' ? [now - milliseconds, now] : [now, now + milliseconds];
      return `(${column} >= ${parameters.time(new Date(start))} AND ${column} <= ${parameters.time(new Date(end))})`;
    }
    case 'older_than':
    case 'newer_than': {
      const threshold = thresholdOf(condition, context);
      return condition.operator === 'older_than'
        ? `${column} <= ${parameters.time(threshold)}`
        : `${column} > ${parameters.time(threshold)}`;
    }
    default:
      throw unsupported(field, condition.operator, 'before, after, on, between, date_between, relative_past, older_than, newer_than or is_empty');
  }

  function dayOrInstantStart(value: unknown): Date {
    return isDateOnly(value) || parsePeriod(value, context) ? dayOrPeriod(value, context, field.name)[0] : instant(value);
  }
  function dayOrInstantEnd(value: unknown): Date {
    return isDateOnly(value) || parsePeriod(value, context) ? dayOrPeriod(value, context, field.name)[1] : instant(value);
  }
}

/**
 * DenchClaw's relative dates count whole days: "in the last 7 days" runs from the start of the day 7 days ago to the
 * end of today (months by the calendar), in the workspace time zone.
 */
function relativeDays(operator: 'relative_past' | 'relative_next', relative: NonNullable<Condition['relative']>, context: CompileContext): [Date, Date] {
  const today = DateTime.fromJSDate(context.now).setZone(context.timeZone).startOf('day');
  const span = { [relative.unit]: relative.amount };
  return operator === 'relative_past'
    ? [today.minus(span).toJSDate(), today.plus({ days: 1 }).toJSDate()]
    : [today.toJSDate(), today.plus(span).plus({ days: 1 }).toJSDate()];
}

/** The instant an older_than / newer_than condition compares with: now minus its duration. */
export function thresholdOf(condition: Condition, context: CompileContext): Date {
  const duration = parseDuration(need(condition));
  const business = duration.business || condition.business === true;
  if (!business) return new Date(context.now.getTime() - duration.milliseconds);
  if (!context.calendar) throw new ValidationError('business-hours durations need the workspace calendar (business_hours in workspace.yaml)');
  return context.calendar.subtract(context.now, duration.milliseconds);
}

function compileRelation(field: FieldDefinition, column: string, condition: Condition, context: CompileContext, parameters: SqlParameters): string {
  const related = context.objects.get(field.relatedObject ?? '');
  if (!related) throw new ValidationError(`${field.name} relates to unknown object "${field.relatedObject}"`);
  const display = findField(related, related.displayField);
  const displaySql = display ? quoteIdentifier(display.column) : 'id';
  const matching = (values: unknown[]) => {
    const tests = values.map((value) => {
      const parameter = parameters.add(String(value));
      return `id = ${parameter} OR lower(${displaySql}) = lower(${parameter})`;
    });
    return `(SELECT id FROM ${tableName(related.name)} WHERE ${tests.join(' OR ')})`;
  };
  switch (condition.operator) {
    case 'is':
    case 'eq':
    case 'is_any_of':
    case 'has_any':
      return `${column} IN ${matching(listOf(need(condition)))}`;
    case 'has_all':
      // One related entry has all of several values only when they all name it.
      return `(${listOf(need(condition)).map((value) => `${column} IN ${matching([value])}`).join(' AND ')})`;
    case 'is_not':
    case 'neq':
    case 'is_none_of':
    case 'has_none':
      return `(${orEmpty(column, condition)} OR ${column} NOT IN ${matching(listOf(need(condition)))})`;
    case 'contains': {
      const parameter = parameters.add(String(need(condition)));
      return `${column} IN (SELECT id FROM ${tableName(related.name)} WHERE contains(lower(${displaySql}), lower(${parameter})))`;
    }
    default:
      throw unsupported(field, condition.operator, 'is, is_not, is_any_of, is_none_of, has_any, has_none, has_all, contains or is_empty');
  }
}

/** ORDER BY terms for a sort list: enums by option order, relations by the related entry's name. */
export function compileSort(
  definition: ObjectDefinition,
  sort: readonly { field: string; direction: 'asc' | 'desc' }[],
  context: CompileContext,
  parameters: SqlParameters,
  joins: Map<string, string>,
): string[] {
  return sort.map(({ field: path, direction }) => {
    const resolved = resolveField(definition, path, context.objects);
    if (resolved.join) joins.set(resolved.join.alias, resolved.join.clause);
    let expression = resolved.sql;
    if (resolved.field.type === 'enum') expression = optionRank(resolved.field, resolved.sql, parameters);
    if (resolved.field.type === 'relation') {
      const related = context.objects.get(resolved.field.relatedObject ?? '');
      const display = related ? findField(related, related.displayField) : undefined;
      if (related && display) {
        expression = `(SELECT ${quoteIdentifier(display.column)} FROM ${tableName(related.name)} r WHERE r.id = ${resolved.sql})`;
      }
    }
    return `${expression} ${direction === 'desc' ? 'DESC' : 'ASC'} NULLS LAST`;
  });
}
