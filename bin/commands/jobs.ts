// escalator jobs list|show NAME|run NAME [--dry-run]|enable NAME|disable NAME: monitoring jobs and their state.
import { UsageError } from '../../objects/errors';
import { tableName, findField, quoteIdentifier } from '../../objects/object-schema';
import { formatTime } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';
import { loadJobsReport, readJob, setJobEnabled } from '../../jobs/job-files';
import { jobsWithState, recentRuns } from '../../jobs/job-status';
import type { JobRunResult } from '../../jobs/runner';
import type { ReportRunResult } from '../../jobs/report-job';
import { relative } from 'node:path';
import { parseFlags, type Command } from '../command';
import { formatTable, toJson } from '../format';

const usage = [
  'escalator jobs list [--json]',
  '       escalator jobs show NAME [--json]',
  '       escalator jobs run NAME [--dry-run] [--json]',
  '       escalator jobs enable NAME | disable NAME [--json]',
].join('\n');

/** Display names of entries, for showing what a run acted on. */
async function entryNames(workspace: Workspace, objectName: string, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const definition = workspace.object(objectName);
  const display = findField(definition, definition.displayField);
  const column = display && display.type !== 'action' ? quoteIdentifier(display.column) : 'id';
  const rows = await workspace.db.query<{ id: string; name: string | null }>(
    `SELECT id, ${column}::VARCHAR AS name FROM ${tableName(definition.name)} WHERE id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`,
    [JSON.stringify(ids)],
  );
  return new Map(rows.map((row) => [row.id, row.name ?? row.id]));
}

async function runText(workspace: Workspace, objectName: string, result: JobRunResult): Promise<string> {
  const names = await entryNames(workspace, objectName, result.rules.flatMap((rule) => rule.entries));
  const lines = [`${result.job} at ${formatTime(result.at, workspace.timeZone)}${result.dryRun ? ' (dry run: nothing changed)' : ''}`];
  for (const rule of result.rules) {
    lines.push(`  ${rule.rule}: ${rule.entries.length} entr${rule.entries.length === 1 ? 'y' : 'ies'}`);
    for (const id of rule.entries) lines.push(`    ${id}  ${names.get(id) ?? ''}`);
  }
  if (!result.dryRun) {
    lines.push(`matched ${result.matched}, changed ${result.changed}, queued ${result.notified} message${result.notified === 1 ? '' : 's'}${result.notified ? ' (see escalator outbox; serve or chat delivers them)' : ''}`);
  }
  return lines.join('\n');
}

export const jobsCommand: Command = {
  name: 'jobs',
  summary: 'monitoring jobs: list, show, run now (--dry-run), enable, disable',
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(context.argv, { json: { type: 'boolean' }, 'dry-run': { type: 'boolean' } }, usage);
    const [action = 'list', name] = positionals;
    const workspace = await context.openWorkspace();
    const now = context.clock.now();
    switch (action) {
      case 'list': {
        const { jobs, problems } = await loadJobsReport(workspace);
        for (const problem of problems) context.io.stderr(`escalator: skipped ${problem.message}`);
        const listed = await jobsWithState(workspace, jobs, now);
        if (values.json) return void context.io.stdout(toJson(listed));
        if (listed.length === 0) return void context.io.stdout('no jobs yet (jobs/<name>.job.yaml; or ask the agent: "every 30 minutes, check …")');
        context.io.stdout(
          formatTable(
            listed.map((job) => ({
              job: job.name,
              enabled: job.enabled ? 'yes' : 'no',
              object: job.report ? '—' : job.object,
              rules: job.report ? 'report' : job.rules.length,
              schedule: job.schedule_description,
              active: job.active_description ?? 'always',
              'next runs': job.next_runs.map((at) => formatTime(new Date(at), job.timezone ?? workspace.timeZone).slice(11)).join(', '),
              'last run': job.state.last_run_at ? formatTime(new Date(job.state.last_run_at), workspace.timeZone) : 'never',
              state: job.state.failing ? `failing: ${job.state.last_error}` : 'ok',
            })),
            { timeZone: workspace.timeZone, maxWidth: 60 },
          ),
        );
        return;
      }
      case 'show': {
        if (!name) throw new UsageError(`usage: ${usage}`);
        const [job] = await jobsWithState(workspace, [await readJob(workspace, name)], now);
        const runs = await recentRuns(workspace, name, 10);
        if (values.json) return void context.io.stdout(toJson({ ...job, recent_runs: runs }));
        const lines = [
          `${job!.name}${job!.enabled ? '' : ' (disabled)'} — ${job!.report ? 'report' : job!.object}, ${job!.schedule_description}`,
          ...(job!.description ? [job!.description] : []),
          ...(job!.report_description ? [`report: ${job!.report_description}`] : []),
          `active: ${job!.active_description ?? 'always'}${job!.active_description ? ' (outside it nothing runs or alerts; what came up runs once when it opens)' : ''}`,
          `next runs: ${job!.next_runs.map((at) => formatTime(new Date(at), job!.timezone ?? workspace.timeZone)).join(', ') || '—'} (${job!.timezone})`,
          `fired on ${job!.state.fired} entr${job!.state.fired === 1 ? 'y' : 'ies'} in ${job!.state.runs} run${job!.state.runs === 1 ? '' : 's'}${job!.state.failing ? `; failing: ${job!.state.last_error}` : ''}`,
          '',
        ];
        for (const rule of job!.rules) {
          lines.push(`rule ${rule.name}`, `  when ${JSON.stringify(rule.when)}`, `  then ${rule.then.map((step) => JSON.stringify(step)).join(', ')}`);
        }
        if (runs.length) {
          lines.push('', formatTable(runs.map((run) => ({ started: run.started_at && formatTime(new Date(run.started_at), workspace.timeZone), trigger: run.trigger, matched: run.matched, changed: run.changed, notified: run.notified, error: run.error ?? '' })), { timeZone: workspace.timeZone, maxWidth: 60 }));
        }
        context.io.stdout(lines.join('\n'));
        return;
      }
      case 'run': {
        if (!name) throw new UsageError(`usage: ${usage}`);
        const job = await readJob(workspace, name);
        // The runner (outbox, report jobs, charts) loads only for `jobs run`.
        const { runJob } = require('../../jobs/runner') as typeof import('../../jobs/runner.js');
        const result = await runJob(workspace, job, { dryRun: values['dry-run'] === true });
        if (values.json) {
          const report = 'report' in result ? (result as ReportRunResult).report : undefined;
          const shape = {
            job: result.job,
            at: result.at.toISOString(),
            rules: result.rules,
            ...(report ? { report: { text: report.text, chart: report.chart ? relative(workspace.dir, report.chart) : null, recipients: report.recipients.map((to) => ({ to: to.name ?? to.recipient, channel: to.channel })) } } : {}),
          };
          return void context.io.stdout(toJson(result.dryRun ? shape : { ...shape, matched: result.matched, changed: result.changed, notified: result.notified }));
        }
        if ('report' in result) {
          const report = (result as ReportRunResult).report;
          const sent = result.dryRun ? ' (dry run: nothing sent)' : `; queued ${result.notified} message${result.notified === 1 ? '' : 's'} to ${report.recipients.map((to) => to.name ?? to.recipient).join(', ') || 'nobody'}`;
          return void context.io.stdout(`${report.text}${report.chart ? `\nChart: ${relative(workspace.dir, report.chart)}` : ''}\n${sent.replace(/^; /, '')}`);
        }
        context.io.stdout(await runText(workspace, job.object, result));
        return;
      }
      case 'enable':
      case 'disable': {
        if (!name) throw new UsageError(`usage: ${usage}`);
        const job = await setJobEnabled(workspace, name, action === 'enable');
        if (values.json) return void context.io.stdout(toJson((await jobsWithState(workspace, [job], now))[0]));
        context.io.stdout(`${job.name} ${job.enabled ? 'enabled' : 'disabled'}`);
        return;
      }
      default:
        throw new UsageError(`unknown jobs action "${action}"\nusage: ${usage}`);
    }
  },
};
