import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { FixedClock } from '../objects/clock';
import { findEntries } from '../objects/entries';
import { Workspace } from '../objects/workspace';
import { runEscalator, temporaryDir } from './helpers';
import { sendZendesk, zendeskSecret, zendeskTrigger, type RunningServer } from './webhook-fixtures';

const root = join(__dirname, '..');

describe('escalator serve --port', () => {
  it('serves the webhooks in a real process, and stops cleanly on SIGTERM', async () => {
    const { dir, remove } = temporaryDir();
    try {
      const target = join(dir, 'workspace');
      expect((await runEscalator(['init', '--demo', '--workspace', target])).code).toBe(0);
      const child = spawn(process.execPath, [join(root, 'dist', 'bin', 'escalator.js'), 'serve', '--port', '0', '--workspace', target], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', ZENDESK_WEBHOOK_SECRET: zendeskSecret },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const port = await new Promise<number>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          const match = /webhooks listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
          if (match) resolve(Number(match[1]));
        });
        child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
      });
      const running = { base: `http://127.0.0.1:${port}` } as RunningServer;
      const response = await sendZendesk(running, { now: () => new Date() }, zendeskTrigger({ id: '9001', title: 'Webhook from a real Zendesk', organization: 'Initech' }));
      expect(response.status).toBe(201);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stderr).toMatch(/webhooks on http:\/\/127\.0\.0\.1:\d+/);
      expect(stderr).toMatch(/webhook zendesk: created ticket \w+ \(Zendesk 9001\)/);
      const workspace = await Workspace.open(target, { clock: new FixedClock(new Date()) });
      try {
        expect(await findEntries(workspace, 'support_tickets', { filter: { field: 'External Id', operator: 'is', value: '9001' } })).toEqual([
          expect.objectContaining({ Title: 'Webhook from a real Zendesk', Customer: 'Initech', Source: 'Zendesk' }),
        ]);
      } finally {
        await workspace.close();
      }
    } finally {
      remove();
    }
  });
});
