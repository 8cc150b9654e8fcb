// What the jobs page shows, read from the workspace: each job with its state and next runs, its recent runs with
// their counts, and who last paused or resumed it from the board — and that pause/resume itself, recorded as
// `web:<person>` (job files keep no author, so the board keeps its own record of who switched a job).
import { loadJobsReport, readJob, setJobEnabled, type JobProblem } from '../jobs/job-files';
import { jobsWithState, recentRuns, type JobRunRow, type JobWithState } from '../jobs/job-status';
import type { Database } from '../objects/database';
import type { Workspace } from '../objects/workspace';

export interface JobSwitch {
  enabled: boolean;
  changedBy: string;
  changedAt: Date;
}

export interface JobsPageData {
  jobs: { job: JobWithState; runs: JobRunRow[]; lastSwitch: JobSwitch | undefined }[];
  problems: JobProblem[];
}

/** How many of each job's runs the page lists. */
export const runsShown = 5;

const ready = new WeakSet<Database>();

async function ensureSwitchTable(db: Database): Promise<void> {
  if (ready.has(db)) return;
  await db.run(`CREATE TABLE IF NOT EXISTS web_job_switches (job VARCHAR NOT NULL, enabled BOOLEAN NOT NULL,
    changed_by VARCHAR NOT NULL, changed_at TIMESTAMPTZ NOT NULL)`);
  ready.add(db);
}

/** Every job with its state, its latest runs and its latest switch from the board; files that do not load as problems. */
export async function loadJobsPage(workspace: Workspace, now: Date): Promise<JobsPageData> {
  const { jobs, problems } = await loadJobsReport(workspace);
  await ensureSwitchTable(workspace.db);
  const switches = new Map(
    (
      await workspace.db.query<{ job: string; enabled: boolean; changed_by: string; changed_at: Date }>(
        `SELECT job, arg_max(enabled, changed_at) AS enabled, arg_max(changed_by, changed_at) AS changed_by, max(changed_at) AS changed_at
           FROM web_job_switches GROUP BY job`,
      )
    ).map((row) => [row.job, { enabled: row.enabled, changedBy: row.changed_by, changedAt: row.changed_at }]),
  );
  const withState = await jobsWithState(workspace, jobs, now);
  const rows = [];
  for (const job of withState) rows.push({ job, runs: await recentRuns(workspace, job.name, runsShown), lastSwitch: switches.get(job.name) });
  return { jobs: rows, problems };
}

/**
 * Pauses or resumes a job for a person on the board: rewrites its file (the scheduler picks that up at once) and
 * records who did it. Returns whether anything changed (a job already in that state is left alone and not recorded).
 */
export async function switchJob(workspace: Workspace, options: { name: string; enabled: boolean; by: string; at: Date }): Promise<boolean> {
  const current = await readJob(workspace, options.name);
  if (current.enabled === options.enabled) return false;
  await setJobEnabled(workspace, current.name, options.enabled);
  await ensureSwitchTable(workspace.db);
  await workspace.db.run('INSERT INTO web_job_switches VALUES ($1, $2, $3, $4::TIMESTAMPTZ)', [current.name, options.enabled, options.by, options.at]);
  return true;
}
