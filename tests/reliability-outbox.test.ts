// Reliability of alert delivery (issue 10): the real grammY deliverer against the fake Bot API, DuckDB on a file, fake
// time. A message cut off by a dying process goes again marked and counted; a record that cannot be written is
// retried as a record, never as a second send; a storm becomes five alerts and a digest, paced per chat; a recovered
// Telegram is used at once; a 429 for one chat holds no other.
import { Readable } from 'node:stream';
import { runCli } from '../bin/cli';
import { telegramDeliverer } from '../channels/telegram/deliverer';
import { loadDemo } from '../objects/demo';
import { createEntries } from '../objects/entries';
import { saveJob } from '../jobs/job-files';
import { enqueueMessage, listOutbox, Outbox, type OutboxOptions } from '../jobs/outbox';
import { runJob } from '../jobs/runner';
import { Scheduler } from '../jobs/scheduler';
import { FakeTimers } from './fake-time';
import { FakeBotApi } from './fakes/telegram-bot-api';
import { createTestWorkspace, testNow, type TestWorkspace } from './helpers';

const chat = 1001;
const other = 2002;
const second = 1_000;
const minute = 60_000;

/** `work`, or a failure after `milliseconds` of real time (a bound on a test that would otherwise hang, not a sleep). */
async function within<T>(milliseconds: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not done within ${milliseconds} ms`)), milliseconds)));
  try {
    return await Promise.race([work, bound]);
  } finally {
    clearTimeout(timer);
  }
}

describe('reliable alert delivery to Telegram', () => {
  let test: TestWorkspace;
  let fake: FakeBotApi;
  let timers: FakeTimers;
  let outbox: Outbox | undefined;

  beforeEach(async () => {
    test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
    fake = await FakeBotApi.start({ now: () => test.clock.now() });
    timers = new FakeTimers(test.clock, async () => outbox?.idle());
  });
  afterEach(async () => {
    await outbox?.stop();
    outbox = undefined;
    await fake.close();
    await test.cleanup();
  });

  async function start(options: Partial<OutboxOptions> = {}): Promise<Outbox> {
    outbox = new Outbox({ workspace: test.workspace, timers, deliverers: [telegramDeliverer({ token: fake.token, apiRoot: fake.apiRoot })], ...options });
    await outbox.start();
    await outbox.idle();
    return outbox;
  }

  async function queue(text: string, recipient = chat): Promise<string> {
    const id = await enqueueMessage(test.workspace, { to: { channel: 'telegram', recipient: String(recipient) }, text, payload: { kind: 'message' } });
    await outbox?.idle();
    return id!;
  }

  /** Seconds after the test's start at which the bot's messages to a chat arrived (the fake dates them by the clock). */
  function arrivals(recipient = chat): number[] {
    const start = new Date(testNow).getTime() / 1000;
    return fake.botMessages(recipient).map((message) => message.date - start);
  }

  async function outboxCommand(): Promise<string> {
    const out: string[] = [];
    const code = await runCli(['outbox', '--workspace', test.dir], {
      env: { ESCALATOR_NOW: testNow },
      io: { stdout: (text) => out.push(text), stderr: (text) => out.push(text), stdin: Readable.from(['']), interactive: false },
      host: { workspace: test.workspace },
    });
    expect(code).toBe(0);
    return out.join('\n');
  }

  it('sends again, marked and counted, a message that was being sent when the process died', async () => {
    const id = await queue('P1 alert: Acme export broken');
    // What a kill -9 between "sending" and "sent" leaves behind: the attempt recorded, the outcome not.
    await test.workspace.db.run(`UPDATE outbox SET state = 'sending', attempts = 1 WHERE id = $1`, [id]);
    await queue('the next alert');
    await start();
    await timers.advance(second);
    expect(fake.botMessages(chat).map((message) => message.text)).toEqual([
      '↻ Sent again after a restart — you may have seen this already.\nP1 alert: Acme export broken',
      'the next alert',
    ]);
    const rows = await listOutbox(test.workspace);
    expect(rows.find((row) => row.id === id)).toMatchObject({ state: 'sent', attempts: 2, restartResends: 1, resentAfterRestart: true });
    expect(rows.find((row) => row.id !== id)).toMatchObject({ state: 'sent', restartResends: 0 });
    const shown = await outboxCommand();
    expect(shown).toContain('sent again after a restart');
    expect(shown).toContain('2 sent, 1 sent again after a restart (may have been seen twice)');
  });

  it('does not send again when recording "sent" fails with ENOSPC; the record lands once the disk recovers', async () => {
    const { db } = test.workspace;
    const run = db.run.bind(db);
    let refusals = 3;
    // The recorder is the workspace database here, failing like a full disk for the first three "sent" records.
    jest.spyOn(db, 'run').mockImplementation(async (sql, params) => {
      if (/SET state = 'sent'/.test(sql) && refusals > 0) {
        refusals -= 1;
        throw new Error('IO Error: Could not write file "workspace.duckdb.wal": No space left on device');
      }
      return run(sql, params);
    });
    const log: string[] = [];
    await start({ recorder: db, log: (line) => log.push(line) });
    const id = await queue('P1 alert');
    await queue('P2 alert');
    expect(fake.succeeded('sendMessage')).toHaveLength(1);
    expect((await listOutbox(test.workspace)).find((row) => row.id === id)).toMatchObject({ state: 'sending', attempts: 1 });
    expect(log.join('\n')).toContain(`message ${id} was delivered but recording it failed (IO Error: Could not write file "workspace.duckdb.wal": No space left on device); retrying the record in 1 s, not the send`);
    await timers.advance(10 * second);
    expect(fake.calls.filter((call) => call.method === 'sendMessage')).toHaveLength(2);
    const rows = await listOutbox(test.workspace);
    expect(rows.map((row) => [row.text, row.state, row.attempts])).toEqual([
      ['P2 alert', 'sent', 1],
      ['P1 alert', 'sent', 1],
    ]);
    expect(rows.find((row) => row.id === id)!.remoteId).toBe(String(fake.botMessages(chat)[0]!.message_id));
  });

  it('records a delivery at once while a job run holds the database (the record does not queue behind it)', async () => {
    const id = await queue('P1 alert');
    outbox = new Outbox({ workspace: test.workspace, timers, deliverers: [telegramDeliverer({ token: fake.token, apiRoot: fake.apiRoot })] });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A long job run: its transaction holds the workspace's connection until released.
    const run = test.workspace.db.transaction(async () => gate);
    const drain = outbox.drain();
    try {
      await within(5_000, drain);
      const reader = await test.workspace.db.connectAnother();
      try {
        const rows = await reader.query('SELECT state, remote_id FROM outbox WHERE id = $1', [id]);
        expect(rows).toEqual([{ state: 'sent', remote_id: String(fake.botMessages(chat)[0]!.message_id) }]);
      } finally {
        reader.close();
      }
    } finally {
      release();
      await Promise.all([run, drain]);
    }
  });

  it('spaces messages to a group three seconds apart (Telegram allows about 20 a minute)', async () => {
    const group = -100123;
    await start();
    for (const index of [1, 2, 3, 4]) await queue(`group alert ${index}`, group);
    await timers.advance(minute);
    expect(fake.botMessages(group)).toHaveLength(4);
    expect(arrivals(group)).toEqual([0, 3, 6, 9]);
  });

  it('sends at most 30 messages a second across all chats (the bot-wide limit), each chat still in order', async () => {
    const chats = Array.from({ length: 40 }, (_, index) => 3000 + index);
    for (const recipient of chats) {
      await queue(`first to ${recipient}`, recipient);
      await queue(`second to ${recipient}`, recipient);
    }
    await start();
    await timers.advance(minute);
    const times = chats.flatMap((recipient) => arrivals(recipient));
    expect(times).toHaveLength(80);
    // Per second of the clock, never more than 30: the first 30 chats' first messages, then their second ones (queued
    // earlier than the last 10 chats' first), then the last 10 chats' first and, a second later, their second.
    const perSecond = new Map<number, number>();
    for (const time of times) perSecond.set(time, (perSecond.get(time) ?? 0) + 1);
    expect([...perSecond.entries()].sort((a, b) => a[0] - b[0])).toEqual([[0, 30], [1, 30], [2, 10], [3, 10]]);
    for (const recipient of chats) {
      expect(fake.botMessages(recipient).map((message) => message.text)).toEqual([`first to ${recipient}`, `second to ${recipient}`]);
      const [first, second_] = arrivals(recipient);
      expect(second_! - first!).toBeGreaterThanOrEqual(1);
    }
  });

  it('turns a storm of 200 firings to one chat into 5 alerts and one digest, a second apart', async () => {
    const customers = ['Acme Corp', 'Initech', 'Stark Logistics', 'Wayne Analytics'];
    await createEntries(
      test.workspace,
      'support_tickets',
      Array.from({ length: 200 }, (_, index) => ({ Title: `storm ${index}`, Customer: customers[index % 4]!, Priority: 'P1', Status: 'Open', 'Opened Date': testNow })),
      { by: 'test' },
    );
    await saveJob(test.workspace, {
      name: 'storm',
      schedule: 'every 30 minutes',
      object: 'support_tickets',
      created_by: { channel: 'telegram', chat },
      rules: [
        {
          name: 'storm-tickets',
          when: { field: 'Title', operator: 'contains', value: 'storm' },
          then: [{ escalate: { tier: 'Tier 2 - Engineering' } }, { notify: { to: ['me'], template: 'brief' } }],
        },
      ],
    });
    await start();
    expect(await runJob(test.workspace, 'storm')).toMatchObject({ matched: 200, notified: 200 });
    await timers.advance(minute);
    const texts = fake.botMessages(chat).map((message) => message.text!);
    expect(texts).toHaveLength(6);
    expect(texts.slice(0, 5).every((text) => /^🚨 .+: 'storm \d+' \(P1\)/.test(text))).toBe(true);
    // The digest splits the other 195 by account tier (Acme and Initech are Enterprise, Stark and Wayne Mid-Market).
    const enterprise = 100 - texts.slice(0, 5).filter((text) => /Acme Corp|Initech/.test(text)).length;
    const tiers = [['Enterprise', enterprise], ['Mid-Market', 195 - enterprise]].sort((a, b) => Number(b[1]) - Number(a[1]) || String(a[0]).localeCompare(String(b[0])));
    expect(texts[5]).toBe(`🚨 195 more tickets were escalated (storm): ${tiers.map(([tier, count]) => `${count} ${tier}`).join(', ')} — /board`);
    expect(fake.botMessages(chat)[5]!.reply_markup).toBeUndefined();
    expect(arrivals()).toEqual([0, 1, 2, 3, 4, 5]);
    const rows = await listOutbox(test.workspace, { limit: 1000 });
    const digest = rows.find((row) => row.payload.kind === 'digest')!;
    expect(digest).toMatchObject({ state: 'sent', payload: { kind: 'digest', job: 'storm', covered: 195 } });
    expect(rows.filter((row) => row.state === 'covered' && row.coveredBy === digest.id)).toHaveLength(195);
    // Exactly once: the job fires no more, and the outbox has nothing left to send.
    expect(await runJob(test.workspace, 'storm')).toMatchObject({ matched: 0, notified: 0 });
    await timers.advance(minute);
    expect(fake.botMessages(chat)).toHaveLength(6);
  });

  it('groups a backlog of 230 firings drained in runs of 100, 100 and 30 into 5 alerts and one digest of 225', async () => {
    await saveJob(test.workspace, {
      name: 'storm',
      schedule: 'every 30 minutes',
      object: 'support_tickets',
      created_by: { channel: 'telegram', chat },
      rules: [
        {
          name: 'storm-tickets',
          when: { field: 'Title', operator: 'contains', value: 'storm' },
          then: [{ escalate: { tier: 'Tier 2 - Engineering' } }, { notify: { to: ['me'], template: 'brief' } }],
        },
      ],
    });
    await start();
    const scheduler = new Scheduler({ workspace: test.workspace, timers });
    await scheduler.start();
    try {
      await scheduler.idle();
      // One burst: 230 tickets stored at once, evaluated by the scheduler a hundred per run.
      await createEntries(
        test.workspace,
        'support_tickets',
        Array.from({ length: 230 }, (_, index) => ({ Title: `storm ${index}`, Customer: 'Acme Corp', Priority: 'P1', Status: 'Open', 'Opened Date': testNow })),
        { by: 'test' },
      );
      await scheduler.idle();
      await timers.advance(minute);
      await scheduler.idle();
      await timers.advance(minute);
      const changeRuns = scheduler.history.filter((run) => 'trigger' in run && run.trigger === 'change');
      expect(changeRuns.map((run) => ('matched' in run ? run.matched : run.error))).toEqual([100, 100, 30]);
      const texts = fake.botMessages(chat).map((message) => message.text!);
      expect(texts).toHaveLength(6);
      expect(texts.slice(0, 5).every((text) => /^🚨 Acme Corp: 'storm \d+' \(P1\)/.test(text))).toBe(true);
      expect(texts[5]).toBe('🚨 225 more tickets were escalated (storm): 225 Enterprise — /board');
      const rows = await listOutbox(test.workspace, { limit: 1000 });
      const digests = rows.filter((row) => row.payload.kind === 'digest');
      expect(digests).toHaveLength(1);
      expect(digests[0]).toMatchObject({ state: 'sent', payload: { kind: 'digest', job: 'storm', covered: 225 } });
      // Every firing is recorded: 5 sent on their own, 225 covered by the digest that went out.
      const alerts = rows.filter((row) => row.payload.kind === 'alert');
      expect(new Set(alerts.map((row) => row.payload.entryId)).size).toBe(230);
      expect(alerts.filter((row) => row.state === 'sent')).toHaveLength(5);
      expect(alerts.filter((row) => row.state === 'covered' && row.coveredBy === digests[0]!.id)).toHaveLength(225);
    } finally {
      await scheduler.stop();
    }
  });

  it('starts a new digest when the storm goes on after its digest was sent', async () => {
    await saveJob(test.workspace, {
      name: 'storm',
      schedule: 'every 30 minutes',
      object: 'support_tickets',
      created_by: { channel: 'telegram', chat },
      rules: [{ name: 'storm-tickets', when: { field: 'Title', operator: 'contains', value: 'storm' }, then: [{ notify: { to: ['me'], template: 'brief' } }] }],
    });
    await start({ digestHoldMs: 0 });
    const tickets = (from: number, count: number) =>
      Array.from({ length: count }, (_, index) => ({ Title: `storm ${from + index}`, Customer: 'Acme Corp', Priority: 'P1', Status: 'Open', 'Opened Date': testNow }));
    const first = await createEntries(test.workspace, 'support_tickets', tickets(0, 8), { by: 'test' });
    const second_ = await createEntries(test.workspace, 'support_tickets', tickets(8, 4), { by: 'test' });
    // Two runs of one storm (as one drain of the scheduler makes them), the outbox delivering in between.
    await runJob(test.workspace, 'storm', { entryIds: first, stormId: 's_one', trigger: 'change' });
    await timers.advance(minute);
    expect(fake.botMessages(chat)).toHaveLength(6);
    await runJob(test.workspace, 'storm', { entryIds: second_, stormId: 's_one', trigger: 'change' });
    await timers.advance(minute);
    const texts = fake.botMessages(chat).map((message) => message.text!);
    // The first digest (3 alerts) had gone: the storm's later alerts go in a second digest, never in the sent one.
    expect(texts.slice(5)).toEqual(['🔔 3 more tickets need attention (storm): 3 Enterprise — /board', '🔔 4 more tickets need attention (storm): 4 Enterprise — /board']);
    const rows = await listOutbox(test.workspace, { limit: 100 });
    expect(rows.filter((row) => row.state === 'covered')).toHaveLength(7);
  });

  it('after a phase of 502s and dropped connections, drains the queue as soon as Telegram answers (no backoff wait)', async () => {
    await start();
    fake.goDown({ errorCode: 502, description: 'Bad Gateway' });
    const texts: string[] = [];
    for (let index = 1; index <= 8; index++) {
      texts.push(`alert ${index}`);
      await queue(`alert ${index}`);
      await timers.advance(2 * minute);
      if (index === 4) fake.goDown({ network: true });
    }
    await timers.advance(20 * minute);
    expect(fake.botMessages(chat)).toHaveLength(0);
    fake.comeBack();
    const back = (test.clock.now().getTime() - new Date(testNow).getTime()) / 1000;
    // The next probe is at most 30 s away; then the chat drains at Telegram's pace of one a second.
    await timers.advance(30 * second + 7 * second);
    expect(fake.botMessages(chat).map((message) => message.text)).toEqual(texts);
    const times = arrivals();
    expect(times[0]! - back).toBeLessThanOrEqual(30);
    expect(times.map((time) => time - times[0]!)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("holds only chat A for a 429's retry_after: chat B keeps receiving", async () => {
    await start();
    fake.failNext('sendMessage', { errorCode: 429, retryAfter: 3 });
    await queue('to A 1');
    await queue('to A 2');
    expect(fake.botMessages(chat)).toHaveLength(0);
    for (const index of [1, 2, 3]) await queue(`to B ${index}`, other);
    await timers.advance(2 * second);
    expect(fake.botMessages(other).map((message) => message.text)).toEqual(['to B 1', 'to B 2', 'to B 3']);
    expect(arrivals(other)).toEqual([0, 1, 2]);
    expect(fake.botMessages(chat)).toHaveLength(0);
    await timers.advance(2 * second);
    expect(fake.botMessages(chat).map((message) => message.text)).toEqual(['to A 1', 'to A 2']);
    expect(arrivals(chat)).toEqual([3, 4]);
  });
});
