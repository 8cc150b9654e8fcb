// Action scripts (issue 9, hole 1): a field whose variable a shell, loader or runtime reads never reaches a script —
// refused when the agent's tools create it, skipped at run time when a hand-edited object file has it — and the
// script runs in an environment built from nothing, inside actions/, within a bounded time limit that stops its
// whole process group.
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dump, load } from 'js-yaml';
import { Toolbox } from '../agent/toolbox';
import { runActionField } from '../jobs/action-fields';
import { loadDemo } from '../objects/demo';
import { findEntries } from '../objects/entries';
import { variableName } from '../objects/environment-names';
import { Workspace } from '../objects/workspace';
import { createTools } from '../tools';
import { createTestWorkspace, runEscalator, type TestWorkspace } from './helpers';
import { reservedFieldNames } from './support/reserved-names';

const context = { chat: { channel: 'telegram' as const, id: '4242' }, user: 'Mallory' };

/** True while `pid` is a live process (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

describe('action fields under attack', () => {
  let test: TestWorkspace;
  let toolbox: Toolbox;
  beforeAll(async () => {
    test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
    toolbox = new Toolbox(createTools({ workspace: test.workspace }));
  });
  afterAll(async () => test.cleanup());

  it.each(reservedFieldNames)('add_fields refuses a %j field with one line saying why and what to name it, and writes nothing', async (name) => {
    const file = test.workspace.objectFile('support_tickets');
    const before = readFileSync(file, 'utf8');
    const outcome = await toolbox.call('add_fields', { object: 'support_tickets', fields: [{ name, type: 'text' }] }, context);
    expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/name it/) });
    if (!outcome.ok) {
      expect(outcome.error).not.toContain('\n');
      expect(outcome.error).toContain(variableName(name));
    }
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it.each(reservedFieldNames)('create_object refuses an object with a %j field and creates no file or table', async (name) => {
    const outcome = await toolbox.call('create_object', { name: 'planted', fields: [{ name: 'Title', type: 'text' }, { name, type: 'text' }] }, context);
    expect(outcome).toMatchObject({ ok: false, error: expect.stringMatching(/name it/) });
    expect(test.workspace.objects.has('planted')).toBe(false);
    expect(existsSync(test.workspace.objectFile('planted'))).toBe(false);
  });
});

describe('a hand-edited object file with reserved names', () => {
  let test: TestWorkspace;
  beforeAll(async () => {
    test = await createTestWorkspace({ now: new Date().toISOString(), populate: async (workspace) => void (await loadDemo(workspace)) });
  });
  afterAll(async () => test.cleanup());

  it('opens, and the script sees none of those variables; each skipped field is named', async () => {
    const file = test.workspace.objectFile('support_tickets');
    const raw = load(readFileSync(file, 'utf8')) as { fields: Record<string, unknown>[] };
    for (const name of reservedFieldNames) raw.fields.push({ name, type: 'text' });
    raw.fields.push({ name: 'Env Dump', type: 'action', script: 'env.sh' });
    writeFileSync(file, dump(raw));
    writeFileSync(join(test.dir, 'actions', 'env.sh'), 'env\n');
    await test.workspace.close();
    test.workspace = await Workspace.open(test.dir, { clock: test.clock });

    const [ticket] = await findEntries(test.workspace, 'support_tickets', { limit: 1 });
    const columns = reservedFieldNames.map((name) => test.workspace.object('support_tickets').fields.find((field) => field.name === name)!.column);
    await test.workspace.db.run(`UPDATE obj_support_tickets SET ${columns.map((column) => `"${column}" = 'planted-value'`).join(', ')} WHERE id = ?`, [String(ticket!.id)]);

    const result = await runActionField(test.workspace, 'support_tickets', String(ticket!.id), 'Env Dump');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).not.toContain('planted-value');
    expect(result.stdout).toMatch(/^PATH=\/usr\/local\/bin:\/usr\/bin:\/bin$/m);
    expect(result.skippedFields).toHaveLength(reservedFieldNames.length);
    for (const name of reservedFieldNames) expect(result.skippedFields.join('\n')).toContain(`${name} (${variableName(name)}`);
  });
});

describe('action limits', () => {
  let test: TestWorkspace;
  let ticketId: string;
  const outside = mkdtempSync(join(tmpdir(), 'escalator-outside-'));
  const pidFile = join(outside, 'child.pid');
  beforeAll(async () => {
    test = await createTestWorkspace({ now: new Date().toISOString(), populate: async (workspace) => void (await loadDemo(workspace)) });
    const raw = structuredClone(test.workspace.object('support_tickets').raw) as { fields: Record<string, unknown>[] };
    raw.fields.push({ name: 'Spawner', type: 'action', script: 'spawner.sh', timeout_seconds: 1 });
    raw.fields.push({ name: 'Linked', type: 'action', script: 'linked.sh' });
    await test.workspace.saveObject(raw);
    const [ticket] = await findEntries(test.workspace, 'support_tickets', { limit: 1 });
    ticketId = String(ticket!.id);
    writeFileSync(join(test.dir, 'actions', 'spawner.sh'), `sleep 120 &\necho $! > ${pidFile}\nwait\n`);
  });
  afterAll(async () => {
    await test.cleanup();
    rmSync(outside, { recursive: true, force: true });
  });

  it("the time limit stops the script's children too, not only the script", async () => {
    const result = await runActionField(test.workspace, 'support_tickets', ticketId, 'Spawner');
    expect(result.timedOut).toBe(true);
    const child = Number(readFileSync(pidFile, 'utf8'));
    expect(child).toBeGreaterThan(0);
    expect(alive(child)).toBe(false);
  });

  it('refuses a script under actions/ that is a link to a file outside it, and runs nothing', async () => {
    const marker = join(outside, 'ran');
    writeFileSync(join(outside, 'evil.sh'), `touch ${marker}\n`);
    symlinkSync(join(outside, 'evil.sh'), join(test.dir, 'actions', 'linked.sh'));
    await expect(runActionField(test.workspace, 'support_tickets', ticketId, 'Linked')).rejects.toThrow(/link to a file outside actions\//);
    expect(existsSync(marker)).toBe(false);
  });

  it('bounds the time limit: timeout_seconds above 300 is refused in the file, --timeout above 300 on the command line', async () => {
    const raw = structuredClone(test.workspace.object('support_tickets').raw) as { fields: Record<string, unknown>[] };
    raw.fields.push({ name: 'Forever', type: 'action', script: 'spawner.sh', timeout_seconds: 1e9 });
    await expect(test.workspace.saveObject(raw)).rejects.toThrow(/timeout_seconds/);
    await expect(runActionField(test.workspace, 'support_tickets', ticketId, 'Spawner', { timeoutMs: 1e12 })).rejects.toThrow(/outside 1 ms … 300 s/);
    const cli = await runEscalator(['action', 'support_tickets', ticketId, 'Spawner', '--timeout', '1e9'], { env: { ESCALATOR_WORKSPACE: test.dir } });
    expect(cli.code).toBe(2);
    expect(cli.stderr).toContain('--timeout must be a number of seconds above 0 and at most 300, not "1e9"');
  });
});
