// A chart file: a Vega-Lite spec drawn with rows as its data to a PNG under <workspace>/exports/ (the render_chart
// tool, the offline report and report jobs all write charts this way).
import { writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { Row } from '../database';
import { EscalatorError } from '../errors';
import { pathInside } from '../safe-path';
import type { Workspace } from '../workspace';
import { renderVegaLitePng } from './render-png';

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

/** Largest canvas and data a chart may ask for: a 40000×40000 PNG once took 4 GB of memory. */
export const chartLimits = { maxPixels: 2000, maxRows: 5000 };

const pixels = (axis: string) =>
  z.number().int().positive().max(chartLimits.maxPixels, `a chart's ${axis} is at most ${chartLimits.maxPixels} px`).optional();

/** The canvas part of a spec, checked before anything is drawn ("container" and other strings are refused too). */
export const canvasSchema = z.object({ width: pixels('width'), height: pixels('height') }).loose();

/** Renders `spec` with `rows` as its data to exports/<name>.png; returns the absolute path. */
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

