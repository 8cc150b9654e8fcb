// Runs a job: each rule's filter in SQL, then its actions — field changes (with history), ledger rows and outbox
// messages — all in one transaction. A rule fires once per entry: the ledger is the key, so a re-run does nothing.
// Entries ingestion left pending for the job are taken into the run and cleared in the same transaction.
import type { Row, Sql } from '../objects/database';
import { insertRows, updateEntries, type FieldValues } from '../objects/entries';
import { compileFilter, SqlParameters } from '../objects/filter-compiler';
import { findField, type FieldDefinition, type ObjectDefinition, quoteIdentifier, tableName } from '../objects/object-schema';
import { viewSelect } from '../objects/schema-sync';
import type { Workspace } from '../objects/workspace';
import { alertText, valueAtPath } from './alert';
import { readJob } from './job-files';
import { isReportJob, type JobDefinition, type JobRule } from './job-schema';
import { insertMessages, wakeOutbox, type EnqueueInput } from './outbox';
import { type Address, addressKey, resolveRecipients } from './recipients';
import { notMutedSql } from './mutes';
import { attachCalendar } from './sla-config';
import { clearEvaluated, ensureJobTables, pendingFor } from './tables';
import { recordRun, startedRun } from './run-log';
import { runReportJob } from './report-job';

/**
 * Why a job ran: by hand, at a slot, a missed slot at start, its first run, at start with no slot missed (what
 * changed or crossed a threshold while down), a threshold crossed, an entry changed.
 */
export type RunTrigger = 'manual' | 'schedule' | 'catch-up' | 'first' | 'restart' | 'deadline' | 'change';

export interface RunOptions {
  /** Evaluate and report, change nothing (the run happens and is rolled back, so it shows exactly what a run would do). */
  dryRun?: boolean;
  /** Only these entries (an entry created or changed is evaluated at once), and those still pending for the job. */
  entryIds?: string[];
  trigger?: RunTrigger;
  /**
   * With `entryIds`: take at most this many of the job's pending evaluations (oldest first), so one run never holds
   * the writer for a whole backlog; `morePending` in the result says some are left.
   */
  pendingLimit?: number;
  /**
   * The storm (burst) this run belongs to: the scheduler gives the runs of one drain of a backlog one id, so alerts
   * past `alerts.digest_after` per recipient go into one digest for the whole burst. Default: the run's own id.
   */
  stormId?: string;
  /** The schedule slot this run stands for (recorded as the job's last slot, for catching up after downtime). */
  slot?: Date;
  /** Called after each rule, inside the transaction. */
  onProgress?: (step: { rule: string; entries: number }) => Promise<void> | void;
}

export interface JobRunResult {
  job: string;
  runId: string;
  at: Date;
  trigger: RunTrigger;
  slot?: Date;
  dryRun: boolean;
  /** Per rule, the entries it acted on (or, in a dry run, would act on). */
  rules: { rule: string; entries: string[] }[];
  /** Rule firings (an entry two rules fire on counts twice). */
  matched: number;
  /** Entries whose fields changed. */
  changed: number;
  /** Messages queued. */
  notified: number;
  /** Set when pending evaluations were left for a next run (see `pendingLimit`). */
  morePending?: true;
}

class DryRunRollback extends Error {
  constructor(readonly result: JobRunResult) {
    super('dry run');
  }
}

/** How many of a rule's matched entries are changed, logged and alerted at a time. */
const applyChunk = 10_000;

/**
 * A run that fired this often has written megabytes to DuckDB's log; it is folded into the file right after the
 * alerts are committed, so the next run, or a webhook's commit, does not pay for DuckDB's automatic checkpoint
 * inside its own commit (a 10,000-firing run at 1M tickets: 300–750 ms of its commit).
 */
const checkpointAfter = 1_000;

/** Queues a CHECKPOINT; it fails, harmlessly, when another write transaction is open (DuckDB then checkpoints later by itself). */
function checkpoint(workspace: Workspace): void {
  workspace.db.runInBackground('CHECKPOINT');
}

/** `by` of the field changes a job makes: the scheduler ignores a job's own changes. */
export function changedByJob(job: string): string {
  return `job:${job}`;
}

/** Runs a job once, now. */
export async function runJob(workspace: Workspace, nameOrJob: string | JobDefinition, options: RunOptions = {}): Promise<JobRunResult> {
  const job = typeof nameOrJob === 'string' ? await readJob(workspace, nameOrJob) : nameOrJob;
  if (isReportJob(job)) return runReportJob(workspace, job, options);
  await ensureJobTables(workspace.db);
  workspace.calendar ??= attachCalendar(workspace);
  const result = startedRun(workspace, job.name, options);
  const at = result.at;
  const definition = workspace.object(job.object);
  try {
    return await workspace.db.transaction(async (sql) => {
      const pending = await pendingFor(sql, job.name, definition.name, options.entryIds ? options.pendingLimit : undefined);
      if (pending.more) result.morePending = true;
      const entryIds = options.entryIds ? [...new Set([...options.entryIds, ...pending.entryIds])] : undefined;
      const changedEntries = new Set<string>();
      for (const rule of job.rules) {
        const { entries, current } = await matchRule(sql, workspace, job, definition, rule, at, entryIds);
        result.rules.push({ rule: rule.name, entries });
        result.matched += entries.length;
        // In chunks, so a run over a big backlog never holds every matched entry's row, changes and alert in memory
        // at once; each chunk sees the chunks before it (one transaction), as the whole rule at once would.
        for (let start = 0; start < entries.length; start += applyChunk) {
          const effect = await applyRule(sql, workspace, job, definition, rule, entries.slice(start, start + applyChunk), at, { runId: result.runId, stormId: options.stormId ?? result.runId }, current);
          for (const id of effect.changed) changedEntries.add(id);
          result.notified += effect.notified;
        }
        await options.onProgress?.({ rule: rule.name, entries: entries.length });
      }
      result.changed = changedEntries.size;
      if (result.dryRun) throw new DryRunRollback(result);
      await recordRun(sql, result, workspace.clock.now(), { object: definition.name, through: pending.through });
      await clearEvaluated(sql, definition.name);
      if (result.notified > 0) workspace.db.afterCommit(() => wakeOutbox(workspace));
      if (result.matched >= checkpointAfter) workspace.db.afterCommit(() => checkpoint(workspace));
      return result;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result;
    throw error;
  }
}

/** The escalate action's tier field and the rank of the highest tier the rule raises to, if it escalates. */
function escalation(definition: ObjectDefinition, rule: JobRule): { field: FieldDefinition; tier: string; rank: number } | undefined {
  let best: { field: FieldDefinition; tier: string; rank: number } | undefined;
  for (const action of rule.then) {
    if (!('escalate' in action)) continue;
    const field = findField(definition, action.escalate.field ?? 'Escalation Tier');
    if (!field?.options) continue;
    const rank = field.options.indexOf(action.escalate.tier);
    if (!best || rank > best.rank) best = { field, tier: action.escalate.tier, rank };
  }
  return best;
}

/** SQL: the rank of an enum value in its options (-1 when empty or not an option). */
function rankSql(field: FieldDefinition, column: string, parameters: SqlParameters): string {
  const options = field.options ?? [];
  return `COALESCE(CASE ${column} ${options.map((option, index) => `WHEN ${parameters.add(option)} THEN ${index}`).join(' ')} END, -1)`;
}

/**
 * The WHERE (and joins) that select the entries a rule would fire on now: its filter, the rule's own guards
 * (`ruleGuards`), and no mute on the entry or the company it belongs to.
 */
export function ruleCondition(
  workspace: Workspace,
  job: JobDefinition,
  definition: ObjectDefinition,
  rule: JobRule,
  now: Date,
  parameters: SqlParameters,
  entryIds?: readonly string[],
): { where: string; joins: string[] } {
  const compiled = compileFilter(definition, rule.when, workspace.compileContext(now), parameters);
  const guards = [...ruleGuards(job, definition, rule, parameters, entryIds), notMutedSql(workspace, definition, now, parameters)];
  return { where: [compiled.where, ...guards].join(' AND '), joins: compiled.joins };
}

/**
 * What a rule adds to its filter: the entry is below the tier the rule raises to (escalation never lowers a tier,
 * and a rule that escalates does not fire on entries already at or above it), it is not in the ledger for this
 * rule, and (for a change) it is one of the given entries.
 */
export function ruleGuards(job: JobDefinition, definition: ObjectDefinition, rule: JobRule, parameters: SqlParameters, entryIds?: readonly string[]): string[] {
  const tests: string[] = [];
  const raise = escalation(definition, rule);
  if (raise) tests.push(`${rankSql(raise.field, `e.${quoteIdentifier(raise.field.column)}`, parameters)} < ${raise.rank}`);
  tests.push(
    `NOT EXISTS (SELECT 1 FROM job_ledger l WHERE l.job = ${parameters.add(job.name)} AND l.rule = ${parameters.add(rule.name)} AND l.entry_id = e.id)`,
  );
  if (entryIds) tests.push(`e.id IN (SELECT unnest(from_json(${parameters.add(JSON.stringify(entryIds))}, '["VARCHAR"]')))`);
  return tests;
}

async function matchRule(
  sql: Sql,
  workspace: Workspace,
  job: JobDefinition,
  definition: ObjectDefinition,
  rule: JobRule,
  now: Date,
  entryIds?: readonly string[],
): Promise<{ entries: string[]; current: Map<string, Row> }> {
  if (entryIds && entryIds.length === 0) return { entries: [], current: new Map() };
  const parameters = new SqlParameters();
  const condition = ruleCondition(workspace, job, definition, rule, now, parameters, entryIds);
  // The columns the rule writes come with the match (as they are now, in this transaction), so changing the entries
  // does not look each chunk up again in the whole table.
  const written = Object.keys(ruleValues(definition, rule)).flatMap((name) => {
    const field = findField(definition, name);
    return field && field.type !== 'action' ? [`e.${quoteIdentifier(field.column)}`] : [];
  });
  const rows = await sql.query<{ id: string }>(
    `SELECT ${['e.id', ...new Set(written)].join(', ')} FROM ${tableName(definition.name)} AS e ${condition.joins.join(' ')} WHERE ${condition.where} ORDER BY e.created_at, e.id`,
    parameters.values,
  );
  return { entries: rows.map((row) => row.id), current: new Map(rows.map((row) => [row.id, row])) };
}

/** The field values a rule's escalate and set actions write, in action order. */
function ruleValues(definition: ObjectDefinition, rule: JobRule): FieldValues {
  const values: FieldValues = {};
  for (const action of rule.then) {
    if ('escalate' in action) {
      const tierField = findField(definition, action.escalate.field ?? 'Escalation Tier');
      if (tierField) values[tierField.name] = action.escalate.tier;
      const status = findField(definition, 'Status');
      if (status?.type === 'enum' && status.options?.includes('Escalated')) values[status.name] = 'Escalated';
      const flag = findField(definition, 'Escalated');
      if (flag && flag.type !== 'action') values[flag.name] = flag.type === 'boolean' ? true : 'true';
    } else if ('set' in action) {
      Object.assign(values, action.set);
    }
  }
  return values;
}

async function applyRule(
  sql: Sql,
  workspace: Workspace,
  job: JobDefinition,
  definition: ObjectDefinition,
  rule: JobRule,
  entries: string[],
  at: Date,
  { runId, stormId }: { runId: string; stormId: string },
  current: ReadonlyMap<string, Row>,
): Promise<{ changed: Set<string>; notified: number }> {
  const values = ruleValues(definition, rule);
  const changed = new Set<string>();
  if (Object.keys(values).length > 0) {
    const changes = await updateEntries(workspace, definition.name, entries.map((id) => ({ id, values })), { by: changedByJob(job.name), at, currentRows: current });
    for (const change of changes) changed.add(change.entryId);
  }
  const ledger: unknown[][] = entries.map((id) => [job.name, rule.name, id, 'entry', definition.name, at, runId]);
  const messages: EnqueueInput[] = [];
  const notifications = rule.then.flatMap((action) => ('notify' in action ? [action.notify] : []));
  if (notifications.length > 0) {
    const escalated = rule.then.some((action) => 'escalate' in action);
    const { rows, related } = await readEntries(sql, workspace, definition, entries);
    const people = new Map<string, Address>();
    for (const id of entries) {
      const entry = rows.get(id);
      if (!entry) continue;
      const relatedRows = Object.fromEntries(Object.entries(related).map(([name, byId]) => [name, byId.get(String(entry[`__id ${name}`] ?? ''))]));
      const context = { job: job.name, rule: rule.name, definition, entry, related: relatedRows, escalated, now: at, timeZone: workspace.timeZone };
      const seen = new Set<string>();
      for (const notify of notifications) {
        const fieldValues: Row = {};
        for (const spec of notify.to) if (spec.startsWith('field:')) fieldValues[spec] = valueAtPath(context, spec.slice(6).trim());
        const addresses = await resolveRecipients(workspace, notify.to, { createdBy: job.created_by, values: fieldValues, cache: people });
        const text = alertText(notify.template, context);
        for (const address of addresses) {
          const target = `to:${addressKey(address)}`;
          if (seen.has(target)) continue;
          seen.add(target);
          ledger.push([job.name, rule.name, id, target, definition.name, at, runId]);
          messages.push({
            to: address,
            text,
            idempotencyKey: `${job.name}/${rule.name}/${id}/${addressKey(address)}`,
            payload: { kind: 'alert', object: definition.name, entryId: id, job: job.name, rule: rule.name, runId, stormId },
          });
        }
      }
    }
  }
  await insertRows(sql, 'job_ledger', ['job', 'rule', 'entry_id', 'target', 'object', 'fired_at', 'run_id'], ['', '', '', '', '', '::TIMESTAMPTZ', ''], ledger);
  const inserted = await insertMessages(sql, workspace, messages);
  return { changed, notified: inserted.filter(Boolean).length };
}

/** The entries as v_ rows (with their related entries' ids as "__id <Field>") and the related entries' v_ rows. */
async function readEntries(
  sql: Sql,
  workspace: Workspace,
  definition: ObjectDefinition,
  ids: readonly string[],
): Promise<{ rows: Map<string, Row>; related: Record<string, Map<string, Row>> }> {
  const relations = definition.fields.filter((field) => field.type === 'relation' && workspace.objects.has(field.relatedObject ?? ''));
  const relationColumns = relations.map((field) => `e.${quoteIdentifier(field.column)} AS ${quoteIdentifier(`__id ${field.name}`)}`);
  // The view's own columns, selected from the table narrowed to the ids first (not the view joined back to its table).
  const viewRows = (object: ObjectDefinition, extra: string[], wanted: readonly string[]) => {
    const { select, joins } = viewSelect(object, workspace.objects);
    return sql.query(
      `SELECT ${[...select, ...extra].join(', ')} FROM ${tableName(object.name)} AS e ${joins.join(' ')} WHERE e.id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`,
      [JSON.stringify(wanted)],
    );
  };
  const rows = await viewRows(definition, relationColumns, ids);
  const byId = new Map(rows.map((row) => [String(row.id), row]));
  const related: Record<string, Map<string, Row>> = {};
  for (const field of relations) {
    const wanted = [...new Set(rows.map((row) => row[`__id ${field.name}`]).filter((value): value is string => typeof value === 'string'))];
    const relatedRows = wanted.length ? await viewRows(workspace.object(field.relatedObject!), [], wanted) : [];
    related[field.name] = new Map(relatedRows.map((row) => [String(row.id), row]));
  }
  return { rows: byId, related };
}

/** Logs a failed run (outside the rolled-back transaction) and marks the job failing. Returns whether it was already failing. */
export async function recordFailure(workspace: Workspace, job: string, details: { trigger: RunTrigger; slot?: Date; startedAt: Date; error: string }): Promise<boolean> {
  await ensureJobTables(workspace.db);
  return workspace.db.transaction(async (sql) => {
    const before = await sql.query<{ failing: boolean }>('SELECT failing FROM job_state WHERE job = $1', [job]);
    await sql.run(
      `INSERT INTO job_runs (id, job, trigger, slot, started_at, finished_at, error) VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $5::TIMESTAMPTZ, $6::TIMESTAMPTZ, $7)`,
      [`r_${workspace.ids()}`, job, details.trigger, details.slot ?? null, details.startedAt, workspace.clock.now(), details.error],
    );
    await sql.run(
      `INSERT INTO job_state (job, last_slot, last_run_at, last_error, failing) VALUES ($1, $2::TIMESTAMPTZ, $3::TIMESTAMPTZ, $4, TRUE)
       ON CONFLICT (job) DO UPDATE SET last_slot = COALESCE(excluded.last_slot, job_state.last_slot), last_run_at = excluded.last_run_at, last_error = excluded.last_error, failing = TRUE`,
      [job, details.slot ?? null, details.startedAt, details.error],
    );
    return before[0]?.failing === true;
  });
}
