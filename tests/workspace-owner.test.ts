// One workspace, several commands: while a process owns the workspace (DuckDB lets one process open the file),
// other escalator processes run their commands inside it over the workspace's socket. Real processes throughout.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ownerSocketPath } from '../bin/owner-protocol';
import { runEscalator, temporaryDir, testNow } from './helpers';

const root = join(__dirname, '..');
const binary = join(root, 'dist', 'bin', 'escalator.js');
const ownerScript = join(root, 'dist', 'tests', 'fixtures', 'owner-process.js');
const env = { ...process.env, ESCALATOR_NOW: testNow };

/** Runs the real escalator executable; resolves with its exit code and output. */
function escalator(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [binary, ...args], { env }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin!.end(stdin);
    else child.stdin!.end();
  });
}

/** Starts the owner process and resolves once it holds the workspace. */
async function startOwner(workspace: string, ...extra: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [ownerScript, 'hold', ...extra, '--workspace', workspace], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`owner exited with ${code}: ${output}`)));
  });
  return child;
}

function stopped(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

describe('one workspace, several commands', () => {
  const { dir, remove } = temporaryDir();
  const workspace = join(dir, 'workspace');
  const inWorkspace = (...args: string[]) => [...args, '--workspace', workspace];
  let owner: ChildProcess | undefined;

  beforeAll(async () => {
    if (!existsSync(binary) || !existsSync(ownerScript)) throw new Error('dist/ is missing: run "npx tsc -p ." (npm test does) before this test');
    expect((await runEscalator(inWorkspace('init', '--demo'))).code).toBe(0);
  });
  afterEach(async () => {
    if (owner && owner.exitCode === null) {
      owner.kill('SIGTERM');
      await stopped(owner);
    }
    owner = undefined;
  });
  afterAll(remove);

  it('runs query, pair and entries commands inside the process that owns the workspace', async () => {
    owner = await startOwner(workspace, '555', 'PAIR42');
    expect(existsSync(ownerSocketPath(workspace))).toBe(true);

    const query = await escalator(inWorkspace('query', '--json', `SELECT count(*) AS tickets FROM v_support_tickets`));
    expect(query).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(query.stdout)).toEqual([{ tickets: 200 }]);

    const listed = await escalator(inWorkspace('pair', 'list'));
    expect(listed.stdout).toMatch(/555\s+Dana from support\s+pending\s+PAIR42/);
    expect(await escalator(inWorkspace('pair', 'approve', 'pair42'))).toMatchObject({ code: 0, stdout: 'approved chat 555 (Dana from support): it can talk to the bot now\n' });
    expect((await escalator(inWorkspace('pair', 'list', '--json'))).stdout).toContain('"status": "approved"');

    const created = await escalator(inWorkspace('entries', 'create', 'support_tickets', 'Title=Routed ticket', 'Customer=Acme Corp', 'Priority=P2'));
    expect(created.code).toBe(0);
    const id = /created support_tickets (\w+)/.exec(created.stdout)![1]!;
    expect((await escalator(inWorkspace('entries', 'doc', 'support_tickets', id), '# Review\nRoot cause: a locked table.\n')).code).toBe(0);
    const shown = await escalator(inWorkspace('entries', 'show', 'support_tickets', id));
    expect(shown.stdout).toContain('Root cause: a locked table.');
  });

  it('passes exit codes and one-line errors back, and refuses a second owner', async () => {
    owner = await startOwner(workspace);
    expect(await escalator(inWorkspace('pair', 'approve'))).toMatchObject({ code: 2, stderr: expect.stringMatching(/^escalator: approve needs the code/) });
    expect(await escalator(inWorkspace('pair', 'approve', 'NOPE99'))).toMatchObject({ code: 1, stderr: expect.stringContaining('no chat is waiting with pairing code "NOPE99"') });
    expect(await escalator(inWorkspace('query', 'DELETE FROM obj_company'))).toMatchObject({ code: 1, stderr: expect.stringContaining('query refused') });
    const second = spawn(process.execPath, [ownerScript, 'hold', '--workspace', workspace], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    second.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    expect(await stopped(second)).toBe(1);
    expect(stderr).toMatch(/escalator hold is already running for .* \(pid \d+\); stop it first/);
  });

  it('serves several commands at once', async () => {
    owner = await startOwner(workspace);
    const results = await Promise.all(
      ['Acme Corp', 'Globex Industries', 'Initech', 'Umbrella Health'].map((name) =>
        escalator(inWorkspace('query', '--json', `SELECT "Name" FROM v_company WHERE "Name" = '${name}'`)),
      ),
    );
    expect(results.map((result) => [result.code, JSON.parse(result.stdout)[0].Name])).toEqual([
      [0, 'Acme Corp'],
      [0, 'Globex Industries'],
      [0, 'Initech'],
      [0, 'Umbrella Health'],
    ]);
  });

  it('opens the workspace itself when the owner died and left its socket behind', async () => {
    owner = await startOwner(workspace);
    owner.kill('SIGKILL');
    await stopped(owner);
    expect(existsSync(ownerSocketPath(workspace))).toBe(true);
    const query = await escalator(inWorkspace('query', '--json', 'SELECT count(*) AS companies FROM v_company'));
    expect(query).toMatchObject({ code: 0, stderr: '' });
    // and a new owner replaces the stale socket
    owner = await startOwner(workspace);
    expect((await escalator(inWorkspace('pair', 'list'))).code).toBe(0);
  });
});
