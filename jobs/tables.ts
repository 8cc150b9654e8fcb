// The jobs layer's tables: escalation ledger, run log, per-job state and the outbox, created on first use.
import type { Database, Sql } from '../objects/database';

const ready = new WeakSet<Database>();

/** Creates the jobs tables if missing (once per open database). */
export async function ensureJobTables(db: Database): Promise<void> {
  if (ready.has(db)) return;
  await db.transaction(async (sql) => createTables(sql));
  ready.add(db);
}

async function createTables(sql: Sql): Promise<void> {
  // One row per (job, rule, entry, target): a rule fires once per entry; the targets say what it did and to whom.
  await sql.run(`CREATE TABLE IF NOT EXISTS job_ledger (
    job VARCHAR NOT NULL,
    rule VARCHAR NOT NULL,
    entry_id VARCHAR NOT NULL,
    target VARCHAR NOT NULL,
    object VARCHAR NOT NULL,
    fired_at TIMESTAMPTZ NOT NULL,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (job, rule, entry_id, target)
  )`);
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
    restart_resends INTEGER DEFAULT 0
  )`);
  // Files made before these columns: the job run an alert came from, the digest that covers it, and how often it was
  // sent again because a process died while sending it.
  await sql.run('ALTER TABLE outbox ADD COLUMN IF NOT EXISTS run_id VARCHAR');
  await sql.run('ALTER TABLE outbox ADD COLUMN IF NOT EXISTS covered_by VARCHAR');
  await sql.run('ALTER TABLE outbox ADD COLUMN IF NOT EXISTS restart_resends INTEGER DEFAULT 0');
}
