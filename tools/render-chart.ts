// render_chart: a PNG chart from read-only SQL and a Vega-Lite spec, written to <workspace>/exports/ and attached
// to the reply.
import { relative } from 'node:path';
import { z } from 'zod';
import { canvasSchema, chartLimits, chartValues, exportFileName, writeChart } from '../objects/charts/chart-file';
import { EscalatorError } from '../objects/errors';
import { readOnlyQuery } from '../objects/read-only-query';
import type { Workspace } from '../objects/workspace';
import { defineTool } from './tool';

export { chartLimits, chartValues, exportFileName, writeChart };

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
