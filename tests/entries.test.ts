import { createEntries, findEntries, getEntry, updateEntries } from '../objects/entries';
import { createTestWorkspace, type TestWorkspace } from './helpers';

describe('entries', () => {
  let test: TestWorkspace;
  beforeEach(async () => {
    test = await createTestWorkspace();
  });
  afterEach(async () => test.cleanup());

  it('creates a company and a ticket linked to it by name, with typed values', async () => {
    const [acme] = await createEntries(test.workspace, 'company', [
      { Name: 'Acme Corp', 'Contract Value': '$180k', Health: 'yellow', 'Account Tier': 'enterprise', 'Renewal Date': '2026-06-15' },
    ], { by: 'test' });
    const [ticket] = await createEntries(test.workspace, 'support_tickets', [
      { Title: 'Unable to export data', Customer: 'acme corp', Priority: 'P1', Status: 'Open', 'Opened Date': '2026-04-14 09:13', Escalated: 'no' },
    ], { by: 'test' });
    const row = await getEntry(test.workspace, 'support_tickets', ticket!);
    expect(row).toMatchObject({ Title: 'Unable to export data', Customer: 'Acme Corp', Priority: 'P1 - Critical', Status: 'Open', Escalated: false });
    expect((row!['Opened Date'] as Date).toISOString()).toBe('2026-04-14T09:13:00.000Z');
    const company = await getEntry(test.workspace, 'company', acme!);
    expect(company).toMatchObject({ 'Contract Value': 180000, Health: 'Yellow', 'Account Tier': 'Enterprise' });
  });

  it('refuses an unknown option, suggesting the nearest, and writes nothing', async () => {
    await expect(createEntries(test.workspace, 'support_tickets', [
      { Title: 'ok', Priority: 'P2' },
      { Title: 'bad', Priority: 'Critcal' },
    ], { by: 'test' })).rejects.toThrow(/entry 2: "Critcal" is not an option of Priority; did you mean "P1 - Critical"\?/);
    expect(await findEntries(test.workspace, 'support_tickets')).toHaveLength(0);
  });

  it('records every field change with old and new values', async () => {
    const [id] = await createEntries(test.workspace, 'support_tickets', [{ Title: 'x', Status: 'Open' }], { by: 'alice' });
    test.clock.advance(60_000);
    const changes = await updateEntries(test.workspace, 'support_tickets', [{ id: id!, values: { Status: 'resolved', Title: 'x' } }], { by: 'bob' });
    expect(changes).toEqual([{ object: 'support_tickets', entryId: id, field: 'Status', oldValue: 'Open', newValue: 'Resolved', by: 'bob' }]);
    const history = await test.workspace.db.query(`SELECT field, old_value, new_value, changed_by FROM field_changes WHERE entry_id = $1 ORDER BY changed_at, field`, [id]);
    expect(history).toEqual([
      { field: 'Status', old_value: null, new_value: 'Open', changed_by: 'alice' },
      { field: 'Title', old_value: null, new_value: 'x', changed_by: 'alice' },
      { field: 'Status', old_value: 'Open', new_value: 'Resolved', changed_by: 'bob' },
    ]);
  });
});
