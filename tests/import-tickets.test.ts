import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FixedClock } from '../objects/clock';
import { findEntries } from '../objects/entries';
import { Workspace } from '../objects/workspace';
import { importTickets } from '../channels/import/csv-tickets';
import { parseMapFlags } from '../channels/import/column-map';
import { lineProgress } from '../channels/import/progress';
import { createTestWorkspace, runEscalator, testNow, type TestWorkspace } from './helpers';
import { addAccounts, sendZendesk, startTestServer, zendeskTrigger } from './webhook-fixtures';

const csv = [
  'Ticket ID,Subject,Priority,Status,Organization,Requester,Created',
  '101,Unable to export data,urgent,open,Acme Corp,alex@acme.example,2026-04-14 09:13',
  '102,SSO login loop,P2,pending,,jamie@globex.example,2026-04-13 16:00',
  '103,Invoices wrong,high,solved,Wonka Industries,charlie@wonka.example,2026-04-10',
  '104,Broken priority,Blocker,open,Acme Corp,,2026-04-14',
  '105,Too few fields,low',
  '101,"Unable to export data, still",urgent,pending,Acme Corp,alex@acme.example,2026-04-14 09:13',
  '106,Bad date,low,open,Acme Corp,,the day after never',
].join('\n');

describe('escalator import tickets', () => {
  let test: TestWorkspace;
  let file: string;
  beforeEach(async () => {
    test = await createTestWorkspace();
    await addAccounts(test.workspace);
    file = join(test.dir, '..', 'tickets.csv');
    writeFileSync(file, `${csv}\n`);
  });
  afterEach(async () => test.cleanup());

  it('imports a CSV, reporting rows created, updated and refused with their lines and reasons', async () => {
    await test.workspace.close();
    const result = await runEscalator(['import', 'tickets', file, '--workspace', test.dir]);
    expect(result.stdout.split('\n')).toEqual([
      `imported ${file}: 7 rows: 3 created, 1 updated, 3 refused`,
      '  line 5: "Blocker" is not an option of Priority (options: P1 - Critical, P2 - High, P3 - Medium, P4 - Low); or map it under ingestion.generic.priority in workspace.yaml',
      '  line 6: has 3 fields; the header has 7',
      '  line 8: created_at: "the day after never" is not a date (try 2026-03-01, 2026-03-01 14:30 or "March 1, 2026 2pm")',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/importing: 7 rows \(100%\), 3 created, 1 updated, 3 refused/);

    test.workspace = await Workspace.open(test.dir, { clock: new FixedClock(testNow) });
    const tickets = await findEntries(test.workspace, 'support_tickets', { sort: [{ field: 'External Id', direction: 'asc' }] });
    expect(tickets.map((ticket) => [ticket['External Id'], ticket.Title, ticket.Priority, ticket.Status, ticket.Customer, ticket.Source])).toEqual([
      ['101', 'Unable to export data, still', 'P1 - Critical', 'Waiting on Customer', 'Acme Corp', 'Import'],
      ['102', 'SSO login loop', 'P2 - High', 'Waiting on Customer', 'Globex Industries', 'Import'],
      ['103', 'Invoices wrong', 'P2 - High', 'Resolved', 'Wonka Industries', 'Import'],
    ]);
    expect(await findEntries(test.workspace, 'company', { filter: { field: 'Needs Review', operator: 'is_true' } })).toEqual([
      expect.objectContaining({ Name: 'Wonka Industries', Domain: 'wonka.example' }),
    ]);
    const [history] = await test.workspace.db.query<{ count: number }>(`SELECT count(*)::INTEGER AS count FROM field_changes WHERE changed_by = 'import:tickets.csv'`);
    expect(history!.count).toBeGreaterThan(20);
  });

  it('changes nothing when the same file is imported again', async () => {
    writeFileSync(file, csv.split('\n').filter((line) => !line.includes('still')).join('\n'));
    const options = { workspace: test.workspace, file, columns: new Map(), source: 'Import' as const, progress: lineProgress(() => undefined) };
    await importTickets(options);
    const [before] = await test.workspace.db.query<{ count: number }>('SELECT count(*)::INTEGER AS count FROM field_changes');
    const again = await importTickets(options);
    expect(again).toMatchObject({ rows: 6, created: 0, updated: 3, refused: 3 });
    const [after] = await test.workspace.db.query<{ count: number }>('SELECT count(*)::INTEGER AS count FROM field_changes');
    expect(after!.count).toBe(before!.count);
    expect(await findEntries(test.workspace, 'support_tickets')).toHaveLength(3);
  });

  it('maps columns by --map and lets a later Zendesk webhook update the imported ticket', async () => {
    writeFileSync(file, 'Nr;Betreff;Kunde\n35436;Unable to export data;Acme Corp\n'.replace(/;/g, ','));
    const summary = await importTickets({
      workspace: test.workspace,
      file,
      columns: parseMapFlags(['Nr=id,Betreff=title', 'Kunde=organization']),
      source: 'Zendesk',
      progress: lineProgress(() => undefined),
    });
    expect(summary).toMatchObject({ rows: 1, created: 1, refused: 0 });
    const running = await startTestServer(test.workspace, test.clock);
    try {
      const response = await sendZendesk(running, test.clock, zendeskTrigger({ id: '35436', priority: 'Urgent', status: 'Open' }));
      expect(response.status).toBe(200);
    } finally {
      await running.server.close();
    }
    expect(await findEntries(test.workspace, 'support_tickets')).toEqual([
      expect.objectContaining({ 'External Id': '35436', Source: 'Zendesk', Priority: 'P1 - Critical', Customer: 'Acme Corp' }),
    ]);
  });

  it('refuses a --map naming a column the file does not have, and a bad target, as bad usage', async () => {
    await test.workspace.close();
    const missing = await runEscalator(['import', 'tickets', file, '--map', 'Nr=id', '--workspace', test.dir]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringContaining('--map names column "Nr", which the CSV header does not have') });
    const target = await runEscalator(['import', 'tickets', file, '--map', 'Subject=headline', '--workspace', test.dir]);
    expect(target).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown target "headline"') });
    test.workspace = await Workspace.open(test.dir, { clock: new FixedClock(testNow) });
    expect(await findEntries(test.workspace, 'support_tickets')).toHaveLength(0);
  });
});
