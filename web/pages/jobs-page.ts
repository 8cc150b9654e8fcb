// The jobs page: each monitoring job's rules in words (as the agent says them back), when it may act, its next
// runs, its recent runs with their counts, and a pause/resume button.
import { formatTime } from '../../objects/values';
import { activeWords, ruleWords, scheduleOnlyNote } from '../../tools/job-words';
import { activeWindowOf } from '../../jobs/active-hours';
import type { JobRunRow } from '../../jobs/job-status';
import type { Workspace } from '../../objects/workspace';
import { html, type SafeHtml } from '../html';
import type { JobsPageData } from '../job-data';

export interface JobsPageContext extends JobsPageData {
  workspace: Pick<Workspace, 'timeZone' | 'config'>;
  csrf: string;
  notice?: { text: string; error: boolean };
}

const at = (iso: string | null, timeZone: string) => (iso ? formatTime(new Date(iso), timeZone) : '');

export function renderJobsPage(context: JobsPageContext): SafeHtml {
  const zone = context.workspace.timeZone;
  return html`<h1>Jobs</h1>
${context.notice ? html`<p class="notice${context.notice.error ? ' error' : ''}" role="status">${context.notice.text}</p>` : ''}
${context.problems.map((problem) => html`<p class="notice error">${problem.file}: ${problem.message}</p>`)}
${context.jobs.length ? context.jobs.map(({ job, runs, lastSwitch }) => {
    const timeZone = job.timezone ?? zone;
    const heading = `job-${job.name}`;
    // Who switched it on the board, shown only while the job is still as they left it (a CLI or agent change since
    // keeps no author, and "Paused by …" beside a running job would mislead).
    let window: string | null;
    try {
      window = activeWords(activeWindowOf(job, context.workspace));
    } catch (error) {
      window = `active window unreadable: ${error instanceof Error ? error.message : String(error)}`;
    }
    return html`<section class="panel job" id="${heading}" aria-labelledby="${heading}-name">
<h2 id="${heading}-name">${job.name} <small>${job.enabled ? 'enabled' : 'paused'}</small></h2>
${job.description ? html`<p>${job.description}</p>` : ''}
<dl>
<dt>${job.report_description ? 'Sends' : 'Watches'}</dt><dd>${job.report_description ?? job.object}, ${job.schedule_description}</dd>
<dt>Active</dt><dd>${window ?? 'always'}${scheduleOnlyNote(job) ? html`<br><small>${scheduleOnlyNote(job)}</small>` : ''}</dd>
<dt>Next runs</dt><dd>${job.enabled ? (job.next_runs.length ? html`<ul class="next-runs">${job.next_runs.map((run) => html`<li>${at(run, timeZone)}</li>`)}</ul>` : 'none scheduled') : 'none: the job is paused'}</dd>
<dt>Totals</dt><dd>${job.state.runs} run${job.state.runs === 1 ? '' : 's'}, fired on ${job.state.fired} entr${job.state.fired === 1 ? 'y' : 'ies'}${job.state.failing ? html`; <span class="sla breached">failing: ${job.state.last_error ?? ''}</span>` : ''}</dd>
${lastSwitch && lastSwitch.enabled === job.enabled ? html`<dt>${lastSwitch.enabled ? 'Resumed' : 'Paused'}</dt><dd class="by">by ${lastSwitch.changedBy} at ${formatTime(lastSwitch.changedAt, zone)}</dd>` : ''}
</dl>
<h3>Rules</h3>
<ol class="rules">${job.rules.map((rule) => html`<li><strong>${rule.name}</strong>: ${ruleWords(rule)}</li>`)}</ol>
<h3>Recent runs</h3>
${runs.length ? renderRuns(runs, zone) : html`<p>No runs yet.</p>`}
<form method="post" action="/jobs/${encodeURIComponent(job.name)}/enabled"><input type="hidden" name="csrf" value="${context.csrf}">
<input type="hidden" name="enabled" value="${job.enabled ? 'false' : 'true'}">
<button type="submit" data-job="${job.name}">${job.enabled ? `Pause ${job.name}` : `Resume ${job.name}`}</button></form>
</section>`;
  }) : html`<p>No jobs yet. Tell the agent: "Every 30 minutes, check for support tickets that meet these escalation criteria: …"</p>`}`;
}

function renderRuns(runs: JobRunRow[], timeZone: string): SafeHtml {
  return html`<div style="overflow-x:auto"><table class="runs"><thead><tr><th scope="col">Started</th><th scope="col">Trigger</th><th scope="col">Matched</th><th scope="col">Changed</th><th scope="col">Notified</th><th scope="col">Outcome</th></tr></thead>
<tbody>${runs.map((run) => html`<tr><td>${at(run.started_at, timeZone)}</td><td>${run.trigger}</td><td>${run.matched}</td><td>${run.changed}</td><td>${run.notified}</td>
<td>${run.error ? html`<span class="sla breached">${run.error}</span>` : run.finished_at ? 'ok' : 'running'}</td></tr>`)}</tbody></table></div>`;
}
