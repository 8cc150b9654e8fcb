// /sla and /jobs: the SLA clocks of open tickets and the monitoring jobs with their next runs, as plain text.
import { formatDuration } from '../../objects/duration';
import { formatTime } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';
import { loadJobs } from '../../jobs/job-files';
import { jobsWithState } from '../../jobs/job-status';
import { slaStatus, type SlaClock } from '../../jobs/sla';

const stateIcon = { breached: '🔴', at_risk: '🟠', within: '🟢' } as const;

/** Open tickets worst first: breached, then at risk (the within ones counted only). */
export async function slaText(workspace: Workspace): Promise<string> {
  const rows = await slaStatus(workspace);
  if (rows.length === 0) return 'No open tickets.';
  const order = { breached: 0, at_risk: 1, within: 2 };
  const urgent = rows.filter((row) => row.state !== 'within').sort((a, b) => order[a.state] - order[b.state]);
  const lines = [
    `SLA of ${rows.length} open ticket${rows.length === 1 ? '' : 's'} (${rows[0]!.hours} hours): ${rows.filter((row) => row.state === 'breached').length} breached, ${rows.filter((row) => row.state === 'at_risk').length} at risk, ${rows.filter((row) => row.state === 'within').length} within.`,
  ];
  for (const row of urgent.slice(0, 20)) {
    lines.push(
      `${stateIcon[row.state]} [${(row.priority ?? '?').split(' - ')[0]}] ${row.title}${row.customer ? ` · ${row.customer}` : ''} — first response ${clockText(row.firstResponse)}; resolution ${clockText(row.resolution)} (${row.id})`,
    );
  }
  if (urgent.length > 20) lines.push(`… ${urgent.length - 20} more (escalator sla on the command line)`);
  return lines.join('\n');
}

/** Each job: schedule, next run, last run and whether it is failing. */
export async function jobsText(workspace: Workspace): Promise<string> {
  const jobs = await jobsWithState(workspace, await loadJobs(workspace));
  if (jobs.length === 0) return 'No monitoring jobs yet. Tell me what to watch, e.g. "every 30 minutes, escalate P1 tickets with no first response after 30 minutes to Tier 2".';
  return jobs
    .map((job) => {
      const next = job.next_runs[0] ? formatTime(new Date(job.next_runs[0]), workspace.timeZone) : '—';
      const last = job.state.last_run_at ? formatTime(new Date(job.state.last_run_at), workspace.timeZone) : 'never';
      const flags = [job.enabled === false ? 'disabled' : '', job.state.failing ? `FAILING: ${job.state.last_error ?? ''}` : ''].filter(Boolean).join(', ');
      return `${job.name} — ${job.schedule_description}; ${job.report_description ? `report: ${job.report_description}` : `${job.rules.length} rule${job.rules.length === 1 ? '' : 's'} on ${job.object}`}; next ${next}; last ${last}; fired on ${job.state.fired}${flags ? ` (${flags})` : ''}`;
    })
    .join('\n');
}

function clockText(clock: SlaClock | null): string {
  if (!clock) return '—';
  if (clock.state === 'met') return 'met';
  return clock.remainingMs >= 0 ? `${formatDuration(clock.remainingMs)} left` : `${formatDuration(-clock.remainingMs)} over`;
}
