// When will a job next have something to do without any data changing? The earliest moment an entry crosses one of
// its rules' `older_than` thresholds — so a P1 opened at 10:00 under a 30-minute rule is handled at 10:30 exactly.
import { type Condition, type Filter, isCondition } from '../objects/filter';
import { compileFilter, resolveField, SqlParameters, type BusinessCalendar } from '../objects/filter-compiler';
import { parseDuration } from '../objects/duration';
import { type ObjectDefinition, tableName } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import type { JobDefinition, JobRule } from './job-schema';
import { notMutedSql } from './mutes';
import { ruleGuards } from './runner';

/**
 * A filter seen as "from when is it true?": time leaves (`older_than` on a date) become true at field + duration and
 * stay true; every other test is taken as it is now (true from −∞, or never). `all` is the latest of its parts,
 * `any` the earliest. Waking early is harmless (the run finds nothing); the schedule covers what this cannot see.
 */
type Shape =
  | { kind: 'time'; index: number; column: string; milliseconds: number; business: boolean }
  | { kind: 'static'; index: number; sql: string }
  | { kind: 'all' | 'any'; parts: Shape[] };

const infinity = `'infinity'::DOUBLE`;
const negativeInfinity = `'-infinity'::DOUBLE`;

function shapeOf(definition: ObjectDefinition, filter: Filter, workspace: Workspace, now: Date, parameters: SqlParameters, joins: Map<string, string>, counter: { next: number }): Shape {
  if (isCondition(filter) && filter.operator === 'older_than') {
    const resolved = resolveField(definition, filter.field, workspace.objects);
    if (resolved.field.type === 'date') {
      if (resolved.join) joins.set(resolved.join.alias, resolved.join.clause);
      const duration = parseDuration(filter.value);
      return { kind: 'time', index: counter.next++, column: resolved.sql, milliseconds: duration.milliseconds, business: duration.business || (filter as Condition).business === true };
    }
  }
  if (!isCondition(filter) && 'all' in filter) return { kind: 'all', parts: filter.all.map((part) => shapeOf(definition, part, workspace, now, parameters, joins, counter)) };
  if (!isCondition(filter) && 'any' in filter) return { kind: 'any', parts: filter.any.map((part) => shapeOf(definition, part, workspace, now, parameters, joins, counter)) };
  const compiled = compileFilter(definition, filter, workspace.compileContext(now), parameters);
  for (const clause of compiled.joins) joins.set(clause.split(' ')[4]!, clause);
  return { kind: 'static', index: counter.next++, sql: compiled.where };
}

/** SQL for the earliest instant (epoch ms, ±infinity) from which the shape holds, counting business time as calendar time. */
function lowerBoundSql(shape: Shape): string {
  if (shape.kind === 'time') return `COALESCE(epoch_ms(${shape.column})::DOUBLE + ${shape.milliseconds}, ${infinity})`;
  if (shape.kind === 'static') return `CASE WHEN ${shape.sql} THEN ${negativeInfinity} ELSE ${infinity} END`;
  if (shape.parts.length === 0) return shape.kind === 'all' ? negativeInfinity : infinity;
  if (shape.parts.length === 1) return lowerBoundSql(shape.parts[0]!);
  return `${shape.kind === 'all' ? 'greatest' : 'least'}(${shape.parts.map(lowerBoundSql).join(', ')})`;
}

function leaves(shape: Shape): Shape[] {
  return shape.kind === 'all' || shape.kind === 'any' ? shape.parts.flatMap(leaves) : [shape];
}

/** The exact instant (epoch ms) from which the shape holds for one row of leaf values, with business time. */
function exactFrom(shape: Shape, row: Record<string, unknown>, calendar: BusinessCalendar | undefined): number {
  if (shape.kind === 'time') {
    const value = row[`leaf_${shape.index}`];
    if (value === null || value === undefined) return Infinity;
    const from = Number(value);
    if (!shape.business) return from + shape.milliseconds;
    return calendar ? calendar.add(new Date(from), shape.milliseconds).getTime() : from + shape.milliseconds;
  }
  if (shape.kind === 'static') return row[`leaf_${shape.index}`] === true ? -Infinity : Infinity;
  const values = shape.parts.map((part) => exactFrom(part, row, calendar));
  if (values.length === 0) return shape.kind === 'all' ? -Infinity : Infinity;
  return shape.kind === 'all' ? Math.max(...values) : Math.min(...values);
}

/** The next instant after `now` at which `rule` will newly match an entry (only `entryIds`, when given). */
async function ruleCrossing(workspace: Workspace, job: JobDefinition, definition: ObjectDefinition, rule: JobRule, now: Date, entryIds?: readonly string[]): Promise<number | undefined> {
  const parameters = new SqlParameters();
  const joins = new Map<string, string>();
  const shape = shapeOf(definition, rule.when, workspace, now, parameters, joins, { next: 0 });
  const timeLeaves = leaves(shape).filter((leaf) => leaf.kind === 'time');
  if (timeLeaves.length === 0) return undefined;
  // A muted entry has no deadline while muted: the scheduler evaluates it when the mute ends.
  const guards = [...ruleGuards(job, definition, rule, parameters, entryIds), notMutedSql(workspace, definition, now, parameters)];
  // Tests every part of an `all` needs, and that time does not change, go in the WHERE, where they prune the scan.
  const required = shape.kind === 'all' ? shape.parts.filter((part): part is Extract<Shape, { kind: 'static' }> => part.kind === 'static') : [];
  guards.unshift(...required.map((part) => part.sql));
  const bound = lowerBoundSql(shape.kind === 'all' ? { kind: 'all', parts: shape.parts.filter((part) => part.kind !== 'static') } : shape);
  const from = `FROM ${tableName(definition.name)} AS e ${[...joins.values()].join(' ')} WHERE ${guards.join(' AND ')}`;
  if (!timeLeaves.some((leaf) => leaf.kind === 'time' && leaf.business)) {
    const nowParameter = parameters.add(now.getTime());
    const rows = await workspace.db.query<{ next: number | null }>(
      `SELECT min(c) AS next FROM (SELECT ${bound} AS c ${from}) WHERE c > ${nowParameter}::DOUBLE AND c < ${infinity}`,
      parameters.values,
    );
    const next = rows[0]?.next;
    return next === null || next === undefined ? undefined : Number(next);
  }
  // Business hours: the calendar bound is a lower bound of the real crossing; walk rows in its order until it
  // passes the best exact crossing found.
  const columns = leaves(shape).map((leaf) =>
    leaf.kind === 'time' ? `epoch_ms(${leaf.column})::DOUBLE AS leaf_${leaf.index}` : leaf.kind === 'static' ? `(${leaf.sql}) AS leaf_${leaf.index}` : '',
  );
  const rows = await workspace.db.query(
    `SELECT * FROM (SELECT ${bound} AS c, ${columns.join(', ')} ${from}) WHERE c < ${infinity} ORDER BY c LIMIT 2000`,
    parameters.values,
  );
  let best = Infinity;
  for (const row of rows) {
    if (Number(row.c) >= best) break;
    const exact = exactFrom(shape, row, workspace.calendar);
    if (exact > now.getTime() && exact < best) best = exact;
  }
  return Number.isFinite(best) ? best : undefined;
}

/** The next moment an entry will cross one of the job's time thresholds, or undefined if none will without changes. */
export async function nextCrossing(workspace: Workspace, job: JobDefinition, now: Date, entryIds?: readonly string[]): Promise<Date | undefined> {
  if ((entryIds && entryIds.length === 0) || job.report) return undefined;
  const definition = workspace.object(job.object);
  let best: number | undefined;
  for (const rule of job.rules) {
    const at = await ruleCrossing(workspace, job, definition, rule, now, entryIds);
    if (at !== undefined && (best === undefined || at < best)) best = at;
  }
  return best === undefined ? undefined : new Date(best);
}

/**
 * Entries that crossed one of the job's time thresholds in (since, now] and have not fired on that rule — what a
 * restart must evaluate for thresholds that passed while the process was down. With business-time thresholds the
 * calendar bound only bounds the crossing from below, so every unfired entry whose bound has passed is included.
 */
export async function crossedBetween(workspace: Workspace, job: JobDefinition, since: Date, now: Date): Promise<string[]> {
  const definition = workspace.object(job.object);
  const ids = new Set<string>();
  for (const rule of job.rules) {
    const parameters = new SqlParameters();
    const joins = new Map<string, string>();
    const shape = shapeOf(definition, rule.when, workspace, now, parameters, joins, { next: 0 });
    const timeLeaves = leaves(shape).filter((leaf) => leaf.kind === 'time');
    if (timeLeaves.length === 0) continue;
    const guards = [...ruleGuards(job, definition, rule, parameters), notMutedSql(workspace, definition, now, parameters)];
    const business = timeLeaves.some((leaf) => leaf.kind === 'time' && leaf.business);
    const nowParameter = parameters.add(now.getTime());
    const sinceParameter = parameters.add(since.getTime());
    const window = business ? `c <= ${nowParameter}::DOUBLE` : `c > ${sinceParameter}::DOUBLE AND c <= ${nowParameter}::DOUBLE`;
    const rows = await workspace.db.query<{ id: string }>(
      `SELECT id FROM (SELECT e.id, ${lowerBoundSql(shape)} AS c FROM ${tableName(definition.name)} AS e ${[...joins.values()].join(' ')} WHERE ${guards.join(' AND ')}) WHERE ${window}`,
      parameters.values,
    );
    for (const row of rows) ids.add(row.id);
  }
  return [...ids];
}
