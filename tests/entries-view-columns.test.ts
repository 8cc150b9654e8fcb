// `escalator entries list --view NAME` shows the view's saved columns (issue 15: DenchClaw's `columns` are used by
// the lists), relation paths such as "Customer.Contract Value" included.
import { loadDemo } from '../objects/demo';
import { createTestWorkspace, runEscalator, type TestWorkspace } from './helpers';

let test: TestWorkspace;
beforeAll(async () => {
  test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
  const raw = structuredClone(test.workspace.object('support_tickets').raw) as Record<string, unknown>;
  raw.views = [
    {
      name: 'Hot P1',
      filter: { field: 'Priority', operator: 'is', value: 'P1 - Critical' },
      sort: [{ field: 'Opened Date', direction: 'asc' }],
      columns: ['Title', 'Customer', 'Customer.Contract Value', 'Status'],
    },
  ];
  await test.workspace.saveObject(raw);
  await test.workspace.close();
});
afterAll(async () => test.cleanup().catch(() => undefined));

it("lists a view's saved columns, through a relation too, and nothing else", async () => {
  const listed = await runEscalator(['entries', 'list', 'support_tickets', '--view', 'hot p1', '--json', '--workspace', test.dir]);
  expect(listed.code).toBe(0);
  const rows = JSON.parse(listed.stdout) as Record<string, unknown>[];
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) expect(Object.keys(row)).toEqual(['id', 'Title', 'Customer', 'Customer.Contract Value', 'Status']);
  expect(rows.some((row) => typeof row['Customer.Contract Value'] === 'number')).toBe(true);
  const table = await runEscalator(['entries', 'list', 'support_tickets', '--view', 'Hot P1', '--workspace', test.dir]);
  expect(table.stdout.split('\n')[0]).toMatch(/^id\s+Title\s+Customer\s+Customer\.Contract Value\s+Status\s*$/);
});
