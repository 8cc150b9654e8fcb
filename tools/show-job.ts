// show_job: one monitoring job in full — its rules as JSON in the form update_job takes, their words, and its last runs.
import { z } from 'zod';
import { readJob } from '../jobs/job-files';
import { describeSchedule, nextRuns } from '../jobs/schedule';
import { ensureJobTables } from '../jobs/tables';
import type { Workspace } from '../objects/workspace';
import { reportWords } from '../jobs/report-job';
import { ruleWords } from './job-words';
import { toolTime } from './results';
import { defineTool } from './tool';

export function showJobTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'show_job',
    description:
      'Show one monitoring job in full: schedule, each rule as JSON (when/then, exactly as update_job\'s replace_rule takes it) and in words, next run and its last runs with what they did. Use before changing a rule.',
    inputSchema: z.object({
      name: z.string().describe('The job, e.g. support-escalation'),
      runs: z.number().int().min(0).max(20).default(3).describe('How many of its last runs to include (default 3)'),
    }),
    async run(input) {
      const { workspace } = deps;
      const job = await readJob(workspace, input.name);
      await ensureJobTables(workspace.db);
      const zone = job.timezone ?? workspace.timeZone;
      const runs = await workspace.db.query<{ trigger: string; started_at: Date; matched: number; changed: number; notified: number; error: string | null }>(
        `SELECT trigger, started_at, matched, changed, notified, error FROM job_runs WHERE job = $1 ORDER BY started_at DESC LIMIT ${input.runs}`,
        [job.name],
      );
      return {
        job: job.name,
        ...(job.report ? { report: job.report, report_words: reportWords(job.report) } : { object: job.object }),
        ...(job.description ? { description: job.description } : {}),
        enabled: job.enabled,
        schedule: job.schedule,
        schedule_words: describeSchedule(job, workspace.timeZone),
        timezone: zone,
        ...(job.active ? { active: job.active } : {}),
        ...(job.enabled ? { next_run: toolTime(nextRuns(job, workspace.clock.now(), 1, workspace.timeZone, workspace)[0]!, zone) } : {}),
        ...(job.created_by ? { created_by: job.created_by } : {}),
        ...(job.report ? {} : { rules: job.rules.map((rule) => ({ ...rule, says: ruleWords(rule) })) }),
        last_runs: runs.map((run) => ({
          at: toolTime(run.started_at, zone),
          trigger: run.trigger,
          matched: Number(run.matched),
          changed: Number(run.changed),
          notified: Number(run.notified),
          ...(run.error ? { error: run.error } : {}),
        })),
      };
    },
  });
}
