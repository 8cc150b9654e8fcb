// render_chart: a PNG chart from read-only SQL and a Vega-Lite spec, written to <workspace>/exports/ and attached
// to the reply.
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';
import { EscalatorError } from '../objects/errors';
import { pathInside } from '../objects/safe-path';
import { readOnlyQuery } from '../objects/read-only-query';
import type { Row } from '../objects/database';
import type { Workspace } from '../objects/workspace';
import { renderVegaLitePng } from './charts/render-png';
import { defineTool } from './tool';

/** Rows as Vega data values: Dates as ISO strings, bigints as numbers. */
export function chartValues(rows: readonly Row[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? Number(value) : value])),
  );
}

/** A file name under exports/ from a title: "Escalations per month" → escalations-per-month-20260414-1000.png. */
export function exportFileName(title: string, now: Date): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60) || 'chart';
  const stamp = now.toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  return `${slug}-${stamp}.png`;
}

/** Renders `spec` with `rows` as its data to exports/<name>.png; returns the absolute path. */
/** Largest canvas and data a chart may ask for: a 40000×40000 PNG once took 4 GB of memory. */
export const chartLimits = { maxPixels: 2000, maxRows: 5000 };

const pixels = (axis: string) =>
  z.number().int().positive().max(chartLimits.maxPixels, `a chart's ${axis} is at most ${chartLimits.maxPixels} px`).optional();

/** The canvas part of a spec, checked before anything is drawn ("container" and other strings are refused too). */
const canvasSchema = z.object({ width: pixels('width'), height: pixels('height') }).loose();

export async function writeChart(workspace: Workspace, title: string, spec: Record<string, unknown>, rows: readonly Row[]): Promise<string> {
  if (rows.length === 0) throw new EscalatorError('the chart has no data: the query returned no rows');
  if (rows.length > chartLimits.maxRows) throw new EscalatorError(`the chart has ${rows.length} rows; at most ${chartLimits.maxRows} data points, so aggregate in the SQL (GROUP BY)`);
  const canvas = canvasSchema.safeParse(spec);
  if (!canvas.success) throw new EscalatorError(`chart size refused: ${canvas.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const png = await renderVegaLitePng({ title, width: 520, height: 300, ...spec, data: { values: chartValues(rows) } });
  const path = pathInside(workspace.path('exports'), exportFileName(title, workspace.clock.now()), { kind: 'export' });
  writeFileSync(path, png, { mode: 0o600 });
  return path;
}

export function renderChartTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'render_chart',
    description:
      'Draw a chart (PNG) from read-only SQL and a Vega-Lite spec (mark + encoding; the SQL rows become its data). The image is attached to your reply. Use for trends such as escalations per month by account tier.',
    inputSchema: z.object({
      title: z.string().min(1).describe('Chart title, also the file name'),
      sql: z.string().min(1).describe('One SELECT whose rows are the chart data; column names are the fields the encoding uses'),
      spec: z
        .record(z.string(), z.unknown())
        .superRefine((spec, context) => {
          const canvas = canvasSchema.safeParse(spec);
          if (!canvas.success) for (const issue of canvas.error.issues) context.addIssue({ code: 'custom', path: issue.path, message: issue.message });
        })
        .describe('Vega-Lite spec without data, e.g. {"mark":"bar","encoding":{"x":{"field":"month","type":"ordinal"},"y":{"field":"escalations","type":"quantitative"},"color":{"field":"tier"}}}'),
    }),
    async run(input) {
      const { workspace } = deps;
      if ('data' in input.spec) throw new EscalatorError('give the chart data as sql, not in spec.data');
      const rows = await readOnlyQuery(workspace.db, input.sql);
      const path = await writeChart(workspace, input.title, input.spec, rows);
      return { file: relative(workspace.dir, path), rows: rows.length, attachments: [{ kind: 'image', path, caption: input.title }] };
    },
  });
}
