// Jobs with their state, for `escalator jobs list|show`, the agent's list_jobs and Telegram's /jobs: the file's keys,
// the active window, the next fire times that will really happen (in the job's zone), the last run and whether it is
// failing.
import type { Workspace } from '../objects/workspace';
import type { JobDefinition, ReportSpec } from './job-schema';
import { activeWindowOf, nextActiveSlots } from './active-hours';
import { describeSchedule, scheduleOf } from './schedule';
import { ensureJobTables } from './tables';

export interface JobState {
  last_run_at: string | null;
  last_slot: string | null;
  last_error: string | null;
  failing: boolean;
  runs: number;
  /** Entries the job's rules have fired on, all time. */
  fired: number;
}

export type JobWithState = JobDefinition & {
  schedule_description: string;
  /** When the job may act ("Mon–Fri 08:00–18:00 (Europe/Berlin)"), or null when always. */
  active_description: string | null;
  /** A report job's report in words, or null for a monitoring job. */
  report_description: string | null;
  /** The next three fire times that will really happen (inside the active window; ISO 8601, UTC), in the job's own time zone. */
  next_runs: string[];
  state: JobState;
};

export interface JobRunRow {
  id: string;
  trigger: string;
  slot: string | null;
  started_at: string;
  finished_at: string | null;
  matched: number;
  changed: number;
  notified: number;
  error: string | null;
}

const iso = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : null);

/** Each job with its state and next runs. */
export async function jobsWithState(workspace: Workspace, jobs: readonly JobDefinition[], now = workspace.clock.now()): Promise<JobWithState[]> {
  await ensureJobTables(workspace.db);
  const states = new Map(
    (
      await workspace.db.query(
        `SELECT s.job, s.last_run_at, s.last_slot, s.last_error, s.failing,
                (SELECT count(*) FROM job_runs r WHERE r.job = s.job) AS runs,
                (SELECT count(*) FROM job_ledger l WHERE l.job = s.job AND l.target = 'entry') AS fired
         FROM job_state s`,
      )
    ).map((row) => [String(row.job), row]),
  );
  return jobs.map((job) => {
    const row = states.get(job.name);
    const window = activeWindowOf(job, workspace);
    return {
      ...job,
      schedule_description: describeSchedule(job, workspace.timeZone),
      active_description: window?.text ?? null,
      report_description: job.report ? reportWords(job.report) : null,
      next_runs: job.enabled ? nextActiveSlots(scheduleOf(job, workspace.timeZone), window, now, 3).map((at) => at.toISOString()) : [],
      state: {
        last_run_at: iso(row?.last_run_at),
        last_slot: iso(row?.last_slot),
        last_error: (row?.last_error as string | null | undefined) ?? null,
        failing: row?.failing === true,
        runs: Number(row?.runs ?? 0),
        fired: Number(row?.fired ?? 0),
      },
    };
  });
}

/** The job's most recent runs, newest first. */
export async function recentRuns(workspace: Workspace, job: string, limit = 10): Promise<JobRunRow[]> {
  await ensureJobTables(workspace.db);
  const rows = await workspace.db.query(`SELECT * FROM job_runs WHERE job = $1 ORDER BY started_at DESC, finished_at DESC LIMIT ${Math.max(1, Math.floor(limit))}`, [job]);
  return rows.map((row) => ({
    id: String(row.id),
    trigger: String(row.trigger),
    slot: iso(row.slot),
    started_at: iso(row.started_at)!,
    finished_at: iso(row.finished_at),
    matched: Number(row.matched),
    changed: Number(row.changed),
    notified: Number(row.notified),
    error: (row.error as string | null) ?? null,
  }));
}

/** report-job (with the outbox and the chart renderer behind it) loads only when a listed job is a report job. */
function reportWords(report: ReportSpec): string {
  return (require('./report-job') as typeof import('./report-job.js')).reportWords(report);
}
