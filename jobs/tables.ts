// The jobs layer's tables: escalation ledger, run log, per-job state, the entries still to evaluate, mutes and the
// outbox, created on first use.
import type { Database, Sql } from '../objects/database';
import { insertRows } from '../objects/entries';

const ready = new WeakSet<Database>();

/** Creates the jobs tables if missing (once per open database). */
export async function ensureJobTables(db: Database): Promise<void> {
  if (ready.has(db)) return;
  await db.transaction(async (sql) => createTables(sql));
  // Inside a caller's transaction the tables exist only once it commits: a rollback undoes them, so they are marked
  // ready then, never before (afterCommit runs at once when there is no outer transaction).
  db.afterCommit(() => ready.add(db));
}

/**
 * One row per (job, rule, entry, target): a rule fires once per entry; the targets say what it did and to whom.
 * Exported because v_escalations (objects/escalations-view.ts) reads a rule's name from it, so schema-sync creates it
 * with the views.
 */
export const jobLedgerSql = `CREATE TABLE IF NOT EXISTS job_ledger (
    job VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    entry_id VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    object VARCHAR NOT NULL,
    fired_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (job, rule, entry_id, target)
  )`;

async function createTables(sql: Sql): Promise<void> {
  // One row per (job, rule, entry, target): a rule fires once per entry; the targets say what it did and to whom.
  await sql.run(jobLedgerSql);
  await sql.run(`CREATE TABLE IF NOT EXISTS job_runs (
    id VARCHAR PRIMARY KEY,
    job VARCHAR NOT NULL,
    trigger VARCHAR NOT NULL,
    slot TIMESTAMPTZ,
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    matched INTEGER NOT NULL DEFAULT 0,
    changed INTEGER NOT NULL DEFAULT 0,
    notified INTEGER NOT NULL DEFAULT 0,
    error VARCHAR
  )`);
  await sql.run(`CREATE TABLE IF NOT EXISTS job_state (
    job VARCHAR PRIMARY KEY,
    last_slot TIMESTAMPTZ,
    last_run_at TIMESTAMPTZ,
    last_error VARCHAR,
    failing BOOLEAN NOT NULL DEFAULT FALSE
  )`);
  // How far each job has evaluated pending_evaluations (by sequence), and on which object; added to older files.
  await sql.run('ALTER TABLE job_state ADD COLUMN IF NOT EXISTS object VARCHAR');
  await sql.run('ALTER TABLE job_state ADD COLUMN IF NOT EXISTS evaluated_through BIGINT');
  // When the job last evaluated every entry, and under which definition (restart-scope.ts): a restart evaluates only
  // what came up since, unless the definition changed.
  await sql.run('ALTER TABLE job_state ADD COLUMN IF NOT EXISTS full_evaluated_at TIMESTAMPTZ');
  await sql.run('ALTER TABLE job_state ADD COLUMN IF NOT EXISTS evaluated_fingerprint VARCHAR');
  // Entries committed (by ingestion) that the jobs on their object must still evaluate: written in the same
  // transaction as the entry, so a process killed before its immediate run leaves the row for the next start.
  await sql.run('CREATE SEQUENCE IF NOT EXISTS pending_evaluation_sequence');
  await sql.run(`CREATE TABLE IF NOT EXISTS pending_evaluations (
    seq BIGINT NOT NULL DEFAULT nextval('pending_evaluation_sequence'),
    object VARCHAR NOT NULL,
    entry_id VARCHAR NOT NULL,
    queued_at TIMESTAMPTZ NOT NULL
  )`);
  // One row per muted entry (an entry, or a company covering its tickets): jobs leave it alone until `until`. A
  // lifted mute keeps its row with `until` moved to the moment it was lifted.
  await sql.run(`CREATE TABLE IF NOT EXISTS mutes (
    object VARCHAR NOT NULL,
    entry_id VARCHAR NOT NULL,
    until TIMESTAMPTZ NOT NULL,
    muted_by VARCHAR NOT NULL,
    reason VARCHAR,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (object, entry_id)
  )`);
  await sql.run('CREATE SEQUENCE IF NOT EXISTS outbox_sequence');
  await sql.run(`CREATE TABLE IF NOT EXISTS outbox (
    id VARCHAR PRIMARY KEY,
    sequence BIGINT NOT NULL DEFAULT nextval('outbox_sequence'),
    idempotency_key VARCHAR NOT NULL UNIQUE,
    channel VARCHAR NOT NULL,
    recipient VARCHAR NOT NULL,
    recipient_name VARCHAR,
    text VARCHAR NOT NULL,
    payload VARCHAR NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    state VARCHAR NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error VARCHAR,
    delivered_at TIMESTAMPTZ,
    remote_id VARCHAR,
    run_id VARCHAR,
    covered_by VARCHAR,
    restart_resends INTEGER DEFAULT 0,
    storm_id VARCHAR
  )`);
  // Files made before these columns: the job run an alert came from, the digest that covers it, and how often it was
  // sent again because a process died while sending it.
  await sql.run('ALTER TABLE outbox ADD COLUMN IF NOT EXISTS run_id VARCHAR');
  await sql.run('ALTER TABLE outbox ADD COLUMN IF NOT EXISTS covered_by VARCHAR');
  await sql.run('ALTER TABLE outbox ADD COLUMN IF NOT EXISTS restart_resends INTEGER DEFAULT 0');
  // The storm (a burst of runs) an alert or digest belongs to: alerts past the limit share its digest.
  await sql.run('ALTER TABLE outbox ADD COLUMN IF NOT EXISTS storm_id VARCHAR');
}

/**
 * Records, inside the caller's transaction, that these entries of `object` still need evaluating by the jobs on it.
 * Each job run takes the rows past its own mark into its transaction (see runner's `takePending`), so the entry is
 * evaluated once its commit is durable even if the process dies before the run that was meant to follow it.
 */
export async function queueEvaluations(sql: Sql, object: string, entryIds: readonly string[], at: Date): Promise<void> {
  if (entryIds.length === 0) return;
  await insertRows(sql, 'pending_evaluations', ['object', 'entry_id', 'queued_at'], ['', '', '::TIMESTAMPTZ'], [...new Set(entryIds)].map((id) => [object, id, at]));
}

/** Entries past a job's mark: what its next run must include, and the mark that run moves the job to. */
export interface PendingEvaluations {
  entryIds: string[];
  /** The highest sequence taken, undefined when nothing is pending for the job. */
  through: number | undefined;
  /** More rows wait past `through` than `limit` let the run take. */
  more: boolean;
}

/**
 * The entries of `object` queued since `job` last evaluated, oldest first (read inside the run's transaction). With
 * `limit`, at most that many rows: the mark then covers exactly the rows taken, and the rest wait for the next run.
 */
export async function pendingFor(sql: Sql, job: string, object: string, limit?: number): Promise<PendingEvaluations> {
  const rows = await sql.query<{ through: number | null; ids: string[] | null; taken: number; more: boolean }>(
    `WITH due AS (
       SELECT seq, entry_id FROM pending_evaluations
       WHERE object = $2 AND seq > COALESCE((SELECT evaluated_through FROM job_state WHERE job = $1), 0)
     ), taken AS (SELECT seq, entry_id FROM due ORDER BY seq LIMIT $3)
     SELECT (SELECT max(seq) FROM taken) AS through, (SELECT list(DISTINCT entry_id) FROM taken) AS ids,
            (SELECT count(*) FROM due) > (SELECT count(*) FROM taken) AS more`,
    [job, object, limit ?? null],
  );
  const row = rows[0];
  return { entryIds: row?.ids ?? [], through: row?.through ?? undefined, more: row?.more === true };
}

/**
 * Deletes the rows of `object` that every job on it has evaluated (inside a run's transaction, after its job_state
 * row moved its mark). A job that is disabled or gone is let go with `releasePending`, so it holds nothing back.
 */
export async function clearEvaluated(sql: Sql, object: string): Promise<void> {
  await sql.run(
    `DELETE FROM pending_evaluations WHERE object = $1
       AND seq <= (SELECT min(evaluated_through) FROM job_state WHERE object = $1 AND evaluated_through IS NOT NULL)`,
    [object],
  );
}

/** A job no longer scheduled (disabled, removed): its mark stops holding back the rows of its object. */
export async function releasePending(db: Database, job: string): Promise<void> {
  await ensureJobTables(db);
  await db.run('UPDATE job_state SET object = NULL, evaluated_through = NULL WHERE job = $1', [job]);
}
