import { createEntries, findEntries, updateEntries } from '../objects/entries';
import { createTestWorkspace, type TestWorkspace } from './helpers';

describe('bulk entry writes', () => {
  let test: TestWorkspace;
  beforeEach(async () => {
    test = await createTestWorkspace();
  });
  afterEach(async () => test.cleanup());

  it('updates many entries in one call, each seeing its earlier update, with every change recorded', async () => {
    const [acme, globex] = await createEntries(test.workspace, 'company', [{ Name: 'Acme Corp' }, { Name: 'Globex' }], { by: 'test' });
    const ids = await createEntries(
      test.workspace,
      'support_tickets',
      Array.from({ length: 5 }, (_, index) => ({ Title: `T${index}`, Status: 'Open', Priority: 'P3', Customer: index % 2 ? acme : globex })),
      { by: 'test' },
    );
    test.clock.advance(60_000);
    const changes = await updateEntries(
      test.workspace,
      'support_tickets',
      [
        { id: ids[0]!, values: { Status: 'In Progress' } },
        { id: ids[1]!, values: { Status: 'In Progress' } },
        { id: ids[2]!, values: { Priority: 'P1', Customer: acme, 'Opened Date': '2026-04-14 09:00' } },
        { id: ids[3]!, values: { Priority: 'P1', Customer: globex, 'Opened Date': '2026-04-14 09:30' } },
        { id: ids[0]!, values: { Status: 'Resolved', 'Resolved Date': '2026-04-14 10:01' } },
        { id: ids[4]!, values: { Status: 'Open', Title: 'T4' } },
      ],
      { by: 'bulk' },
    );
    expect(changes.map((change) => [ids.indexOf(change.entryId), change.field, change.oldValue, change.newValue])).toEqual([
      [0, 'Status', 'Open', 'In Progress'],
      [1, 'Status', 'Open', 'In Progress'],
      [2, 'Priority', 'P3 - Medium', 'P1 - Critical'],
      [2, 'Customer', globex, acme],
      [2, 'Opened Date', null, '2026-04-14T09:00:00.000Z'],
      [3, 'Priority', 'P3 - Medium', 'P1 - Critical'],
      [3, 'Customer', acme, globex],
      [3, 'Opened Date', null, '2026-04-14T09:30:00.000Z'],
      [0, 'Status', 'In Progress', 'Resolved'],
      [0, 'Resolved Date', null, '2026-04-14T10:01:00.000Z'],
    ]);
    const rows = await findEntries(test.workspace, 'support_tickets', { sort: [{ field: 'Title', direction: 'asc' }] });
    expect(rows.map((row) => [row.Title, row.Status, row.Priority, row.Customer, row['Opened Date'], row['Resolved Date']])).toEqual([
      ['T0', 'Resolved', 'P3 - Medium', 'Globex', null, new Date('2026-04-14T10:01:00Z')],
      ['T1', 'In Progress', 'P3 - Medium', 'Acme Corp', null, null],
      ['T2', 'Open', 'P1 - Critical', 'Acme Corp', new Date('2026-04-14T09:00:00Z'), null],
      ['T3', 'Open', 'P1 - Critical', 'Globex', new Date('2026-04-14T09:30:00Z'), null],
      ['T4', 'Open', 'P3 - Medium', 'Globex', null, null],
    ]);
    expect(rows.map((row) => (row.updated_at as Date).toISOString())).toEqual([
      '2026-04-14T10:01:00.000Z', '2026-04-14T10:01:00.000Z', '2026-04-14T10:01:00.000Z', '2026-04-14T10:01:00.000Z', '2026-04-14T10:00:00.000Z',
    ]);
    const [history] = await test.workspace.db.query<{ count: number }>(`SELECT count(*)::INTEGER AS count FROM field_changes WHERE changed_by = 'bulk'`);
    expect(history!.count).toBe(10);
  });

  it('refuses a batch with an unknown id and changes nothing', async () => {
    const [id] = await createEntries(test.workspace, 'support_tickets', [{ Title: 'x', Status: 'Open' }], { by: 'test' });
    await expect(
      updateEntries(test.workspace, 'support_tickets', [{ id: id!, values: { Status: 'Closed' } }, { id: 'nope', values: { Status: 'Closed' } }], { by: 'bulk' }),
    ).rejects.toThrow('support_tickets has no entry with id "nope"');
    expect(await findEntries(test.workspace, 'support_tickets')).toEqual([expect.objectContaining({ Status: 'Open' })]);
  });

  it('links many entries by related id or by name in one call', async () => {
    const companies = await createEntries(test.workspace, 'company', [{ Name: 'Acme Corp' }, { Name: 'Globex' }, { Name: 'Initech' }], { by: 'test' });
    await createEntries(
      test.workspace,
      'support_tickets',
      [{ Title: 'a', Customer: companies[0] }, { Title: 'b', Customer: companies[1] }, { Title: 'c', Customer: 'initech' }, { Title: 'd', Customer: ` ${companies[0]} ` }],
      { by: 'test' },
    );
    const rows = await findEntries(test.workspace, 'support_tickets', { sort: [{ field: 'Title', direction: 'asc' }] });
    expect(rows.map((row) => row.Customer)).toEqual(['Acme Corp', 'Globex', 'Initech', 'Acme Corp']);
  });
});
