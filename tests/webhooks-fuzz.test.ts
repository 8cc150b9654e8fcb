import { seededRandom } from '../objects/clock';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import {
  addAccounts,
  genericToken,
  intercomConversation,
  sendIntercom,
  sendZendesk,
  startTestServer,
  zendeskTrigger,
  type RunningServer,
} from './webhook-fixtures';

const deliveries = 1200;
const concurrency = 24;

/** Values that have broken parsers before: wrong types, empties, huge, control characters, lone surrogates. */
const nasty: unknown[] = [
  null, 0, -1, 1e308, NaN, true, '', ' ', '-', '\u0000', 'a\u0000b', '\ud800', '😀'.repeat(50), 'x'.repeat(5000), [], [1, 'two'], {},
  { name: 'Acme Corp' }, { nested: { deeper: [null] } }, '2026-13-45', 'yesterday', '1776160200', 1776160200, 'P1', 'Urgent',
  'URGENT', 'pending', 'hold', 'not_priority', 'Robert"); DROP TABLE obj_support_tickets;--', "O'Brien & Co", '<script>alert(1)</script>',
  'acme corp', 'ACME CORP', 'someone@', '@acme.example', 'a@b.c', 'x@eu.acme.example', 'x@gmail.com',
];

describe('webhook fuzzing', () => {
  let test: TestWorkspace;
  let running: RunningServer;

  beforeAll(async () => {
    test = await createTestWorkspace();
    await addAccounts(test.workspace);
    running = await startTestServer(test.workspace, test.clock, { maxBodyBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await running.server.close();
    await test.cleanup();
  });

  it(`survives ${deliveries} random and mutated bodies without a crash or a half-written ticket`, async () => {
    const random = seededRandom(20260414);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
    const randomText = (length: number) => Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 0xffff))).join('');
    const randomJson = (depth: number): unknown => {
      const roll = random();
      if (depth > 3 || roll < 0.3) return pick(nasty);
      if (roll < 0.6) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 5) }, () => [pick(['ticket', 'id', 'type', 'topic', 'data', 'item', 'detail', randomText(4)]), randomJson(depth + 1)]));
    };
    const mutate = (value: unknown, depth = 0): unknown => {
      if (value === null || typeof value !== 'object' || depth > 4) return random() < 0.5 ? pick(nasty) : value;
      const copy: Record<string, unknown> = Array.isArray(value) ? { ...value } : { ...(value as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const key = keys.length > 0 ? pick(keys) : 'extra';
      const roll = random();
      if (roll < 0.25) delete copy[key];
      else if (roll < 0.6) copy[key] = mutate(copy[key], depth + 1);
      else copy[key] = pick(nasty);
      return copy;
    };
    const externalIds = Array.from({ length: 30 }, (_, index) => String(5000 + index));

    const outcomes: { status: number; channel: string; body: unknown }[] = [];
    const send = async (index: number): Promise<void> => {
      const kind = random();
      let response: Response;
      let channel = 'zendesk';
      if (kind < 0.1) {
        response = await sendZendesk(running, test.clock, randomText(Math.floor(random() * 200)));
      } else if (kind < 0.25) {
        response = await sendZendesk(running, test.clock, JSON.stringify(randomJson(0)));
      } else if (kind < 0.55) {
        const valid = zendeskTrigger({ id: pick(externalIds), title: `Fuzz ${index}`, priority: pick(['Urgent', 'High', 'Normal', 'Low']), status: pick(['New', 'Open', 'Pending', 'Solved']) });
        const body = random() < 0.7 ? mutate(valid) : valid;
        let text = JSON.stringify(body);
        if (random() < 0.1) text = text.slice(0, Math.floor(random() * text.length));
        response = await sendZendesk(running, test.clock, text, random() < 0.05 ? { secret: 'wrong' } : {});
      } else if (kind < 0.85) {
        channel = 'intercom';
        const valid = intercomConversation(pick(['conversation.user.created', 'conversation.admin.replied', 'conversation.admin.closed']), { id: pick(externalIds), title: `Fuzz ${index}` });
        const body = random() < 0.7 ? mutate(valid) : valid;
        response = await sendIntercom(running, JSON.stringify(body));
      } else {
        channel = 'generic';
        const valid = { ticket: { id: `G-${pick(externalIds)}`, title: `Fuzz ${index}`, priority: pick(['P1', 'urgent', 'low']), organization: pick(['Acme Corp', 'Globex Industries', 'Newco']) } };
        response = await fetch(`${running.base}/webhooks/generic`, {
          method: 'POST',
          headers: { authorization: `Bearer ${genericToken}`, 'idempotency-key': `fuzz-${index}` },
          body: JSON.stringify(random() < 0.7 ? mutate(valid) : valid),
        });
      }
      outcomes.push({ status: response.status, channel, body: await response.json() });
    };
    for (let start = 0; start < deliveries; start += concurrency) {
      await Promise.all(Array.from({ length: Math.min(concurrency, deliveries - start) }, (_, offset) => send(start + offset)));
    }

    // An unexpected error is a 500: show its logged reason first.
    expect(running.log.filter((line) => line.startsWith('webhook error'))).toEqual([]);
    const statuses = new Map<number, number>();
    for (const outcome of outcomes) statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
    expect([...statuses.keys()].filter((status) => ![200, 201, 400, 401, 409, 413, 422].includes(status))).toEqual([]);
    expect(statuses.get(201)).toBeGreaterThan(10);
    expect(statuses.get(422)).toBeGreaterThan(10);
    expect(statuses.get(400)).toBeGreaterThan(10);
    expect((await fetch(`${running.base}/healthz`)).status).toBe(200);

    // Every acknowledged delivery left exactly one whole ticket; nothing else was written. Replays and notifications
    // about other things are acknowledged too (200, "ignored") and write nothing.
    const accepted = outcomes.filter((outcome) => (outcome.status === 200 || outcome.status === 201) && (outcome.body as { status: string }).status !== 'ignored');
    const acceptedIds = new Set(accepted.map((outcome) => (outcome.body as { id: string }).id));
    const tickets = await test.workspace.db.query<{ id: string; source: string; external_id: string; title: string | null; status: string | null; opened_date: Date | null }>(
      'SELECT id, source, external_id, title, status, opened_date FROM obj_support_tickets',
    );
    expect(new Set(tickets.map((ticket) => ticket.id))).toEqual(acceptedIds);
    for (const ticket of tickets) {
      expect(ticket).toEqual({ id: expect.any(String), source: expect.any(String), external_id: expect.any(String), title: expect.any(String), status: expect.any(String), opened_date: expect.any(Date) });
    }
    expect(new Set(tickets.map((ticket) => `${ticket.source}/${ticket.external_id}`)).size).toBe(tickets.length);
    const [recorded] = await test.workspace.db.query<{ count: number }>('SELECT count(*)::INTEGER AS count FROM ingest_deliveries');
    expect(recorded!.count).toBe(accepted.length);
    const [orphans] = await test.workspace.db.query<{ count: number }>(
      'SELECT count(*)::INTEGER AS count FROM ingest_deliveries d LEFT JOIN obj_support_tickets t ON t.id = d.entry_id WHERE t.id IS NULL',
    );
    expect(orphans!.count).toBe(0);
    const refusals = outcomes.filter((outcome) => outcome.status >= 400).length;
    expect(running.log.filter((line) => line.startsWith('webhook refused')).length).toBe(refusals);
  }, 120_000); // 1,200 deliveries through the real app: about 25 s on a loaded 2-core machine
});
