// list_jobs: the monitoring jobs, their schedules, next and last runs, and any job file that does not validate.
import { z } from 'zod';
import { loadJobsReport } from '../jobs/job-files';
import { describeSchedule, nextRuns } from '../jobs/schedule';
import { ensureJobTables } from '../jobs/tables';
import { reportWords } from '../jobs/report-job';
import type { Workspace } from '../objects/workspace';
import { ruleWords } from './job-words';
import { toolTime } from './results';
import { defineTool } from './tool';

export interface JobListing {
  name: string;
  /** The object a monitoring job watches; absent for a report job. */
  object?: string;
  /** A report job's report in words. */
  report?: string;
  enabled: boolean;
  schedule: string;
  next_run?: string;
  last_run?: string;
  last_error?: string;
  rules: { name: string; says: string }[];
}

/** Every job with its state; broken job files listed as problems. */
export async function listJobs(workspace: Workspace): Promise<{ jobs: JobListing[]; problems: { file: string; message: string }[] }> {
  const { jobs, problems } = await loadJobsReport(workspace);
  await ensureJobTables(workspace.db);
  const states = new Map(
    (await workspace.db.query<{ job: string; last_run_at: Date | null; last_error: string | null }>(`SELECT job, last_run_at, last_error FROM job_state`)).map((row) => [row.job, row]),
  );
  const now = workspace.clock.now();
  return {
    jobs: jobs.map((job) => {
      const state = states.get(job.name);
      const zone = job.timezone ?? workspace.timeZone;
      const listing: JobListing = {
        name: job.name,
        ...(job.report ? { report: reportWords(job.report) } : { object: job.object }),
        enabled: job.enabled,
        schedule: describeSchedule(job, workspace.timeZone),
        rules: job.rules.map((rule) => ({ name: rule.name, says: ruleWords(rule) })),
      };
      const next = job.enabled ? nextRuns(job, now, 1, workspace.timeZone, workspace)[0] : undefined;
      if (next) listing.next_run = toolTime(next, zone);
      if (state?.last_run_at) listing.last_run = toolTime(state.last_run_at, zone);
      if (state?.last_error) listing.last_error = state.last_error;
      return listing;
    }),
    problems: problems.map((problem) => ({ file: problem.file, message: problem.message })),
  };
}

export function listJobsTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'list_jobs',
    description: 'List the jobs (monitoring jobs with rules, and report jobs): schedule, rules or report in words, enabled or not, next and last run (local ISO time with offset), last error. For one job\'s rules as JSON (to change one rule with update_job), use show_job.',
    inputSchema: z.object({}),
    async run() {
      return { ...(await listJobs(deps.workspace)) };
    },
  });
}
