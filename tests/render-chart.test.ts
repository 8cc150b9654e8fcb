// Charts: a Vega-Lite spec and SQL rows become a PNG under exports/, with text drawn, and no URL is ever loaded.
import { readFileSync } from 'node:fs';
import { Toolbox } from '../agent/toolbox';
import { loadDemo } from '../objects/demo';
import { renderVegaLitePng } from '../tools/charts/render-png';
import { renderChartTool } from '../tools/render-chart';
import { createTestWorkspace, type TestWorkspace } from './helpers';

let test: TestWorkspace;
beforeAll(async () => {
  test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
});
afterAll(async () => test.cleanup());

const chat = { chat: { channel: 'terminal' as const, id: 'local' } };

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('render_chart', () => {
  it('draws escalations per month by account tier from SQL into a PNG under exports/ and attaches it', async () => {
    const toolbox = new Toolbox([renderChartTool({ workspace: test.workspace })]);
    const outcome = await toolbox.call(
      'render_chart',
      {
        title: 'Escalations per month by account tier',
        sql: `SELECT strftime("Opened Date", '%Y-%m') AS month, "Account Tier" AS tier, count(*)::INTEGER AS escalations
              FROM v_support_tickets WHERE "Escalated" GROUP BY ALL ORDER BY month`,
        spec: { mark: 'bar', encoding: { x: { field: 'month', type: 'ordinal' }, y: { field: 'escalations', type: 'quantitative' }, color: { field: 'tier' } } },
      },
      chat,
    );
    if (!outcome.ok) throw new Error(outcome.error);
    expect(outcome.attachments).toHaveLength(1);
    const path = outcome.attachments[0]!.path;
    expect(path.startsWith(test.workspace.path('exports'))).toBe(true);
    expect(outcome.result.file).toMatch(/^exports\/escalations-per-month-by-account-tier-20260414-1000\.png$/);
    const { width, height } = pngSize(readFileSync(path));
    expect(width).toBeGreaterThan(400);
    expect(height).toBeGreaterThan(250);
  });

  it('draws text: a chart with a long title is wider in ink than one without', async () => {
    const spec = { data: { values: [{ a: 'x', b: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } } };
    const plain = await renderVegaLitePng(spec);
    const titled = await renderVegaLitePng({ ...spec, title: 'A title long enough to need real glyphs from the font' });
    expect(titled.length).toBeGreaterThan(plain.length + 500);
  });

  it('refuses a spec that would load data from a URL', async () => {
    await expect(renderVegaLitePng({ data: { url: 'http://example.com/data.json' }, mark: 'bar' })).rejects.toThrow(/may not load data from "http:\/\/example.com\/data.json"/);
  });

  it('says what is wrong with an empty result or data given in the spec', async () => {
    const toolbox = new Toolbox([renderChartTool({ workspace: test.workspace })]);
    const empty = await toolbox.call('render_chart', { title: 'None', sql: 'SELECT 1 AS a WHERE false', spec: { mark: 'bar' } }, chat);
    expect(empty).toEqual({ ok: false, error: 'the chart has no data: the query returned no rows' });
    const inline = await toolbox.call('render_chart', { title: 'x', sql: 'SELECT 1 AS a', spec: { mark: 'bar', data: { values: [] } } }, chat);
    expect(inline).toEqual({ ok: false, error: 'give the chart data as sql, not in spec.data' });
  });
});
