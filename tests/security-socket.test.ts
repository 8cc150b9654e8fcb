// Red team, issue 9 items 2 and 3: the owner socket on a shared machine. Another local user must not be able to
// plant the socket or its folder, receive routed command lines (or the secrets they used to carry), fake the
// owner's output, or connect in the moment between bind and chmod. These tests run as root on CI: "another user"
// is simulated by chown to nobody (uid 65534) where root can do that, and by modes and symlinks everywhere else.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { Server, Socket, connect, createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { routedEnvironment, routedVariableNames } from '../bin/owner-protocol';
import { OwnerServer, type RoutedRunner } from '../bin/owner-server';
import { locateOwnerSocket } from '../bin/owner-socket-path';
import { runEscalator, temporaryDir, testNow } from './helpers';

const isRoot = process.getuid?.() === 0;
const nobody = 65534;
const secrets = {
  ANTHROPIC_API_KEY: 'sk-ant-caller-secret-key',
  TELEGRAM_BOT_TOKEN: '123456:caller-bot-token',
  TELEGRAM_WEBHOOK_SECRET: 'caller-telegram-webhook-secret',
  ZENDESK_WEBHOOK_SECRET: 'caller-zendesk-secret',
  INTERCOM_CLIENT_SECRET: 'caller-intercom-secret',
  ESCALATOR_WEBHOOK_TOKEN: 'caller-generic-webhook-token',
};

/** A listener standing where escalator's socket would be, as another user would plant it; records who came. */
async function plantSocket(path: string): Promise<{ server: Server; connections: () => number; received: () => string }> {
  let connections = 0;
  let received = '';
  const server = createServer((socket) => {
    connections++;
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  });
  await new Promise<void>((resolve) => server.listen(path, () => resolve()));
  return { server, connections: () => connections, received: () => received };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Writes lines to the socket and collects the frames the owner answers with until it hangs up. */
function exchange(socketPath: string, lines: string[]): Promise<Array<Record<string, unknown>>> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(socketPath);
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
    socket.on('error', reject);
    socket.on('close', () => resolve(text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>)));
    socket.on('connect', () => socket.write(lines.join('')));
  });
}

const echoRunner = (runs: string[]): RoutedRunner => async (request, io) => {
  runs.push(request.argv.join(' '));
  io.stdout(`ran ${request.argv.join(' ')}`);
  return 0;
};

describe('the owner socket on a shared machine', () => {
  const { dir, remove } = temporaryDir('escalator-socket-test-');
  afterAll(remove);
  let counter = 0;
  /** A fresh temp root (what TMPDIR points at) and a workspace path too long to hold its own socket. */
  const longSetup = () => {
    const root = join(dir, `root${++counter}`);
    mkdirSync(root, { mode: 0o700 });
    chmodSync(root, 0o1777); // like /tmp
    const workspace = join(dir, `workspace${counter}-${'w'.repeat(110)}`);
    mkdirSync(workspace, { mode: 0o700 });
    return { root, workspace, environment: { TMPDIR: root } };
  };
  const shortWorkspace = () => {
    const workspace = join(dir, `ws${++counter}`);
    mkdirSync(workspace, { mode: 0o700 });
    return workspace;
  };

  it('puts the socket of a workspace with a long path in a private 0700 folder of this user, never in the temp folder itself', async () => {
    const { root, workspace, environment } = longSetup();
    const runs: string[] = [];
    const owner = await OwnerServer.listen(workspace, { command: 'serve', run: echoRunner(runs), environment });
    try {
      const folder = dirname(owner.socketPath);
      expect(folder).not.toBe(root);
      const stats = lstatSync(folder);
      expect({ directory: stats.isDirectory(), symlink: stats.isSymbolicLink(), uid: stats.uid, mode: (stats.mode & 0o777).toString(8) }).toEqual({
        directory: true,
        symlink: false,
        uid: process.getuid!(),
        mode: '700',
      });
      expect(lstatSync(owner.socketPath).mode & 0o077).toBe(0);

      const routed = await runEscalator(['query', 'SELECT 1', '--workspace', workspace], { env: environment });
      expect(routed).toEqual({ code: 0, stdout: `ran query SELECT 1 --workspace ${workspace}`, stderr: '' });
    } finally {
      await owner.close();
    }
    expect(existsSync(owner.socketPath)).toBe(false);
  });

  const plantedFolders: Array<[string, (folder: string) => void, RegExp]> = [
    ['a folder of mode 0777', (folder) => (mkdirSync(folder), chmodSync(folder, 0o777)), /has mode 0777, not 0700/],
    ['a symbolic link to a 0700 folder', (folder) => (mkdirSync(`${folder}-real`, { mode: 0o700 }), symlinkSync(`${folder}-real`, folder)), /is a symbolic link/],
  ];
  if (isRoot) plantedFolders.push(['a 0700 folder of another user (chown nobody, as root)', (folder) => (mkdirSync(folder, { mode: 0o700 }), chownSync(folder, nobody, nobody)), /belongs to uid 65534, not to you/]);

  it.each(plantedFolders)('refuses %s at the private folder path: the client sends nothing and serve does not bind', async (_case, plant, problem) => {
    const { workspace, environment } = longSetup();
    const location = locateOwnerSocket(workspace, environment);
    plant(location.folder);
    // Another user's listener waiting where the socket goes, as the red team planted it.
    const planted = await plantSocket(location.socketPath);
    const plantedInode = lstatSync(location.socketPath).ino;
    try {
      const client = await runEscalator(['query', 'SELECT 1', '--workspace', workspace], { env: { ...environment, ...secrets } });
      expect(client.code).toBe(1);
      expect(client.stderr).toMatch(problem);
      expect(client.stderr).toMatch(/remove it .*or set TMPDIR to a folder that only you can write/);
      expect(planted.connections()).toBe(0);

      const runs: string[] = [];
      await expect(OwnerServer.listen(workspace, { command: 'serve', run: echoRunner(runs), environment })).rejects.toThrow(problem);
      expect(lstatSync(location.socketPath).ino).toBe(plantedInode);
      expect(existsSync(location.tokenPath)).toBe(false);
    } finally {
      await closeServer(planted.server);
    }
  });

  it('never connects to a socket path that is a symbolic link, even to a listening socket', async () => {
    const workspace = shortWorkspace();
    const elsewhere = await plantSocket(join(dir, `elsewhere${counter}.sock`));
    const socketPath = join(workspace, '.escalator.sock');
    symlinkSync(join(dir, `elsewhere${counter}.sock`), socketPath);
    try {
      const client = await runEscalator(['query', 'SELECT 1', '--workspace', workspace], { env: secrets });
      expect(client.code).toBe(1);
      expect(client.stderr).toContain(`${socketPath} is a symbolic link, not escalator's socket; nothing was sent to it`);
      expect(elsewhere.connections()).toBe(0);
      await expect(OwnerServer.listen(workspace, { command: 'serve', run: echoRunner([]), environment: {} })).rejects.toThrow(/is a symbolic link/);
    } finally {
      await closeServer(elsewhere.server);
    }
  });

  (isRoot ? it : it.skip)('never connects to a socket that belongs to another user (chown nobody, as root)', async () => {
    const workspace = shortWorkspace();
    const socketPath = join(workspace, '.escalator.sock');
    const planted = await plantSocket(socketPath);
    chownSync(socketPath, nobody, nobody);
    try {
      const client = await runEscalator(['query', 'SELECT 1', '--workspace', workspace], { env: secrets });
      expect(client.code).toBe(1);
      expect(client.stderr).toContain(`${socketPath} belongs to uid 65534, not to you (uid 0); nothing was sent to it`);
      expect(planted.connections()).toBe(0);
      expect(planted.received()).toBe('');
    } finally {
      await closeServer(planted.server);
    }
  });

  it('refuses a connection that does not present the owner token, with nothing run and not even its pid given away', async () => {
    const workspace = shortWorkspace();
    const runs: string[] = [];
    const owner = await OwnerServer.listen(workspace, { command: 'serve', run: echoRunner(runs), environment: {} });
    try {
      const run = { type: 'run', argv: ['pair', 'approve', 'ABC123'], cwd: workspace, env: {}, interactive: false };
      const refusals = await Promise.all([
        exchange(owner.socketPath, [`${JSON.stringify(run)}\n`]),
        exchange(owner.socketPath, [`${JSON.stringify({ ...run, token: 'f'.repeat(64) })}\n`]),
        exchange(owner.socketPath, [`${JSON.stringify({ type: 'stdin', data: 'aGk=' })}\n`, `${JSON.stringify(run)}\n`]),
        exchange(owner.socketPath, ['not json\n']),
      ]);
      for (const frames of refusals) {
        expect(frames).toEqual([
          { type: 'stderr', text: expect.stringMatching(/^escalator: the workspace's owner refused this connection: .*owner's token/) },
          { type: 'exit', code: 1 },
        ]);
      }
      expect(runs).toEqual([]);

      const { tokenPath } = locateOwnerSocket(workspace);
      expect(lstatSync(tokenPath).mode & 0o777).toBe(0o600);
      const token = readFileSync(tokenPath, 'utf8');
      const accepted = await exchange(owner.socketPath, [`${JSON.stringify({ ...run, token })}\n`]);
      expect(accepted).toEqual([
        { type: 'hello', pid: process.pid, command: 'serve' },
        { type: 'stdout', text: 'ran pair approve ABC123' },
        { type: 'exit', code: 0 },
      ]);
      expect(runs).toEqual(['pair approve ABC123']);
    } finally {
      await owner.close();
    }
    expect(existsSync(locateOwnerSocket(workspace).tokenPath)).toBe(false);
  });

  it('stops even while a connection that never showed the token stays open', async () => {
    const workspace = shortWorkspace();
    const owner = await OwnerServer.listen(workspace, { command: 'serve', run: echoRunner([]), environment: {} });
    const idle = connect(owner.socketPath);
    const idleClosed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
    idle.on('error', () => undefined);
    await new Promise<void>((resolve) => idle.once('connect', () => resolve()));
    await owner.close();
    await idleClosed;
    expect(existsSync(owner.socketPath)).toBe(false);
  }, 5000);

  it('binds the socket owner-only even under umask 000: its mode the moment it is bound has no group or other bits', async () => {
    const workspace = shortWorkspace();
    const { workspace: longWorkspace, environment } = longSetup();
    const originalListen = Server.prototype.listen;
    const modesAtBind: Array<{ path: string; mode: number }> = [];
    const spy = jest.spyOn(Server.prototype, 'listen').mockImplementation(function (this: Server, ...args: unknown[]) {
      const path = args[0];
      if (typeof path === 'string') this.once('listening', () => modesAtBind.push({ path, mode: lstatSync(path).mode & 0o777 }));
      return (originalListen as (...listenArgs: unknown[]) => Server).apply(this, args);
    });
    const previousUmask = process.umask(0);
    const owners: OwnerServer[] = [];
    try {
      owners.push(await OwnerServer.listen(workspace, { command: 'serve', run: echoRunner([]), environment: {} }));
      owners.push(await OwnerServer.listen(longWorkspace, { command: 'serve', run: echoRunner([]), environment }));
    } finally {
      process.umask(previousUmask);
      spy.mockRestore();
    }
    try {
      expect(modesAtBind.map((bound) => bound.path)).toEqual(owners.map((owner) => owner.socketPath));
      for (const bound of modesAtBind) expect({ path: bound.path, groupOrOther: bound.mode & 0o077 }).toEqual({ path: bound.path, groupOrOther: 0 });
      for (const owner of owners) expect(lstatSync(owner.socketPath).mode & 0o777).toBe(0o600);
      expect(lstatSync(dirname(owners[1]!.socketPath)).mode & 0o777).toBe(0o700);
    } finally {
      for (const owner of owners) await owner.close();
    }
  });

  it('a routed command runs with the owner\'s keys and tokens, taking only allow-listed variables from its caller', () => {
    expect(routedVariableNames.filter((name) => /KEY|TOKEN|SECRET|PASSWORD/i.test(name))).toEqual([]);
    const environment = routedEnvironment(
      { PATH: '/usr/bin', ANTHROPIC_API_KEY: 'owner-key', TELEGRAM_BOT_TOKEN: 'owner-token', ESCALATOR_NOW: testNow, ESCALATOR_WORKSPACE: '/owner/ws' },
      { ...secrets, ESCALATOR_MODEL: 'claude-caller', TZ: 'Europe/London', PATH: '/tmp/evil', NODE_OPTIONS: '--require /tmp/evil.js' },
    );
    expect(environment).toEqual({ PATH: '/usr/bin', ANTHROPIC_API_KEY: 'owner-key', TELEGRAM_BOT_TOKEN: 'owner-token', ESCALATOR_MODEL: 'claude-caller', TZ: 'Europe/London' });
  });
});

describe('what a routed command sends to a real owner process', () => {
  const root = join(__dirname, '..');
  const ownerScript = join(root, 'dist', 'tests', 'fixtures', 'owner-process.js');
  const { dir, remove } = temporaryDir('escalator-socket-owner-');
  const workspace = join(dir, 'workspace');
  let owner: ChildProcess | undefined;

  beforeAll(async () => {
    if (!existsSync(ownerScript)) throw new Error('dist/ is missing: run "npx tsc -p ." (npm test does) before this test');
    expect((await runEscalator(['init', '--workspace', workspace])).code).toBe(0);
  });
  afterAll(async () => {
    if (owner && owner.exitCode === null) {
      owner.kill('SIGTERM');
      await new Promise((resolve) => owner!.once('exit', resolve));
    }
    remove();
  });

  it('carries no API key, bot token or webhook secret over the socket, and the command still runs in the owner', async () => {
    // The owner has an environment of its own (here without the caller's secrets).
    const ownerEnvironment: NodeJS.ProcessEnv = { PATH: process.env.PATH, ESCALATOR_NOW: testNow };
    owner = spawn(process.execPath, [ownerScript, 'hold', '--workspace', workspace], { env: ownerEnvironment, stdio: ['ignore', 'pipe', 'pipe'] });
    await new Promise<void>((resolve, reject) => {
      let output = '';
      owner!.stdout!.on('data', (chunk: Buffer) => ((output += chunk.toString()), output.includes('ready') && resolve()));
      owner!.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      owner!.once('exit', (code) => reject(new Error(`owner exited with ${code}: ${output}`)));
    });

    const sent: string[] = [];
    const originalWrite = Socket.prototype.write;
    const spy = jest.spyOn(Socket.prototype, 'write').mockImplementation(function (this: Socket, ...args: unknown[]) {
      sent.push(String(args[0]));
      return (originalWrite as (...writeArgs: unknown[]) => boolean).apply(this, args);
    });
    let routed: Awaited<ReturnType<typeof runEscalator>>;
    try {
      routed = await runEscalator(['query', '--json', 'SELECT count(*)::INTEGER AS companies FROM v_company', '--workspace', workspace], {
        env: { ...secrets, TZ: 'UTC', NO_COLOR: '1' },
      });
    } finally {
      spy.mockRestore();
    }
    expect(routed).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(routed.stdout)).toEqual([{ companies: expect.any(Number) }]);

    const wire = sent.join('');
    expect(wire).toContain('"type":"run"');
    for (const [name, value] of Object.entries(secrets)) {
      expect({ name, sent: wire.includes(value) || wire.includes(name) }).toEqual({ name, sent: false });
    }
    const runFrame = JSON.parse(wire.split('\n').find((line) => line.includes('"type":"run"'))!) as { env: Record<string, string>; token: string };
    expect(runFrame.env).toEqual({ ESCALATOR_NOW: testNow, TZ: 'UTC', NO_COLOR: '1' });
    expect(runFrame.token).toMatch(/^[0-9a-f]{64}$/);
  });
});
