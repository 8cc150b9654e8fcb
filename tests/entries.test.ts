import { createEntries, findEntries, getEntry, updateEntries } from '../objects/entries';
import { readDocument, writeDocument } from '../objects/documents';
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

  it('reads numbers written as 180000, 180,000 and $180k', async () => {
    const ids = await createEntries(test.workspace, 'company', [
      { Name: 'A', 'Contract Value': '180000' },
      { Name: 'B', 'Contract Value': '180,000' },
      { Name: 'C', 'Contract Value': '$180k' },
    ], { by: 'test' });
    for (const id of ids) expect((await getEntry(test.workspace, 'company', id))?.['Contract Value']).toBe(180000);
    await expect(createEntries(test.workspace, 'company', [{ Name: 'D', 'Contract Value': 'lots' }], { by: 'test' }))
      .rejects.toThrow(/Contract Value: "lots" is not a number \(try 180000, 180,000 or \$180k\)/);
  });

  it('reads dates in ISO and written forms in the workspace time zone', async () => {
    await test.cleanup();
    test = await createTestWorkspace({ timezone: 'America/New_York' });
    const ids = await createEntries(test.workspace, 'support_tickets', [
      { Title: 'iso with zone', 'Opened Date': '2026-04-14T09:00:00Z' },
      { Title: 'iso local', 'Opened Date': '2026-04-14 05:00' },
      { Title: 'written', 'Opened Date': 'April 14, 2026 5am' },
      { Title: 'relative', 'Opened Date': '5 hours ago' },
    ], { by: 'test' });
    const opened = await Promise.all(ids.map(async (id) => ((await getEntry(test.workspace, 'support_tickets', id))?.['Opened Date'] as Date).toISOString()));
    expect(opened).toEqual(['2026-04-14T09:00:00.000Z', '2026-04-14T09:00:00.000Z', '2026-04-14T09:00:00.000Z', '2026-04-14T05:00:00.000Z']);
    await expect(createEntries(test.workspace, 'support_tickets', [{ Title: 'bad', 'Opened Date': 'the day after never' }], { by: 'test' }))
      .rejects.toThrow(/Opened Date: "the day after never" is not a date/);
  });

  it('links a relation by id or by name, and lists the candidates when a name is ambiguous', async () => {
    const [first, second] = await createEntries(test.workspace, 'company', [{ Name: 'Acme Corp' }, { Name: 'ACME CORP' }, { Name: 'Globex' }], { by: 'test' });
    await expect(createEntries(test.workspace, 'support_tickets', [{ Title: 't', Customer: 'acme corp' }], { by: 'test' }))
      .rejects.toThrow(new RegExp(`"acme corp" matches 2 company entries: Acme Corp \\(id ${first}\\), ACME CORP \\(id ${second}\\); use the id`));
    const [ticket] = await createEntries(test.workspace, 'support_tickets', [{ Title: 't', Customer: second }], { by: 'test' });
    expect((await getEntry(test.workspace, 'support_tickets', ticket!))?.Customer).toBe('ACME CORP');
    await expect(createEntries(test.workspace, 'support_tickets', [{ Title: 't', Customer: 'Globx' }], { by: 'test' }))
      .rejects.toThrow(/no company entry is named or has id "Globx"; did you mean "Globex"\?/);
  });

  it('refuses unknown fields with a suggestion', async () => {
    await expect(createEntries(test.workspace, 'support_tickets', [{ Titel: 'x' }], { by: 'test' }))
      .rejects.toThrow(/unknown field "Titel"; did you mean "Title"\?/);
  });

  it('keeps an entry document beside the entry and appends review sections', async () => {
    const [acme] = await createEntries(test.workspace, 'company', [{ Name: 'Acme Corp' }], { by: 'test' });
    await writeDocument(test.workspace, 'company', 'Acme Corp', '## Post-escalation review\nRoot cause: migration lock.');
    await writeDocument(test.workspace, 'company', acme!, '## Follow-up\nQBR booked.', { append: true });
    expect(readDocument(test.workspace, 'company', acme!)).toBe('## Post-escalation review\nRoot cause: migration lock.\n\n## Follow-up\nQBR booked.\n');
  });
});
