// The outbox: messages committed with the change that caused them, then delivered per channel by registered
// deliverers (outbox-delivery.ts) — in order and paced per recipient, an idempotency key each, alert storms grouped
// into a digest (outbox-digest.ts). The only message that can reach a person twice is one a dead process was
// sending, and that one goes again marked as such.
import type { Clock } from '../objects/clock';
import type { Sql } from '../objects/database';
import type { Workspace } from '../objects/workspace';
import { wakeOutbox } from './outbox-delivery';
import { groupAlertStorms, type PreparedMessage } from './outbox-digest';
import { messageStates, rowToMessage, type Deliverer, type EnqueueInput, type MessageState, type OutboxMessage } from './outbox-message';
import { ensureJobTables } from './tables';

export { Outbox, wakeOutbox, type OutboxOptions } from './outbox-delivery';
export * from './outbox-message';

/**
 * Queues a message (inside the caller's transaction when there is one) and wakes the running outbox once it
 * commits. Returns the message id, or undefined when the idempotency key was already queued.
 */
export async function enqueueMessage(workspace: Workspace, input: EnqueueInput): Promise<string | undefined> {
  await ensureJobTables(workspace.db);
  const [id] = await insertMessages(workspace.db, workspace, [input]);
  workspace.db.afterCommit(() => wakeOutbox(workspace));
  return id;
}

/**
 * Inserts messages; keys already present are skipped. Alerts of one storm (`payload.stormId`, else their run `payload.runId`) to one recipient past
 * workspace.yaml `alerts.digest_after` are stored as covered by one digest message. Returns the ids inserted (or
 * undefined), covered alerts included.
 */
export async function insertMessages(sql: Sql, workspace: Workspace, inputs: readonly EnqueueInput[]): Promise<(string | undefined)[]> {
  if (inputs.length === 0) return [];
  const now = workspace.clock.now();
  const rows: PreparedMessage[] = inputs.map((input) => {
    const id = `m_${workspace.ids()}`;
    const payload = input.payload ?? { kind: 'message' };
    return {
      id,
      key: input.idempotencyKey ?? id,
      channel: input.to.channel,
      recipient: input.to.recipient,
      name: input.to.name ?? null,
      text: input.text,
      payload,
      state: 'pending',
      runId: payload.kind === 'alert' && typeof payload.runId === 'string' ? payload.runId : null,
      stormId: payload.kind === 'alert' && typeof payload.stormId === 'string' ? payload.stormId : null,
      coveredBy: null,
    };
  });
  const existing = new Set(
    (
      await sql.query<{ key: string }>(`SELECT idempotency_key AS key FROM outbox WHERE idempotency_key IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [
        JSON.stringify(rows.map((row) => row.key)),
      ])
    ).map((row) => row.key),
  );
  const fresh = rows.filter((row) => {
    if (existing.has(row.key)) return false;
    existing.add(row.key);
    return true;
  });
  const storm = await groupAlertStorms(sql, workspace, fresh);
  const all = [...fresh, ...storm.digests];
  for (let start = 0; start < all.length; start += 5000) {
    const chunk = all
      .slice(start, start + 5000)
      .map((row) => [row.id, row.key, row.channel, row.recipient, row.name, row.text, JSON.stringify(row.payload), row.state, row.runId, row.coveredBy, row.stormId]);
    await sql.run(
      `INSERT INTO outbox (id, idempotency_key, channel, recipient, recipient_name, text, payload, state, run_id, covered_by, storm_id, created_at, next_attempt_at)
       SELECT r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], $2::TIMESTAMPTZ, $2::TIMESTAMPTZ FROM (SELECT unnest(from_json($1, '["VARCHAR[]"]')) AS r)`,
      [JSON.stringify(chunk), now],
    );
  }
  await storm.finish();
  const inserted = new Set(fresh.map((row) => row.id));
  return rows.map((row) => (inserted.has(row.id) ? row.id : undefined));
}

/** One row of `escalator outbox`. */
export interface OutboxRow extends OutboxMessage {
  state: MessageState;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  remoteId: string | null;
  lastError: string | null;
  /** How often it was sent again because a process died while sending it. */
  restartResends: number;
  /** The digest message that carried this alert. */
  coveredBy: string | null;
}

/** The outbox, newest first (the CLI's `escalator outbox`). */
export async function listOutbox(
  workspace: Workspace,
  options: { limit?: number; state?: MessageState; /** Only messages about this entry (e.g. to edit its alerts in place). */ entryId?: string } = {},
): Promise<OutboxRow[]> {
  await ensureJobTables(workspace.db);
  const params: unknown[] = [];
  const tests = ['TRUE'];
  if (options.state) {
    params.push(options.state);
    tests.push(`state = $${params.length}`);
  }
  if (options.entryId) {
    params.push(options.entryId);
    tests.push(`json_extract_string(payload, '$.entryId') = $${params.length}`);
  }
  const where = tests.join(' AND ');
  const rows = await workspace.db.query(
    `SELECT * FROM outbox WHERE ${where} ORDER BY sequence DESC LIMIT ${Math.max(1, Math.floor(options.limit ?? 100))}`,
    params,
  );
  return rows.map((row) => ({
    ...rowToMessage(row),
    text: String(row.text),
    state: String(row.state) as MessageState,
    nextAttemptAt: row.state === 'pending' ? (row.next_attempt_at as Date) : null,
    deliveredAt: (row.delivered_at as Date | null) ?? null,
    remoteId: (row.remote_id as string | null) ?? null,
    lastError: (row.last_error as string | null) ?? null,
    restartResends: Number(row.restart_resends ?? 0),
    coveredBy: (row.covered_by as string | null) ?? null,
  }));
}

/** Counts for `escalator outbox`: messages by state, and how many were sent again after a restart. */
export async function outboxSummary(workspace: Workspace): Promise<{ states: Record<MessageState, number>; resentAfterRestart: number }> {
  await ensureJobTables(workspace.db);
  const rows = await workspace.db.query<{ state: string; count: number; resent: number }>(
    `SELECT state, count(*)::INTEGER AS count, count(*) FILTER (WHERE COALESCE(restart_resends, 0) > 0)::INTEGER AS resent FROM outbox GROUP BY state`,
  );
  const states = Object.fromEntries(messageStates.map((state) => [state, 0])) as Record<MessageState, number>;
  let resent = 0;
  for (const row of rows) {
    if (row.state in states) states[row.state as MessageState] = row.count;
    resent += row.resent;
  }
  return { states, resentAfterRestart: resent };
}

/** Prints messages to the terminal: the deliverer of the "terminal" channel. */
export function terminalDeliverer(write: (text: string) => void, clock?: Clock): Deliverer {
  return {
    channel: 'terminal',
    async deliver(message) {
      const to = message.recipientName ?? message.recipient;
      write(`── to ${to}${clock ? ` at ${clock.now().toISOString()}` : ''} ──\n${message.text}`);
      return {};
    },
  };
}
