// The reports page: escalations of an object per month or quarter, stacked by the account tier at the time, as an SVG
// chart drawn on the server (with a <title> and <desc> for screen readers) and the same numbers in a table below it.
import { html, type SafeHtml } from '../html';
import type { EscalationReport } from '../report-data';

/** Bar colours per tier, in tier order; each segment also carries its tier and count in a <title>. */
const palette = ['#0550ae', '#bf8700', '#1a7f37', '#8250df', '#cf222e', '#57606a', '#0a3069', '#953800'];
const tierColour = (index: number) => palette[index % palette.length]!;

const count = (report: EscalationReport, period: string, tier: string) => report.counts[period]?.[tier] ?? 0;
const periodTotal = (report: EscalationReport, period: string) => report.tiers.reduce((sum, tier) => sum + count(report, period, tier), 0);

/** The page when no object has a tier field (nothing can be escalated). */
export function renderNoReports(): SafeHtml {
  return html`<h1>Reports</h1><p>No object has a tier field (such as Escalation Tier), so there are no escalations to report.</p>`;
}

/** The report of `report.object`; `objects` are the objects that can be reported (a choice when more than one). */
export function renderReportsPage(report: EscalationReport, objects: readonly string[] = [report.object]): SafeHtml {
  const { filters } = report;
  const periodWord = filters.period === 'month' ? 'month' : 'quarter';
  const objectQuery = objects.length > 1 ? `&object=${encodeURIComponent(report.object)}` : '';
  return html`<h1>Reports</h1>
<form class="toolbar" method="get" action="/reports" aria-label="Report filters">
${objects.length > 1 ? html`<label for="object">Of</label><select id="object" name="object">${objects.map((object) => html`<option${object === report.object ? html` selected` : ''}>${object}</option>`)}</select>` : ''}
<label for="period">Per</label><select id="period" name="period">${(['month', 'quarter'] as const).map((period) => html`<option value="${period}"${period === filters.period ? html` selected` : ''}>${period}</option>`)}</select>
<label for="from">From</label><input id="from" name="from" type="month" value="${filters.from ?? ''}">
<label for="to">To</label><input id="to" name="to" type="month" value="${filters.to ?? ''}">
<button type="submit">Show</button>
<a href="/reports?period=month${objectQuery}">Monthly</a> <a href="/reports?period=quarter${objectQuery}">Quarterly</a>
</form>
<section class="panel" aria-labelledby="escalations-heading"><h2 id="escalations-heading">Escalations per ${periodWord} by account tier</h2>
<p>${report.total} escalation${report.total === 1 ? '' : 's'} of ${report.object}, counted in the ${periodWord} they happened (from the escalation history, v_escalations), by the account tier at the time of each escalation.</p>
${report.total === 0 ? html`<p>No escalations in this period yet.</p>` : html`${renderChart(report)}${renderTable(report)}`}
</section>`;
}

function renderTable(report: EscalationReport): SafeHtml {
  const periodWord = report.filters.period === 'month' ? 'Month' : 'Quarter';
  return html`<div style="overflow-x:auto"><table id="escalations-table"><caption>Escalations per ${periodWord.toLowerCase()} and account tier</caption>
<thead><tr><th scope="col">${periodWord}</th>${report.tiers.map((tier) => html`<th scope="col">${tier}</th>`)}<th scope="col">Total</th></tr></thead>
<tbody>${report.periods.map((period) => html`<tr data-period="${period}"><th scope="row">${period}</th>${report.tiers.map((tier) => html`<td data-tier="${tier}">${count(report, period, tier)}</td>`)}<td data-tier="Total">${periodTotal(report, period)}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">Total</th>${report.tiers.map((tier) => html`<td>${report.periods.reduce((sum, period) => sum + count(report, period, tier), 0)}</td>`)}<td>${report.total}</td></tr></tfoot>
</table></div>`;
}

/** A step for the y axis giving at most ~5 gridlines: 1, 2, 5, 10, 20, 50 … */
function niceStep(max: number): number {
  for (let scale = 1; ; scale *= 10) for (const step of [1, 2, 5]) if (max / (step * scale) <= 5) return step * scale;
}

function renderChart(report: EscalationReport): SafeHtml {
  const width = 760;
  const height = 320;
  const margin = { top: 16, right: 16, bottom: 56, left: 52 };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const largest = Math.max(1, ...report.periods.map((period) => periodTotal(report, period)));
  const step = niceStep(largest);
  const top = Math.ceil(largest / step) * step;
  const y = (value: number) => margin.top + plotHeight - (value / top) * plotHeight;
  const slot = plotWidth / report.periods.length;
  const barWidth = Math.min(56, slot * 0.7);
  const ticks = Array.from({ length: top / step + 1 }, (_, index) => index * step);
  const periodWord = report.filters.period === 'month' ? 'Month' : 'Quarter';
  const description = report.periods
    .map((period) => `${period}: ${periodTotal(report, period)} (${report.tiers.map((tier) => `${tier} ${count(report, period, tier)}`).join(', ')})`)
    .join('; ');
  const bars = report.periods.map((period, index) => {
    const x = margin.left + slot * index + (slot - barWidth) / 2;
    let base = 0;
    const segments = report.tiers.map((tier, tierIndex) => {
      const value = count(report, period, tier);
      if (value === 0) return html``;
      const segment = html`<rect x="${x.toFixed(1)}" y="${y(base + value).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - y(base + value)).toFixed(1)}" fill="${tierColour(tierIndex)}" data-tier="${tier}" data-count="${value}"><title>${period}, ${tier}: ${value}</title></rect>`;
      base += value;
      return segment;
    });
    const total = periodTotal(report, period);
    return html`<g class="bar" data-period="${period}" data-total="${total}">${segments}
<text x="${(x + barWidth / 2).toFixed(1)}" y="${(y(total) - 4).toFixed(1)}" text-anchor="middle" font-size="12">${total}</text>
<text x="${(x + barWidth / 2).toFixed(1)}" y="${margin.top + plotHeight + 18}" text-anchor="middle" font-size="12">${period}</text></g>`;
  });
  return html`<figure class="chart"><svg id="escalations-chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="chart-title chart-desc" style="max-width:${width}px;background:#fff">
<title id="chart-title">Escalations per ${periodWord.toLowerCase()}, stacked by account tier</title>
<desc id="chart-desc">${description}</desc>
${ticks.map((tick) => html`<line x1="${margin.left}" x2="${width - margin.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="#d0d7de"/><text x="${margin.left - 6}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end" font-size="12">${tick}</text>`)}
<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotHeight}" stroke="#57606a"/>
${bars}
<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle" font-size="13">${periodWord}</text>
<text transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle" font-size="13">Escalations</text>
</svg>
<figcaption><ul class="legend" aria-label="Account tiers">${report.tiers.map((tier, index) => html`<li><svg width="12" height="12" aria-hidden="true"><rect width="12" height="12" fill="${tierColour(index)}"/></svg> ${tier}</li>`)}</ul></figcaption></figure>`;
}
