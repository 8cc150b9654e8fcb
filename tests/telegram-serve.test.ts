// `escalator serve` as a real process with the bot pointed at the fake Bot API: alerts of a job run from another
// terminal reach Telegram with their buttons, and a chat paired with `escalator pair approve` in another process
// is served.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dumpJob } from '../jobs/job-files';
import { seedEscalationJob } from '../jobs/seed-job';
import { FakeBotApi } from './fakes/telegram-bot-api';
import { runEscalator, temporaryDir, testNow } from './helpers';

const binary = join(__dirname, '..', 'dist', 'bin', 'escalator.js');
const lead = 1001;
const stranger = 2002;

describe('escalator serve with a Telegram bot', () => {
  const { dir, remove } = temporaryDir();
  const workspace = join(dir, 'workspace');
  let fake: FakeBotApi;
  let serve: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    if (!existsSync(binary)) throw new Error('dist/ is missing: run "npx tsc -p ." (npm test does) before this test');
    expect((await runEscalator(['init', '--demo', '--workspace', workspace])).code).toBe(0);
    writeFileSync(join(workspace, 'jobs', 'support-escalation.job.yaml'), dumpJob({ ...seedEscalationJob({ channel: 'telegram', chat: lead }), enabled: false } as never));
    fake = await FakeBotApi.start();
    env = { ...process.env, ESCALATOR_NOW: testNow, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, TELEGRAM_ALLOWED_CHATS: String(lead) };
  });
  afterAll(async () => {
    if (serve && serve.exitCode === null) {
      serve.kill('SIGKILL');
      await new Promise((resolve) => serve!.once('exit', resolve));
    }
    await fake.close();
    remove();
  });

  function escalator(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile(process.execPath, [binary, ...args, '--workspace', workspace], { env }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
      child.stdin!.end();
    });
  }

  it('delivers alerts with buttons, pairs a chat from another terminal, and stops cleanly', async () => {
    serve = spawn(process.execPath, [binary, 'serve', '--workspace', workspace], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const collect = (chunk: Buffer) => {
        log += chunk.toString();
        if (log.includes('Ctrl-C stops')) resolve();
      };
      serve!.stderr!.on('data', collect);
      serve!.stdout!.on('data', collect);
      serve!.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${log}`)));
    });
    expect(log).toContain('Telegram bot @escalator_test_bot (long polling; agent: offline (no ANTHROPIC_API_KEY))');
    expect(fake.commands.map((command) => command.command)).toContain('ticket');

    const run = await escalator('jobs', 'run', 'support-escalation');
    expect(run.code).toBe(0);
    const alert = await fake.waitFor(() => fake.botMessages(lead).find((message) => message.text?.includes("Acme Corp — 'Unable to export data' (P1)")), 20_000);
    expect(alert.reply_markup!.inline_keyboard.flat().map((button) => button.text)).toEqual(['Acknowledge', 'Resolve', 'Snooze 1 h', 'Escalate', 'Mute 24h']);
    const outbox = await escalator('outbox', '--json');
    expect(outbox.stdout).toContain(`"remoteId": "${alert.message_id}"`);

    fake.sendUserMessage(stranger, '/open');
    const pairing = await fake.waitFor(() => fake.botMessages(stranger)[0], 10_000);
    const code = /Pairing code: <code>(\w+)<\/code>/.exec(pairing.text!)![1]!;
    expect(await escalator('pair', 'approve', code)).toMatchObject({ code: 0, stdout: expect.stringContaining(`approved chat ${stranger}`) });
    fake.sendUserMessage(stranger, '/open');
    const served = await fake.waitFor(() => fake.botMessages(stranger)[1], 10_000);
    expect(served.text).toMatch(/^\d+ open tickets:/);

    serve.kill('SIGTERM');
    const exit = await new Promise<number | null>((resolve) => serve!.once('exit', resolve));
    expect(exit).toBe(0);
  });
});
