import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { runEscalator, temporaryDir } from './helpers';

const root = join(__dirname, '..');

describe('escalator web with serve --port running', () => {
  it('is routed to the running serve, whose port the link carries; the link signs in once over real HTTP', async () => {
    const { dir, remove } = temporaryDir();
    const target = join(dir, 'workspace');
    const escalator = join(root, 'dist', 'bin', 'escalator.js');
    expect((await runEscalator(['init', '--demo', '--workspace', target])).code).toBe(0);
    const child = spawn(process.execPath, [escalator, 'serve', '--port', '0', '--workspace', target], { cwd: root, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      let stderr = '';
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /Ctrl-C stops/.test(stderr) && /webhooks listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
          if (match) resolve(Number(match[1]));
        });
        child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
      });
      const web = spawn(process.execPath, [escalator, 'web', '--as', 'Priya Patel', '--workspace', target], { cwd: root, env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      web.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      expect(await new Promise((resolve) => web.on('exit', resolve))).toBe(0);
      const link = new RegExp(`^http://127\\.0\\.0\\.1:${port}/login\\?token=[\\w-]{43}$`, 'm').exec(stdout)?.[0];
      expect(link).toBeDefined();

      // Node's fetch may not send Fetch Metadata headers, so it gets the sign-in button; its form signs in.
      const preview = await fetch(link!);
      expect(await preview.text()).toContain('<form method="post" action="/login">');
      const token = new URL(link!).searchParams.get('token')!;
      const signIn = () => fetch(`http://127.0.0.1:${port}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }) });
      const login = await signIn();
      expect(login.status).toBe(200);
      const cookie = /escalator_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
      const board = await fetch(`http://127.0.0.1:${port}/board/support_tickets`, { headers: { cookie } });
      expect(board.status).toBe(200);
      expect(await board.text()).toContain('Unable to export data');
      expect((await signIn()).status).toBe(401);
      // The webhook endpoints keep their own authentication: no secret set, so they answer 404, cookie or not.
      expect((await fetch(`http://127.0.0.1:${port}/webhooks/zendesk`, { method: 'POST', headers: { cookie }, body: '{}' })).status).toBe(404);
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      remove();
    }
  });
});
