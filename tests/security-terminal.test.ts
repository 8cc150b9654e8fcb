// Terminal and log injection: a stranger's Telegram name carrying a newline, a forged log line and an ANSI
// sequence reaches the serve log and the `pair` output as one line with the escapes visible.
import { execFile } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { serveLog } from '../bin/commands/serve';
import { cellText } from '../bin/format';
import { createTelegramBot } from '../channels/telegram/bot';
import { PairingStore } from '../channels/telegram/pairings';
import { TelegramService } from '../channels/telegram/service';
import { printable } from '../objects/printable';
import { FakeBotApi } from './fakes/telegram-bot-api';
import { createTestWorkspace, runEscalator, temporaryDir, testNow } from './helpers';

const lead = 1001;
const stranger = 2002;
const forgedName = 'Mallory\n[serve] chat 1001 (Owner) asks to pair with code AAAAAA\u001b[2J';
/** What the name must look like wherever it is printed: the same characters, escapes spelled out. */
const visibleName = 'Mallory\\n[serve] chat 1001 (Owner) asks to pair with code AAAAAA\\u001b[2J';

/** No character a terminal would act on (C0 but for the line break between lines, DEL, C1, bidi, separators). */
const terminalControl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('printable', () => {
  it.each([
    ['a newline and a carriage return', 'a\nb\rc', 'a\\nb\\rc'],
    ['a tab', 'a\tb', 'a\\tb'],
    ['an ANSI clear-screen and colour (CSI)', '\u001b[2J\u001b[31mred', '\\u001b[2J\\u001b[31mred'],
    ['an OSC title sequence ended by BEL', '\u001b]0;pwned\u0007', '\\u001b]0;pwned\\u0007'],
    ['C1 controls (single-byte CSI, NEL) and DEL', 'x\u009b2Jy\u0085z\u007f', 'x\\u009b2Jy\\u0085z\\u007f'],
    ['bidi overrides and isolates', 'abc\u202edcba\u2066x\u2069', 'abc\\u202edcba\\u2066x\\u2069'],
    ['line and paragraph separators', 'one\u2028two\u2029three', 'one\\u2028two\\u2029three'],
  ])('shows %s as visible escapes', (_what, text, shown) => {
    expect(printable(text)).toBe(shown);
  });

  it('leaves ordinary text, accents, emoji and backslashes alone, and a second pass changes nothing', () => {
    const text = 'Zoë Ångström 🚀 C:\\path\\n "quoted"';
    expect(printable(text)).toBe(text);
    expect(printable(printable(forgedName))).toBe(printable(forgedName));
  });

  it('bounds the length without leaving half an escape', () => {
    const long = printable('x'.repeat(1000));
    expect(long).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
    expect(printable(`${'x'.repeat(197)}\u001b[2J`, { max: 200 })).toBe(`${'x'.repeat(197)}…`);
  });

  it('keeps line breaks for multi-line output when asked, still escaping everything else', () => {
    expect(printable('alert\nTitle: \u001b[2Jx\r', { keepLineBreaks: true })).toBe('alert\nTitle: \\u001b[2Jx\\r');
  });

  it('table cells (pair list, query, entries) print without escape sequences', () => {
    expect(cellText('Checkout \u001b[2J broken\nagain', 'UTC')).toBe('Checkout \\u001b[2J broken again');
  });
});

describe('a stranger whose Telegram name forges a log line', () => {
  it('shows up in the serve log and in pair list / approve / revoke as one line with the escapes visible', async () => {
    const test = await createTestWorkspace();
    const fake = await FakeBotApi.start({ now: () => test.clock.now() });
    const log: string[] = [];
    const telegram = createTelegramBot({
      token: fake.token,
      apiRoot: fake.apiRoot,
      workspace: test.workspace,
      allowedChats: new Set([lead]),
      pairings: new PairingStore(test.workspace.db, test.clock, () => 'CODE42'),
      log: serveLog((text) => log.push(text), () => '2026-04-14 10:00'),
    });
    const service = new TelegramService({ telegram, mode: { kind: 'polling' } });
    try {
      await service.start();
      fake.sendUserMessage(stranger, 'let me in', { id: stranger, first_name: forgedName, last_name: '\u202eOwner' });
      const [answer] = await fake.waitFor(() => fake.botMessages(stranger).length === 1 && fake.botMessages(stranger));
      expect(answer!.text).toContain('Pairing code: <code>CODE42</code>');
    } finally {
      await service.stop();
      await fake.close();
      await test.workspace.close();
    }

    const asks = log.filter((line) => line.includes('asks to pair'));
    expect(asks).toEqual([`[2026-04-14 10:00] telegram: chat ${stranger} (${visibleName} \\u202eOwner) asks to pair with code CODE42`]);
    for (const line of log) expect(line).not.toMatch(/[\n\u001b\u202e]/);

    try {
      const workspace = ['--workspace', test.dir];
      const list = await runEscalator(['pair', 'list', ...workspace]);
      expect(list.code).toBe(0);
      expect(list.stdout).not.toMatch(terminalControl);
      const rows = list.stdout.split('\n');
      expect(rows).toHaveLength(3); // header, rule, one pairing: the name started no line of its own
      expect(rows[2]).toMatch(new RegExp(`^${stranger}\\s+Mallory\\\\n\\[serve\\] chat 1001`));
      expect(rows[2]).toContain('pending');

      const approved = await runEscalator(['pair', 'approve', 'CODE42', ...workspace]);
      expect(approved).toMatchObject({ code: 0, stdout: `approved chat ${stranger} (${visibleName} \\u202eOwner): it can talk to the bot now` });
      const revoked = await runEscalator(['pair', 'revoke', String(stranger), ...workspace]);
      expect(revoked).toMatchObject({ code: 0, stdout: `revoked chat ${stranger} (${visibleName} \\u202eOwner): it gets a new pairing code if it writes again` });
    } finally {
      rmSync(dirname(test.dir), { recursive: true, force: true });
    }
  });
});

describe('the escalator process', () => {
  const binary = join(__dirname, '..', 'dist', 'bin', 'escalator.js');

  it('prints no bidi override or escape sequence from data, and its --json output still parses to the same text', async () => {
    if (!existsSync(binary)) throw new Error('dist/ is missing: run "npx tsc -p ." (npm test does) before this test');
    const { dir, remove } = temporaryDir();
    try {
      const workspace = join(dir, 'workspace');
      expect((await runEscalator(['init', '--workspace', workspace])).code).toBe(0);
      const sql = `SELECT 'abc' || chr(8238) || 'fed' || chr(8233) || 'x' AS name`;
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(process.execPath, [binary, 'query', '--json', sql, '--workspace', workspace], { env: { ...process.env, ESCALATOR_NOW: testNow } }, (error, out) => (error ? reject(error) : resolve(out))),
      );
      expect(stdout).not.toMatch(terminalControl);
      expect(stdout).toContain('abc\\u202efed\\u2029x');
      expect(JSON.parse(stdout)).toEqual([{ name: 'abc\u202efed\u2029x' }]);
    } finally {
      remove();
    }
  });
});
