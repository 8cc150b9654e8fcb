// DenchClaw's .object.yaml files, as its code generates them and its skills and a published workspace have them
// (tests/fixtures/denchclaw/README.md names the source of each), load into escalator: what the file leaves to
// DenchClaw's database is assumed and said; a file that cannot be read is reported and skipped.
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { load } from 'js-yaml';
import { buildBoard } from '../objects/board';
import { createEntries, findEntries } from '../objects/entries';
import { Workspace } from '../objects/workspace';
import { createTestWorkspace, runEscalator, temporaryDir } from './helpers';

const fixtures = join(__dirname, 'fixtures', 'denchclaw');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.object.yaml') ? [path] : [];
  });
}

/** Where a fixture goes in a workspace: objects/<its name>/, or its nested folder as DenchClaw had it. */
function placeOf(fixture: string): string {
  if (fixture.includes(`${join('denchclaw', 'nested')}`)) return join('objects', relative(join(fixtures, 'nested'), dirname(fixture)));
  const name = String((load(readFileSync(fixture, 'utf8')) as { name: string }).name);
  return join('objects', name);
}

describe('object files DenchClaw writes', () => {
  const temp = temporaryDir('escalator-denchclaw-files-');
  const base = join(temp.dir, 'base');
  beforeAll(async () => {
    const test = await createTestWorkspace();
    await test.workspace.close();
    cpSync(test.dir, base, { recursive: true });
    await test.cleanup();
  });
  afterAll(() => temp.remove());

  async function openWith(files: { place: string; text: string }[], name: string): Promise<Workspace> {
    const dir = join(temp.dir, name);
    cpSync(base, dir, { recursive: true });
    for (const file of files) {
      mkdirSync(join(dir, file.place), { recursive: true });
      writeFileSync(join(dir, file.place, '.object.yaml'), file.text);
    }
    return Workspace.open(dir);
  }

  const collected = filesUnder(fixtures);

  it('collects at least 25 files from public DenchClaw sources', () => {
    expect(collected.length).toBeGreaterThanOrEqual(25);
  });

  it.each(collected.map((file) => [relative(fixtures, file), file]))('%s loads, with what was assumed said', async (label, file) => {
    const place = placeOf(file);
    const workspace = await openWith([{ place, text: readFileSync(file, 'utf8') }], label.replace(/[^a-z0-9]+/gi, '-'));
    try {
      expect(workspace.problems).toEqual([]);
      const name = String((load(readFileSync(file, 'utf8')) as { name: string }).name).toLowerCase().replace(/[\s-]+/g, '_');
      const definition = workspace.object(name);
      expect(workspace.objectFile(name)).toBe(join(workspace.dir, place, '.object.yaml'));
      expect(Array.isArray(definition.notes)).toBe(true);
    } finally {
      await workspace.close();
    }
  });

  it('reads fields listed by name only as text, and a relation with no target as its entry ids, saying so', async () => {
    const workspace = await openWith([{ place: 'objects/projects/tasks', text: readFileSync(join(fixtures, 'nested/projects/tasks/.object.yaml'), 'utf8') }, { place: 'objects/marketing/influencer', text: readFileSync(join(fixtures, 'nested/marketing/influencer/.object.yaml'), 'utf8') }], 'untyped');
    try {
      const tasks = workspace.object('tasks');
      expect(tasks.fields.map((field) => `${field.name}:${field.type}`)).toEqual(['Title:text', 'Status:text', 'Due Date:text']);
      expect(tasks.notes).toContain('field "Due Date" has no type; read as text');
      expect(tasks.defaultViewType).toBe('kanban');
      const influencer = workspace.object('influencer');
      expect(influencer.fields.map((field) => `${field.name}:${field.type}${field.multiple ? '*' : ''}`)).toEqual([
        'Creator Name:text', 'YouTube URL:url', 'Stage:enum', 'Platforms:enum*', 'Topics:tags', 'Owner:user', 'Campaigns:tags', 'Media Kit:file',
      ]);
      expect(influencer.notes).toEqual(expect.arrayContaining([
        'relation field "Campaigns" names no related object; read as tags (its entry ids); set related_object',
        'view "Signed" shows column "Follower Count", not a field of influencer; left out',
      ]));
      expect(influencer.displayField).toBe('Creator Name');
      expect(workspace.docsDir('influencer')).toBe(join(workspace.dir, 'objects/marketing/influencer/docs'));
    } finally {
      await workspace.close();
    }
  });

  it('reads a hyphenated object name as its table name and keeps the file where it is', async () => {
    const workspace = await openWith([{ place: 'objects/deal-pipeline', text: readFileSync(join(fixtures, 'nested/deal-pipeline/.object.yaml'), 'utf8') }], 'hyphen');
    try {
      const pipeline = workspace.object('deal-pipeline');
      expect(pipeline.name).toBe('deal_pipeline');
      expect(pipeline.notes).toEqual(expect.arrayContaining(['object name "deal-pipeline" read as deal_pipeline']));
      expect(pipeline.activeView).toBe('Board');
      expect(await workspace.db.query('SELECT count(*)::INTEGER AS n FROM obj_deal_pipeline')).toEqual([{ n: 0 }]);
    } finally {
      await workspace.close();
    }
  });

  it('keeps active_view, view_type, columns and per-view settings through a save', async () => {
    const text = readFileSync(join(fixtures, 'objects/denchhq-skill-lead-with-views-template.object.yaml'), 'utf8');
    const workspace = await openWith([{ place: 'objects/lead', text }], 'roundtrip');
    try {
      const lead = workspace.object('lead');
      expect(lead.activeView).toBe('Active deals');
      expect(lead.views.map((view) => `${view.name}:${view.viewType}`)).toEqual(['Active deals:table', 'Board:kanban', 'Calendar:calendar', 'Timeline:timeline', 'Overdue:table']);
      expect(lead.views.find((view) => view.name === 'Active deals')?.problem).toMatch(/"Negotiating" is not an option of Status/);
      // A DenchClaw view with no sort lists newest first, as DenchClaw's ORDER BY created_at DESC does.
      expect(lead.views.find((view) => view.name === 'Board')?.sort).toEqual([{ field: 'created_at', direction: 'desc' }]);
      await createEntries(workspace, 'lead', [{ 'Full Name': 'older', 'Email Address': 'o@example.com', created_at: '2026-01-01' }, { 'Full Name': 'newer', 'Email Address': 'n@example.com', created_at: '2026-02-01' }], { by: 'test' });
      expect((await findEntries(workspace, 'lead', { view: 'Board' })).map((row) => row['Full Name'])).toEqual(['newer', 'older']);
      const raw = structuredClone(lead.raw) as { fields: Record<string, unknown>[] };
      raw.fields.push({ name: 'Region', type: 'text' });
      await workspace.saveObject(raw);
      const saved = load(readFileSync(workspace.objectFile('lead'), 'utf8')) as Record<string, unknown>;
      expect(saved.active_view).toBe('Active deals');
      const views = saved.views as Record<string, unknown>[];
      expect(views[0]).toMatchObject({ view_type: 'table', columns: ['name', 'status', 'amount', 'assignee'], sort: [{ field: 'updated_at', direction: 'desc' }] });
      expect(views[1]).toMatchObject({ view_type: 'kanban', settings: { kanbanField: 'Status' } });
      expect(workspace.object('lead').fields.map((field) => field.name)).toContain('Region');
    } finally {
      await workspace.close();
    }
  });

  it('finds the board field as DenchClaw does when view_settings names none', async () => {
    const workspace = await openWith([{ place: 'objects/task', text: readFileSync(join(fixtures, 'objects/denchhq-seed-task.object.yaml'), 'utf8') }], 'board');
    try {
      expect(workspace.object('task').kanbanField).toBeUndefined();
      const board = await buildBoard(workspace, 'task');
      expect(board.field).toBe('Status');
      expect(board.columns.map((column) => column.option)).toEqual(['In Queue', 'In Progress', 'Done']);
    } finally {
      await workspace.close();
    }
  });

  it('reports a file it cannot read with file, line and reason, skips it, and everything else works', async () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, index) => `${String.fromCharCode(98 + index)}: &${String.fromCharCode(98 + index)} [*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)},*${String.fromCharCode(97 + index)}]`)].join('\n');
    const files = [
      { place: 'objects/gadgets', text: 'name: gadgets\nfields:\n  - name: Name\n    type: text\n  - name: Size\n    type: bignum\n' },
      { place: 'objects/bomb', text: bomb },
      { place: 'objects/task', text: readFileSync(join(fixtures, 'objects/aspectrr-7e26861-task.object.yaml'), 'utf8') },
    ];
    const started = Date.now();
    const workspace = await openWith(files, 'bad');
    const dir = workspace.dir;
    try {
      expect(Date.now() - started).toBeLessThan(5000);
      expect(workspace.problems).toEqual([
        expect.objectContaining({ file: 'objects/bomb/.object.yaml', object: 'bomb', message: expect.stringMatching(/aliases|expands/) }),
        expect.objectContaining({ file: 'objects/gadgets/.object.yaml', object: 'gadgets', message: expect.stringMatching(/fields\.1\.type: unknown field type "bignum"/) }),
      ]);
      expect(workspace.object('task').fields).toHaveLength(6);
      await expect(buildBoard(workspace, 'gadgets')).rejects.toThrow(/object "gadgets" is not loaded: objects\/gadgets\/\.object\.yaml: fields\.1\.type: unknown field type "bignum"/);
    } finally {
      await workspace.close();
    }
    const list = await runEscalator(['objects', 'list', '--workspace', dir]);
    expect(list.code).toBe(1);
    expect(list.stdout).toMatch(/task\s+5?\s*0?/);
    expect(list.stdout).toMatch(/gadgets .*not loaded: fields\.1\.type: unknown field type "bignum"/);
    expect(list.stderr).toMatch(/objects\/gadgets\/\.object\.yaml: fields\.1\.type: unknown field type "bignum".* — not loaded; fix the file/);
    const json = JSON.parse((await runEscalator(['objects', 'list', '--workspace', dir, '--json'])).stdout) as { name: string; loaded: boolean; reason?: string }[];
    expect(json.filter((object) => !object.loaded).map((object) => object.name)).toEqual(['bomb', 'gadgets']);
    rmSync(join(dir, 'objects', 'bomb'), { recursive: true });
  });
});
