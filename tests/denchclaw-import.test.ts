// Imports a DenchClaw-shaped workspace: a DuckDB built in the test from DenchClaw's own seed schema
// (tests/fixtures/denchclaw/schema.sql), plus the relation, multi-value and document shapes its skills describe.
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { findEntries } from '../objects/entries';
import { readDocument } from '../objects/documents';
import { Workspace } from '../objects/workspace';
import { runEscalator, temporaryDir } from './helpers';

const fixtures = join(__dirname, 'fixtures', 'denchclaw');

/** DenchClaw's seed schema and data, then what its skills add: relations, many_to_many, tags, user, multi-select, entry documents. */
async function buildDenchClawDatabase(path: string): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  await connection.run(readFileSync(join(fixtures, 'schema.sql'), 'utf8'));
  await connection.run(`
    ALTER TABLE documents ADD COLUMN entry_id VARCHAR;
    INSERT INTO fields (id, object_id, name, type, related_object_id, relationship_type, sort_order) VALUES
      ('fld_people_employer', 'seed_obj_people_00000000000000', 'Employer', 'relation', 'seed_obj_company_0000000000000', 'many_to_one', 6),
      ('fld_task_people', 'seed_obj_task_000000000000000', 'People', 'relation', 'seed_obj_people_00000000000000', 'many_to_many', 6),
      ('fld_task_assignee', 'seed_obj_task_000000000000000', 'Assigned To', 'user', NULL, NULL, 7),
      ('fld_task_labels', 'seed_obj_task_000000000000000', 'Labels', 'tags', NULL, NULL, 8);
    INSERT INTO fields (id, object_id, name, type, enum_values, enum_multiple, sort_order) VALUES
      ('fld_task_teams', 'seed_obj_task_000000000000000', 'Teams', 'enum', '["Support","Engineering","Sales"]'::JSON, true, 9);
    INSERT INTO entry_fields (entry_id, field_id, value) VALUES
      ('seed_ent_people_sarah_000000000', 'fld_people_employer', 'seed_ent_company_acme_000000000'),
      ('seed_ent_people_james_000000000', 'fld_people_employer', 'seed_ent_company_tech_000000000'),
      ('seed_ent_task_review_0000000000', 'fld_task_people', '["seed_ent_people_sarah_000000000","seed_ent_people_james_000000000"]'),
      ('seed_ent_task_review_0000000000', 'fld_task_assignee', 'usr_abc123'),
      ('seed_ent_task_review_0000000000', 'fld_task_labels', '["finance","q1"]'),
      ('seed_ent_task_review_0000000000', 'fld_task_teams', '["Support","Sales"]'),
      ('seed_ent_task_onboard_000000000', 'fld_task_labels', '["docs"]'),
      ('seed_ent_task_onboard_000000000', 'fld_task_teams', '["Engineering"]');
    INSERT INTO documents (id, title, file_path, parent_object_id, entry_id) VALUES
      ('doc_sarah', 'Sarah Chen', 'people/sarah-chen-001.md', 'seed_obj_people_00000000000000', 'seed_ent_people_sarah_000000000'),
      ('doc_people', 'Onboarding guide', 'people/onboarding-guide.md', 'seed_obj_people_00000000000000', NULL);
    INSERT INTO objects (id, name, default_view) VALUES ('obj_pipeline', 'deal-pipeline', 'kanban'), ('obj_bad', '9 lives!', 'table');
    INSERT INTO fields (id, object_id, name, type, enum_values, sort_order) VALUES
      ('fld_pipe_name', 'obj_pipeline', 'Deal Name', 'text', NULL, 0),
      ('fld_pipe_stage', 'obj_pipeline', 'Stage', 'enum', '["Discovery","Won"]'::JSON, 1),
      ('fld_pipe_path', 'obj_pipeline', 'Path', 'text', NULL, 2),
      ('fld_pipe_amount', 'obj_pipeline', 'Amount', 'number', NULL, 3),
      ('fld_bad_name', 'obj_bad', 'Name', 'text', NULL, 0);
    INSERT INTO entries (id, object_id) VALUES ('ent_deal_1', 'obj_pipeline'), ('ent_bad_1', 'obj_bad');
    INSERT INTO entry_fields (entry_id, field_id, value) VALUES
      ('ent_deal_1', 'fld_pipe_name', 'Acme renewal'), ('ent_deal_1', 'fld_pipe_stage', 'Negotiation'),
      ('ent_deal_1', 'fld_pipe_path', '/deals/acme'), ('ent_deal_1', 'fld_pipe_amount', 'about ten grand'),
      ('ent_bad_1', 'fld_bad_name', 'x');
    CHECKPOINT;
  `);
  connection.closeSync();
  instance.closeSync();
}

function digest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string, prefix: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(folder, entry.name), `${prefix}${entry.name}/`);
      else out[`${prefix}${entry.name}`] = createHash('sha256').update(readFileSync(join(folder, entry.name))).digest('hex');
    }
  };
  walk(dir, '');
  return out;
}

describe('escalator import denchclaw', () => {
  const temp = temporaryDir('escalator-denchclaw-');
  const source = join(temp.dir, 'denchclaw');
  const target = join(temp.dir, 'escalator');
  let before: Record<string, string>;

  beforeAll(async () => {
    mkdirSync(source, { recursive: true });
    await buildDenchClawDatabase(join(source, 'workspace.duckdb'));
    for (const name of ['people', 'company', 'task']) {
      mkdirSync(join(source, name), { recursive: true });
      cpSync(join(fixtures, 'objects', `denchhq-seed-${name}.object.yaml`), join(source, name, '.object.yaml'));
    }
    // The task board's saved views, as DenchClaw's UI writes them into the file.
    writeFileSync(join(source, 'task', '.object.yaml'), `${readFileSync(join(source, 'task', '.object.yaml'), 'utf8')}views:
  - name: Open work
    view_type: kanban
    settings:
      kanbanField: Status
    filters:
      id: root
      conjunction: and
      rules:
        - id: f1
          field: Status
          operator: is_not
          value: Done
    columns: [Title, Status, Priority, Assigned To]
active_view: Open work
`);
    writeFileSync(join(source, 'people', 'sarah-chen-001.md'), '# Sarah Chen\\n\\n## Notes\\nRenewal call in March.\\n');
    writeFileSync(join(source, 'people', 'onboarding-guide.md'), '# Onboarding\\n');
    before = digest(source);
    const init = await runEscalator(['init', '--workspace', target]);
    expect(init.code).toBe(0);
  });
  afterAll(() => temp.remove());

  it('creates the objects as typed tables with every entry, relations resolved, views and documents, and leaves the source byte-identical', async () => {
    const run = await runEscalator(['import', 'denchclaw', source, '--workspace', target]);
    expect(run.stderr).toEqual(expect.stringMatching(/^importing: 14 rows \(100%\), 14 created, 0 updated, \d+ refused$/));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/imported DenchClaw workspace .*: 4 objects, 14 entries \(14 created, 0 updated, 0 unchanged\)/);
    expect(run.stdout).toMatch(/document people\/onboarding-guide\.md: linked to people but to no entry/);
    expect(run.stdout).toMatch(/object 9 lives!: .*an object name is lower_snake_case.*; its entries are not imported/);
    expect(run.stdout).toMatch(/deal_pipeline\.Path: renamed "Path Field": field "Path" would become the environment variable PATH/);
    expect(run.stdout).toMatch(/deal_pipeline\.Amount: 1 value: Amount: "about ten grand" is not a number/);
    expect(digest(source)).toEqual(before);

    const workspace = await Workspace.open(target);
    try {
      const task = workspace.object('task');
      expect(task.fields.map((field) => `${field.name}:${field.type}${field.multiple ? '*' : ''}`)).toEqual([
        'Title:text', 'Description:text', 'Status:enum', 'Priority:enum', 'Due Date:date', 'Notes:richtext', 'People:relation*', 'Assigned To:user', 'Labels:tags', 'Teams:enum*',
      ]);
      expect(task.activeView).toBe('Open work');
      const columns = await workspace.db.query<{ column_name: string; data_type: string }>(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'obj_task'`,
      );
      expect(Object.fromEntries(columns.map((row) => [row.column_name, row.data_type]))).toMatchObject({ due_date: 'TIMESTAMP WITH TIME ZONE', status: 'VARCHAR' });
      const review = (await findEntries(workspace, 'task', { filter: { field: 'Title', operator: 'is', value: 'Review Q1 reports' } }))[0]!;
      expect(review).toMatchObject({ id: 'seed_ent_task_review_0000000000', Status: 'In Progress', Priority: 'High', 'Assigned To': 'usr_abc123', Labels: '["finance","q1"]' });
      expect((review['Due Date'] as Date).toISOString()).toBe('2026-03-15T00:00:00.000Z');
      const withSarah = await findEntries(workspace, 'task', { filter: { field: 'People', operator: 'has_any', value: ['Sarah Chen'] } });
      expect(withSarah.map((row) => row.Title)).toEqual(['Review Q1 reports']);
      const support = await findEntries(workspace, 'task', { filter: { field: 'Teams', operator: 'has_all', value: ['Support', 'Sales'] } });
      expect(support.map((row) => row.Title)).toEqual(['Review Q1 reports']);
      // people merged into escalator's own people object; DenchClaw's Company text found escalator's company by name.
      const sarah = (await findEntries(workspace, 'people', { filter: { field: 'Full Name', operator: 'is', value: 'Sarah Chen' } }))[0]!;
      expect(sarah).toMatchObject({ Employer: 'Acme Corp', Company: 'Acme Corp', 'Email Address': 'sarah@acmecorp.com' });
      expect(readDocument(workspace, 'people', 'seed_ent_people_sarah_000000000')).toContain('Renewal call in March.');
      const deal = (await findEntries(workspace, 'deal-pipeline'))[0]!;
      expect(deal).toMatchObject({ id: 'ent_deal_1', 'Deal Name': 'Acme renewal', Stage: 'Negotiation', 'Path Field': '/deals/acme', Amount: null });
      expect(workspace.object('deal_pipeline').fields.find((field) => field.name === 'Stage')?.options).toEqual(['Discovery', 'Won', 'Negotiation']);
      const open = await findEntries(workspace, 'task', { view: 'Open work' });
      expect(open.map((row) => row.Status).sort()).toEqual(['In Progress', 'In Progress', 'In Queue', 'In Queue']);
    } finally {
      await workspace.close();
    }
  });

  it('a second import updates instead of duplicating', async () => {
    const run = await runEscalator(['import', 'denchclaw', source, '--workspace', target, '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { entries: { created: number; updated: number; unchanged: number } };
    expect(summary.entries).toEqual({ created: 0, updated: 0, unchanged: 14 });
    expect(digest(source)).toEqual(before);
    const workspace = await Workspace.open(target);
    try {
      const counts = await workspace.db.query<{ count: number }>(`SELECT count(*)::INTEGER AS count FROM obj_task`);
      expect(counts[0]!.count).toBe(5);
    } finally {
      await workspace.close();
    }
  });
});

describe('escalator import denchclaw on a large workspace', () => {
  const temp = temporaryDir('escalator-denchclaw-large-');
  afterAll(() => temp.remove());

  it('shows progress as it goes and imports 10,000 entries with their relation', async () => {
    const source = join(temp.dir, 'denchclaw');
    mkdirSync(source, { recursive: true });
    const instance = await DuckDBInstance.create(join(source, 'workspace.duckdb'));
    const connection = await instance.connect();
    await connection.run(readFileSync(join(fixtures, 'schema.sql'), 'utf8'));
    await connection.run(`
      INSERT INTO objects (id, name, default_view) VALUES ('obj_ticket', 'ticket', 'table');
      INSERT INTO fields (id, object_id, name, type, related_object_id, relationship_type, enum_values, sort_order) VALUES
        ('fld_t_title', 'obj_ticket', 'Title', 'text', NULL, NULL, NULL, 0),
        ('fld_t_points', 'obj_ticket', 'Points', 'number', NULL, NULL, NULL, 1),
        ('fld_t_company', 'obj_ticket', 'Account', 'relation', 'seed_obj_company_0000000000000', 'many_to_one', NULL, 2),
        ('fld_t_state', 'obj_ticket', 'State', 'enum', NULL, NULL, '["Open","Closed"]'::JSON, 3);
      INSERT INTO entries (id, object_id, created_at) SELECT 'ticket_' || i, 'obj_ticket', TIMESTAMPTZ '2026-01-01 00:00:00+00' + i * INTERVAL 1 MINUTE FROM range(10000) t(i);
      INSERT INTO entry_fields (id, entry_id, field_id, value)
        SELECT 'ef_t_' || i, 'ticket_' || i, 'fld_t_title', 'Ticket ' || i FROM range(10000) t(i)
        UNION ALL SELECT 'ef_p_' || i, 'ticket_' || i, 'fld_t_points', CAST(i % 13 AS VARCHAR) FROM range(10000) t(i)
        UNION ALL SELECT 'ef_c_' || i, 'ticket_' || i, 'fld_t_company', CASE WHEN i % 2 = 0 THEN 'seed_ent_company_acme_000000000' ELSE 'seed_ent_company_tech_000000000' END FROM range(10000) t(i)
        UNION ALL SELECT 'ef_s_' || i, 'ticket_' || i, 'fld_t_state', CASE WHEN i % 3 = 0 THEN 'Closed' ELSE 'Open' END FROM range(10000) t(i);
      CHECKPOINT;
    `);
    connection.closeSync();
    instance.closeSync();
    const target = join(temp.dir, 'escalator');
    expect((await runEscalator(['init', '--workspace', target])).code).toBe(0);
    const run = await runEscalator(['import', 'denchclaw', source, '--workspace', target]);
    expect(run.code).toBe(0);
    expect(run.stderr.split('\n').filter((line) => line.startsWith('importing: ')).length).toBeGreaterThanOrEqual(2);
    expect(run.stdout).toMatch(/ticket \(created\): 10000 entries: 10000 created/);
    const workspace = await Workspace.open(target);
    try {
      const rows = await workspace.db.query<{ account: string; n: number }>(`SELECT "Account" AS account, count(*)::INTEGER AS n FROM v_ticket GROUP BY 1 ORDER BY 1`);
      expect(rows).toEqual([{ account: 'Acme Corp', n: 5000 }, { account: 'TechCorp Industries', n: 5000 }]);
      const closed = await findEntries(workspace, 'ticket', { filter: { field: 'State', operator: 'is', value: 'Closed' }, limit: 1 });
      expect(closed[0]).toMatchObject({ State: 'Closed' });
    } finally {
      await workspace.close();
    }
  }, 120_000);
});
