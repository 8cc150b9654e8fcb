import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { loadDemo } from '../objects/demo';
import { createEntries, findEntries, getEntry } from '../objects/entries';
import { readObjectFile } from '../objects/object-files';
import { Workspace } from '../objects/workspace';
import { createTestWorkspace, type TestWorkspace } from './helpers';

const fixture = (name: string) => join(__dirname, 'fixtures', name);

async function columnsOf(test: TestWorkspace, relation: string): Promise<Record<string, string>> {
  const rows = await test.workspace.db.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position`,
    [relation],
  );
  return Object.fromEntries(rows.map((row) => [row.column_name, row.data_type]));
}

describe('a new workspace', () => {
  let test: TestWorkspace;
  beforeAll(async () => {
    test = await createTestWorkspace();
  });
  afterAll(async () => test.cleanup());

  it('has workspace.yaml, workspace.duckdb and the three built-in object files', () => {
    for (const file of ['workspace.yaml', 'workspace.duckdb', 'objects/company/.object.yaml', 'objects/people/.object.yaml', 'objects/support_tickets/.object.yaml']) {
      expect(existsSync(join(test.dir, file))).toBe(true);
    }
  });

  it('defines support_tickets as the seed does, with a real boolean Escalated and a kanban on Status', async () => {
    const tickets = test.workspace.object('support_tickets');
    expect(tickets.fields.map((field) => field.name)).toEqual([
      'Title', 'Description', 'Customer', 'Contact', 'Priority', 'Status', 'Assigned To', 'Opened Date',
      'First Response Date', 'Resolved Date', 'Escalated', 'Escalation Tier', 'Account Tier',
    ]);
    expect(tickets.kanbanField).toBe('Status');
    expect(tickets.fields.find((field) => field.name === 'Status')?.options).toEqual(['Open', 'In Progress', 'Waiting on Customer', 'Escalated', 'Resolved', 'Closed']);
    const table = await columnsOf(test, 'obj_support_tickets');
    expect(table).toMatchObject({ escalated: 'BOOLEAN', opened_date: 'TIMESTAMP WITH TIME ZONE', priority: 'VARCHAR', customer: 'VARCHAR' });
  });

  it('defines company and people with the fields alerts need', () => {
    const company = test.workspace.object('company');
    expect(company.fields.map((field) => `${field.name}:${field.type}`)).toEqual([
      'Name:text', 'Domain:text', 'Contract Value:number', 'Health:enum', 'Renewal Date:date', 'Account Tier:enum',
      'Account Owner:text', 'Backup Owner:text', 'Account Executive:text',
    ]);
    expect(company.fields.find((field) => field.name === 'Account Tier')?.options).toEqual(['Enterprise', 'Mid-Market', 'SMB', 'Trial']);
    const people = test.workspace.object('people');
    expect(people.fields.map((field) => field.name)).toEqual(['Full Name', 'Email', 'Company', 'Role', 'Telegram']);
    expect(people.fields.find((field) => field.name === 'Company')?.relatedObject).toBe('company');
  });

  it('exposes v_ views with id, timestamps and display-named columns', async () => {
    const view = await columnsOf(test, 'v_support_tickets');
    expect(Object.keys(view).slice(0, 5)).toEqual(['id', 'created_at', 'updated_at', 'Title', 'Description']);
    expect(view['Opened Date']).toBe('TIMESTAMP WITH TIME ZONE');
  });
});

describe('object definitions', () => {
  let test: TestWorkspace;
  beforeEach(async () => {
    test = await createTestWorkspace();
  });
  afterEach(async () => test.cleanup());

  it("loads the seed's Step 1 YAML as written (Escalated stored as text)", async () => {
    const data = load(readFileSync(fixture('seed-step1.object.yaml'), 'utf8')) as Record<string, unknown>;
    const definition = await test.workspace.saveObject(data);
    expect(definition.fields).toHaveLength(13);
    expect(definition.fields.find((field) => field.name === 'Escalated')?.type).toBe('text');
    expect((await columnsOf(test, 'obj_support_tickets')).escalated).toBe('VARCHAR');
    const [id] = await createEntries(test.workspace, 'support_tickets', [{ Title: 'x', Escalated: 'true' }], { by: 'test' });
    expect((await getEntry(test.workspace, 'support_tickets', id!))?.Escalated).toBe('true');
  });

  it("runs the seed's Step 3 view as written on demo data: open work, by priority then age", async () => {
    const views = load(readFileSync(fixture('seed-step3.view.yaml'), 'utf8')) as unknown[];
    const raw = structuredClone(test.workspace.object('support_tickets').raw);
    await test.workspace.saveObject({ ...raw, views });
    await loadDemo(test.workspace);
    const rows = await findEntries(test.workspace, 'support_tickets', { view: 'open tickets with account context' });
    expect(rows.length).toBeGreaterThan(15);
    expect(new Set(rows.map((row) => row.Status))).toEqual(new Set(['Open', 'In Progress', 'Escalated']));
    const ranks = rows.map((row) => ['P1 - Critical', 'P2 - High', 'P3 - Medium', 'P4 - Low'].indexOf(String(row.Priority)));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    const p1 = rows.filter((row) => row.Priority === 'P1 - Critical').map((row) => (row['Opened Date'] as Date).getTime());
    expect(p1).toEqual([...p1].sort((a, b) => a - b));
  });

  it("loads DenchClaw's format: values lists and {conjunction, rules} filters", async () => {
    await test.workspace.saveObject({
      name: 'renewals',
      fields: [
        { name: 'Account', type: 'relation', related_object: 'company' },
        { name: 'Stage', type: 'enum', values: ['Upcoming', 'At Risk', 'Renewed'] },
        { name: 'Amount', type: 'number' },
      ],
      views: [{ name: 'At risk', filters: { conjunction: 'or', rules: [{ field: 'Stage', operator: 'is', value: 'At Risk' }, { field: 'Amount', operator: 'gt', value: '100k' }] }, sort: [{ field: 'Amount', direction: 'asc' }] }],
    });
    await createEntries(test.workspace, 'company', [{ Name: 'Acme Corp' }], { by: 'test' });
    await createEntries(test.workspace, 'renewals', [
      { Account: 'Acme Corp', Stage: 'at risk', Amount: 5000 },
      { Account: 'Acme Corp', Stage: 'Upcoming', Amount: '$250k' },
      { Account: 'Acme Corp', Stage: 'Renewed', Amount: 10 },
    ], { by: 'test' });
    const rows = await findEntries(test.workspace, 'renewals', { view: 'At risk' });
    expect(rows.map((row) => [row.Account, row.Stage, row.Amount])).toEqual([
      ['Acme Corp', 'At Risk', 5000],
      ['Acme Corp', 'Upcoming', 250000],
    ]);
  });

  it('adds a column for a new field, accepts a new option, and writes the YAML back', async () => {
    const [acme] = await createEntries(test.workspace, 'company', [{ Name: 'Acme Corp', Health: 'Yellow' }], { by: 'test' });
    const raw = structuredClone(test.workspace.object('company').raw) as { fields: Record<string, unknown>[] };
    raw.fields.push({ name: 'Region', type: 'text' });
    (raw.fields.find((field) => field.name === 'Health')!.options as string[]).push('Critical');
    await test.workspace.saveObject(raw);
    expect((await columnsOf(test, 'obj_company')).region).toBe('VARCHAR');
    const onDisk = readObjectFile(test.workspace.objectFile('company'));
    expect(onDisk.fields.map((field) => field.name)).toContain('Region');
    await createEntries(test.workspace, 'company', [{ Name: 'Globex', Health: 'critical', Region: 'EMEA' }], { by: 'test' });
    expect((await getEntry(test.workspace, 'company', acme!))?.Name).toBe('Acme Corp');
  });

  it('hides a removed field from the view and keeps its data in the table', async () => {
    await createEntries(test.workspace, 'company', [{ Name: 'Acme Corp', 'Account Executive': 'Tom Becker' }], { by: 'test' });
    const raw = structuredClone(test.workspace.object('company').raw) as { fields: { name: string }[] };
    raw.fields = raw.fields.filter((field) => field.name !== 'Account Executive');
    await test.workspace.saveObject(raw);
    expect(Object.keys(await columnsOf(test, 'v_company'))).not.toContain('Account Executive');
    const stored = await test.workspace.db.query('SELECT account_executive FROM obj_company');
    expect(stored).toEqual([{ account_executive: 'Tom Becker' }]);
  });

  it('keeps the change when the workspace is reopened from its files', async () => {
    const raw = structuredClone(test.workspace.object('company').raw) as { fields: Record<string, unknown>[] };
    raw.fields.push({ name: 'Segment', type: 'enum', options: ['A', 'B'] });
    await test.workspace.saveObject(raw);
    await test.workspace.close();
    const reopened = await Workspace.open(test.dir, { clock: test.clock });
    test.workspace = reopened;
    expect(reopened.object('company').fields.map((field) => field.name)).toContain('Segment');
  });
});

describe('reopening a workspace', () => {
  let test: TestWorkspace;
  beforeEach(async () => {
    test = await createTestWorkspace();
  });
  afterEach(async () => test.cleanup());

  const reopen = async () => {
    await test.workspace.close();
    test.workspace = await Workspace.open(test.dir, { clock: test.clock });
  };

  it('rebuilds nothing when the object files have not changed since the last open', async () => {
    // A view created behind the workspace's back survives an unchanged reopen: reconcile (which drops every v_ view) did not run.
    await test.workspace.db.run('CREATE VIEW v_marker AS SELECT 1 AS one');
    await reopen();
    expect(await test.workspace.db.query('SELECT one FROM v_marker')).toEqual([{ one: 1 }]);
  });

  it('brings the database in line when an object file was edited while it was closed', async () => {
    const file = test.workspace.objectFile('company');
    await test.workspace.db.run('CREATE VIEW v_marker AS SELECT 1 AS one');
    await test.workspace.close();
    writeFileSync(file, `${readFileSync(file, 'utf8').trimEnd()}\n  - name: Region\n    type: text\n`);
    test.workspace = await Workspace.open(test.dir, { clock: test.clock });
    expect((await columnsOf(test, 'obj_company')).region).toBe('VARCHAR');
    expect(Object.keys(await columnsOf(test, 'v_company'))).toContain('Region');
    expect((await test.workspace.db.query(`SELECT count(*)::INTEGER AS views FROM duckdb_views() WHERE view_name = 'v_marker'`))[0]).toEqual({ views: 0 });
  });

  it('rebuilds a database written before fingerprints were kept', async () => {
    await test.workspace.db.run('DROP TABLE schema_fingerprint');
    await test.workspace.db.run('DROP VIEW v_company');
    await reopen();
    expect(Object.keys(await columnsOf(test, 'v_company'))).toContain('Name');
  });
});

describe('bad definitions are refused with one line and change nothing', () => {
  let test: TestWorkspace;
  beforeEach(async () => {
    test = await createTestWorkspace();
  });
  afterEach(async () => test.cleanup());

  const companyFile = () => test.workspace.objectFile('company');

  async function expectRefused(data: Record<string, unknown>, message: RegExp) {
    const before = readFileSync(companyFile(), 'utf8');
    const columns = await columnsOf(test, 'obj_company');
    await expect(test.workspace.saveObject(data)).rejects.toThrow(message);
    expect(readFileSync(companyFile(), 'utf8')).toBe(before);
    expect(await columnsOf(test, 'obj_company')).toEqual(columns);
  }

  it('an unknown field type names the file, the field and the accepted types', async () => {
    await expectRefused(
      { name: 'company', fields: [{ name: 'Name', type: 'text' }, { name: 'Size', type: 'bignum' }] },
      /objects\/company\/\.object\.yaml: fields\.1\.type: unknown field type "bignum"; expected one of text, richtext/,
    );
  });

  it('a relation to a missing object says which object is missing and what exists', async () => {
    await expectRefused(
      { name: 'company', fields: [{ name: 'Name', type: 'text' }, { name: 'Parent', type: 'relation', related_object: 'accounts' }] },
      /field "Parent" relates to "accounts", which is not an object here \(objects: company, people, support_tickets\)/,
    );
  });

  it('duplicate field names are named', async () => {
    await expectRefused(
      { name: 'company', fields: [{ name: 'Name', type: 'text' }, { name: 'name', type: 'text' }] },
      /fields\.1: duplicate field name "name" \(also fields\.0\)/,
    );
  });

  it('a view with an unknown field in its filter names the view and suggests the field', async () => {
    await expectRefused(
      { name: 'company', fields: [{ name: 'Name', type: 'text' }, { name: 'Health', type: 'enum', options: ['Green', 'Red'] }], views: [{ name: 'Sick', filters: [{ field: 'Helth', operator: 'is', value: 'Red' }] }] },
      /view "Sick": unknown field "Helth" on company; did you mean "Health"\?/,
    );
  });

  it('a view with an invalid enum value suggests the nearest option', async () => {
    await expectRefused(
      { name: 'company', fields: [{ name: 'Name', type: 'text' }, { name: 'Health', type: 'enum', options: ['Green', 'Red'] }], views: [{ name: 'Sick', filters: [{ field: 'Health', operator: 'is', value: 'Redd' }] }] },
      /view "Sick": Health is: "Redd" is not an option of Health; did you mean "Red"\?/,
    );
  });

  it('malformed YAML on disk is reported with the file and the line when the workspace opens, and only that object is skipped', async () => {
    await test.workspace.close();
    const good = readFileSync(companyFile(), 'utf8');
    writeFileSync(companyFile(), 'name: company\nfields:\n  - name: Name\n    type: text\n   - name: Bad\n');
    const opened = await Workspace.open(test.dir, { clock: test.clock });
    expect(opened.problems).toEqual([expect.objectContaining({ file: 'objects/company/.object.yaml', line: 5, object: 'company', message: expect.stringMatching(/malformed YAML/) })]);
    expect(() => opened.object('company')).toThrow(/object "company" is not loaded: objects\/company\/\.object\.yaml:5: malformed YAML/);
    expect(opened.object('support_tickets').name).toBe('support_tickets');
    await opened.close();
    writeFileSync(companyFile(), good);
    test.workspace = await Workspace.open(test.dir, { clock: test.clock });
  });
});
