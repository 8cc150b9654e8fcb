// Mutes: keep the jobs off an entry — or a company and all its tickets — until a time, with who and why. The runner
// leaves muted entries out of every rule (no change, no alert, no ledger row), so when the mute ends the entry is
// evaluated like any other and fires once; the scheduler arms a wake-up at the earliest end.
import type { Database, Sql } from '../objects/database';
import { parseDuration } from '../objects/duration';
import { resolveEntryId } from '../objects/entries';
import { ValidationError } from '../objects/errors';
import type { SqlParameters } from '../objects/filter-compiler';
import { findField, type ObjectDefinition, quoteIdentifier, tableName } from '../objects/object-schema';
import { parseDate } from '../objects/values';
import type { Workspace } from '../objects/workspace';
import { ensureJobTables } from './tables';

/** An entry a mute covers (or covered). */
export interface MutedRef {
  object: string;
  entryId: string;
}

export interface Mute extends MutedRef {
  /** The entry's display name, when it still exists. */
  name: string | null;
  until: Date;
  by: string;
  reason: string | null;
  createdAt: Date;
}

type MutesListener = (event: { ended: MutedRef[] }) => void;
const listeners = new WeakMap<Workspace, Set<MutesListener>>();

/** Subscribes to mutes set or lifted in this process (the scheduler re-arms). Returns the unsubscriber. */
export function onMutesChanged(workspace: Workspace, listener: MutesListener): () => void {
  let set = listeners.get(workspace);
  if (!set) listeners.set(workspace, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

function tell(workspace: Workspace, ended: MutedRef[]): void {
  workspace.db.afterCommit(() => {
    for (const listener of listeners.get(workspace) ?? []) listener({ ended });
  });
}

/**
 * When a mute given as `--until TIME` or `--for DURATION` ends. A time is read like a date value ("tomorrow 9am",
 * "2026-04-15 09:00" in the workspace zone); a duration like a rule's ("24h", "2 days", "4 business hours").
 */
export function muteEnd(workspace: Workspace, input: { until?: string | undefined; for?: string | undefined }, now = workspace.clock.now()): Date {
  if ((input.until === undefined) === (input.for === undefined)) throw new ValidationError('say how long: either until a time (e.g. "tomorrow 9am") or for a duration (e.g. "24h"), not both');
  let end: Date;
  if (input.until !== undefined) {
    end = parseDate(input.until, { timeZone: workspace.timeZone, now }, 'until');
  } else {
    let duration;
    try {
      duration = parseDuration(input.for);
    } catch (error) {
      throw new ValidationError(`for: ${(error as Error).message}`, { cause: error });
    }
    if (duration.milliseconds <= 0) throw new ValidationError('for: the duration must be more than zero');
    end = duration.business && workspace.calendar ? workspace.calendar.add(now, duration.milliseconds) : new Date(now.getTime() + duration.milliseconds);
  }
  if (end.getTime() <= now.getTime()) throw new ValidationError(`until: ${end.toISOString()} is not in the future`);
  return end;
}

/** Mutes an entry (by id or display name) until `until`; muting it again replaces the earlier mute. */
export async function muteEntry(
  workspace: Workspace,
  input: { object: string; entry: string; until: Date; by: string; reason?: string | undefined },
  sql?: Sql,
): Promise<Mute> {
  await ensureJobTables(workspace.db);
  const work = async (tx: Sql): Promise<Mute> => {
    const definition = workspace.object(input.object);
    const entryId = await resolveEntryId(tx, definition, input.entry);
    const now = workspace.clock.now();
    const reason = input.reason?.trim() ? input.reason.trim().slice(0, 500) : null;
    await tx.run(
      `INSERT OR REPLACE INTO mutes (object, entry_id, until, muted_by, reason, created_at) VALUES ($1, $2, $3::TIMESTAMPTZ, $4, $5, $6::TIMESTAMPTZ)`,
      [definition.name, entryId, input.until, input.by, reason, now],
    );
    tell(workspace, []);
    return { object: definition.name, entryId, name: await displayName(tx, definition, entryId), until: input.until, by: input.by, reason, createdAt: now };
  };
  return sql ? work(sql) : workspace.db.transaction(work);
}

/** Lifts an entry's mute now (kept as history, ended at this instant); undefined when it was not muted. */
export async function unmuteEntry(workspace: Workspace, input: { object: string; entry: string }): Promise<Mute | undefined> {
  await ensureJobTables(workspace.db);
  return workspace.db.transaction(async (sql) => {
    const definition = workspace.object(input.object);
    const entryId = await resolveEntryId(sql, definition, input.entry);
    const now = workspace.clock.now();
    const [row] = await sql.query<MuteRow>(`SELECT * FROM mutes WHERE object = $1 AND entry_id = $2 AND until > $3::TIMESTAMPTZ`, [definition.name, entryId, now]);
    if (!row) return undefined;
    await sql.run(`UPDATE mutes SET until = $3::TIMESTAMPTZ WHERE object = $1 AND entry_id = $2`, [definition.name, entryId, now]);
    tell(workspace, [{ object: definition.name, entryId }]);
    return { ...toMute(row, await displayName(sql, definition, entryId)), until: now };
  });
}

/** The mutes in force at `now`, soonest end first. */
export async function listMutes(workspace: Workspace, now = workspace.clock.now()): Promise<Mute[]> {
  await ensureJobTables(workspace.db);
  const rows = await workspace.db.query<MuteRow>(`SELECT * FROM mutes WHERE until > $1::TIMESTAMPTZ ORDER BY until, object, entry_id`, [now]);
  const mutes: Mute[] = [];
  for (const row of rows) {
    const definition = workspace.objects.get(row.object);
    mutes.push(toMute(row, definition ? await displayName(workspace.db, definition, row.entry_id) : null));
  }
  return mutes;
}

/** The earliest end of a mute still in force after `now`. */
export async function nextMuteEnd(db: Database, now: Date): Promise<Date | undefined> {
  await ensureJobTables(db);
  const [row] = await db.query<{ next: Date | null }>(`SELECT min(until) AS next FROM mutes WHERE until > $1::TIMESTAMPTZ`, [now]);
  return row?.next ?? undefined;
}

/** Relation fields of `definition` that point at a single entry (a muted company covers the tickets naming it). */
function singleRelations(workspace: Workspace, definition: ObjectDefinition) {
  return definition.fields.filter((field) => field.type === 'relation' && !field.multiple && field.relatedObject && workspace.objects.has(field.relatedObject));
}

/**
 * SQL (on alias `e`) that is true when the entry is not muted at `now`, directly or through an entry it relates to
 * (the ticket's Customer company). Added to every rule's guards and to the deadline search.
 */
export function notMutedSql(workspace: Workspace, definition: ObjectDefinition, now: Date, parameters: SqlParameters): string {
  const covers = [`(m.object = ${parameters.add(definition.name)} AND m.entry_id = e.id)`];
  for (const field of singleRelations(workspace, definition)) {
    covers.push(`(m.object = ${parameters.add(workspace.object(field.relatedObject!).name)} AND m.entry_id = e.${quoteIdentifier(field.column)})`);
  }
  return `NOT EXISTS (SELECT 1 FROM mutes m WHERE m.until > ${parameters.add(now.toISOString())}::TIMESTAMPTZ AND (${covers.join(' OR ')}))`;
}

/**
 * Entries of `definition` covered by mutes that ended in (since, now] or by the `ended` ones: the entries a job on
 * that object evaluates once the mute is over.
 */
export async function entriesOfEndedMutes(
  workspace: Workspace,
  definition: ObjectDefinition,
  window: { since: Date; now: Date } | undefined,
  ended: readonly MutedRef[],
): Promise<string[]> {
  const endedRows = window
    ? await workspace.db.query<{ object: string; entry_id: string }>(`SELECT object, entry_id FROM mutes WHERE until > $1::TIMESTAMPTZ AND until <= $2::TIMESTAMPTZ`, [window.since, window.now])
    : [];
  const refs = [...ended, ...endedRows.map((row) => ({ object: row.object, entryId: row.entry_id }))];
  const ids = new Set(refs.filter((ref) => ref.object === definition.name).map((ref) => ref.entryId));
  for (const field of singleRelations(workspace, definition)) {
    const related = refs.filter((ref) => ref.object === workspace.object(field.relatedObject!).name).map((ref) => ref.entryId);
    if (related.length === 0) continue;
    const rows = await workspace.db.query<{ id: string }>(
      `SELECT id FROM ${tableName(definition.name)} WHERE ${quoteIdentifier(field.column)} IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`,
      [JSON.stringify(related)],
    );
    for (const row of rows) ids.add(row.id);
  }
  return [...ids];
}

interface MuteRow extends Record<string, unknown> {
  object: string;
  entry_id: string;
  until: Date;
  muted_by: string;
  reason: string | null;
  created_at: Date;
}

function toMute(row: MuteRow, name: string | null): Mute {
  return { object: row.object, entryId: row.entry_id, name, until: row.until, by: row.muted_by, reason: row.reason, createdAt: row.created_at };
}

async function displayName(sql: Sql, definition: ObjectDefinition, id: string): Promise<string | null> {
  const display = findField(definition, definition.displayField);
  if (!display || display.type === 'action') return null;
  const [row] = await sql.query<{ name: string | null }>(`SELECT ${quoteIdentifier(display.column)}::VARCHAR AS name FROM ${tableName(definition.name)} WHERE id = $1`, [id]);
  return row?.name ?? null;
}
