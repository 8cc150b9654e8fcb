// The run log and job state a finished run writes, inside the run's own transaction.
import type { Sql } from '../objects/database';
import type { Workspace } from '../objects/workspace';
import type { JobRunResult, RunTrigger } from './runner';

/** A run's result before it has done anything: a new run id, the time it started, no counts. */
export function startedRun(workspace: Workspace, job: string, options: { trigger?: RunTrigger; slot?: Date; dryRun?: boolean }): JobRunResult {
  const result: JobRunResult = {
    job,
    runId: `r_${workspace.ids()}`,
    at: workspace.clock.now(),
    trigger: options.trigger ?? 'manual',
    dryRun: options.dryRun === true,
    rules: [],
    matched: 0,
    changed: 0,
    notified: 0,
  };
  if (options.slot) result.slot = options.slot;
  return result;
}

/**
 * Logs the run and moves the job's state on — its last slot and run, and its mark in pending_evaluations (same
 * transaction as its effects: a killed run leaves neither, and its pending entries stay pending).
 */
export async function recordRun(sql: Sql, result: JobRunResult, finishedAt: Date, evaluated: { object: string | null; through: number | undefined }): Promise<void> {
  await sql.run(
    `INSERT INTO job_runs (id, job, trigger, slot, started_at, finished_at, matched, changed, notified) VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $5::TIMESTAMPTZ, $9::TIMESTAMPTZ, $6, $7, $8)`,
    [result.runId, result.job, result.trigger, result.slot ?? null, result.at, result.matched, result.changed, result.notified, finishedAt],
  );
  await sql.run(
    `INSERT INTO job_state (job, last_slot, last_run_at, last_error, failing, object, evaluated_through) VALUES ($1, $2::TIMESTAMPTZ, $3::TIMESTAMPTZ, NULL, FALSE, $4, COALESCE($5::BIGINT, 0))
     ON CONFLICT (job) DO UPDATE SET last_slot = COALESCE(excluded.last_slot, job_state.last_slot), last_run_at = excluded.last_run_at, last_error = NULL, failing = FALSE,
       object = excluded.object, evaluated_through = greatest(COALESCE(job_state.evaluated_through, 0), excluded.evaluated_through)`,
    [result.job, result.slot ?? null, result.at, evaluated.object, evaluated.through ?? null],
  );
}

