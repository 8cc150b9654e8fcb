import { enqueueMessage, listOutbox, Outbox, PermanentDeliveryError, RetryableDeliveryError, type Deliverer, type OutboxMessage } from '../jobs/outbox';
import { ensureJobTables } from '../jobs/tables';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { FakeTimers } from './fake-time';

describe('the outbox', () => {
  let test: TestWorkspace;
  let outbox: Outbox;
  let timers: FakeTimers;
  const attempts: { at: string; text: string; key: string }[] = [];
  let failures: Map<string, Error[]>;

  const deliverer: Deliverer = {
    channel: 'telegram',
    async deliver(message: OutboxMessage) {
      attempts.push({ at: test.clock.now().toISOString(), text: message.text, key: message.idempotencyKey });
      const queue = failures.get(message.text);
      const failure = queue?.shift();
      if (failure) throw failure;
      return { remoteId: `tg-${attempts.length}` };
    },
  };

  beforeEach(async () => {
    attempts.length = 0;
    failures = new Map();
    test = await createTestWorkspace();
    timers = new FakeTimers(test.clock, async () => outbox.idle());
    outbox = new Outbox({ workspace: test.workspace, timers, deliverers: [deliverer], baseBackoffMs: 5_000 });
    await outbox.start();
  });
  afterEach(async () => {
    await outbox.stop();
    await test.cleanup();
  });

  const to = (recipient: string) => ({ channel: 'telegram', recipient });

  it('retries a failed delivery with growing waits on the clock, then records when it went out and its remote id', async () => {
    failures.set('hello', [new RetryableDeliveryError('HTTP 502'), new RetryableDeliveryError('HTTP 503')]);
    await enqueueMessage(test.workspace, { to: to('42'), text: 'hello' });
    await timers.advance(60_000);
    expect(attempts.map((attempt) => attempt.at)).toEqual(['2026-04-14T10:00:00.000Z', '2026-04-14T10:00:05.000Z', '2026-04-14T10:00:15.000Z']);
    const [row] = await listOutbox(test.workspace);
    expect(row).toMatchObject({ state: 'sent', attempts: 3, remoteId: 'tg-3', lastError: null });
    expect(row!.deliveredAt!.toISOString()).toBe('2026-04-14T10:00:15.000Z');
  });

  it('marks a permanently refused message failed and goes on with the next one', async () => {
    failures.set('first', [new PermanentDeliveryError('chat not found')]);
    await enqueueMessage(test.workspace, { to: to('42'), text: 'first' });
    await enqueueMessage(test.workspace, { to: to('42'), text: 'second' });
    await timers.advance(0);
    const rows = await listOutbox(test.workspace);
    expect(rows.map((row) => [row.text, row.state, row.lastError])).toEqual([
      ['second', 'sent', null],
      ['first', 'failed', 'chat not found'],
    ]);
  });

  it('keeps messages to one recipient in order while the first waits for its retry; others are not held up', async () => {
    failures.set('a1', [new RetryableDeliveryError('timeout')]);
    await test.workspace.db.transaction(async () => {
      await enqueueMessage(test.workspace, { to: to('1'), text: 'a1' });
      await enqueueMessage(test.workspace, { to: to('1'), text: 'a2' });
      await enqueueMessage(test.workspace, { to: to('2'), text: 'b1' });
    });
    await timers.advance(0);
    expect(attempts.map((attempt) => attempt.text)).toEqual(['a1', 'b1']);
    await timers.advance(5_000);
    expect(attempts.map((attempt) => attempt.text)).toEqual(['a1', 'b1', 'a1', 'a2']);
  });

  it('finds the alerts about one entry with their remote ids (to edit them in place)', async () => {
    await enqueueMessage(test.workspace, { to: to('42'), text: 'about A', payload: { kind: 'alert', entryId: 'A' } });
    await enqueueMessage(test.workspace, { to: to('42'), text: 'about B', payload: { kind: 'alert', entryId: 'B' } });
    await timers.advance(0);
    expect((await listOutbox(test.workspace, { entryId: 'A' })).map((row) => [row.text, row.remoteId])).toEqual([['about A', 'tg-1']]);
  });

  it('queues a message once per idempotency key', async () => {
    const first = await enqueueMessage(test.workspace, { to: to('42'), text: 'once', idempotencyKey: 'k1' });
    const second = await enqueueMessage(test.workspace, { to: to('42'), text: 'once', idempotencyKey: 'k1' });
    expect(first).toBeDefined();
    expect(second).toBeUndefined();
    await timers.advance(0);
    expect(attempts).toEqual([{ at: '2026-04-14T10:00:00.000Z', text: 'once', key: 'k1' }]);
  });

  it('holds messages for a channel until a deliverer for it is registered', async () => {
    await enqueueMessage(test.workspace, { to: { channel: 'terminal', recipient: 'Priya Patel', name: 'Priya Patel' }, text: 'later' });
    await timers.advance(0);
    expect((await listOutbox(test.workspace))[0]!.state).toBe('pending');
    const printed: string[] = [];
    outbox.register({ channel: 'terminal', deliver: async (message) => (printed.push(`${message.recipientName}: ${message.text}`), {}) });
    await timers.advance(0);
    expect(printed).toEqual(['Priya Patel: later']);
  });

  it('does not queue anything when the transaction that queued it rolls back', async () => {
    await expect(
      test.workspace.db.transaction(async () => {
        await enqueueMessage(test.workspace, { to: to('42'), text: 'never' });
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await timers.advance(0);
    expect(await listOutbox(test.workspace)).toEqual([]);
    expect(attempts).toEqual([]);
  });
});

describe('the job tables', () => {
  it('are created again after a transaction that first created them rolled back', async () => {
    const test = await createTestWorkspace();
    try {
      const db = test.workspace.db;
      await expect(
        db.transaction(async () => {
          await ensureJobTables(db);
          throw new Error('the change fails after the tables were made in its transaction');
        }),
      ).rejects.toThrow('the change fails');
      await enqueueMessage(test.workspace, { to: { channel: 'telegram', recipient: '1' }, text: 'after the rollback', idempotencyKey: 'k-rollback' });
      expect((await listOutbox(test.workspace)).map((message) => message.text)).toEqual(['after the rollback']);
    } finally {
      await test.cleanup();
    }
  });
});
