// bench:faults — a bounded version of issue 10's fault injection, on loopback: the real `serve --port` (a child
// process from dist/) with the seed's escalation job alerting a Telegram chat through the fake Bot API, signed
// Zendesk deliveries of urgent tickets (each one fires the job) at a steady rate.
//   kill test: SIGKILL serve at random moments, restart it at once, N times; then wait for the alerts and count,
//     per acknowledged ticket, the alerts that reached the chat. Ends with
//     `faults: N kills, lost L, duplicates D (unmarked U), late evaluations E`
//     (an alert carried inside a digest that reached the chat counts as delivered: the digest message stands for it)
//     (late: the ticket's alert was queued — the job evaluated it — more than --late-seconds after its
//     acknowledgement; delivery itself keeps Telegram's pace of about one message a second per chat).
//   outage test: Telegram answers 502 (then drops connections, then 429) for a while during deliveries, then comes
//     back. Ends with `outage: delivered N once in order, drained in S s` (S: from Telegram's return to the last
//     alert), or says what went wrong.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { zendeskSignature } from '../channels/webhooks/signatures';
import { dumpJob } from '../jobs/job-files';
import { seedEscalationJob } from '../jobs/seed-job';
import { FakeBotApi } from '../tests/fakes/telegram-bot-api';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '10' },
    rate: { type: 'string', default: '8' },
    'outage-seconds': { type: 'string', default: '20' },
    'late-seconds': { type: 'string', default: '15' },
    seed: { type: 'string', default: '1' },
  },
});
const kills = Number(values.kills);
const rate = Number(values.rate);
const outageSeconds = Number(values['outage-seconds']);
const lateSeconds = Number(values['late-seconds']);
const lead = 1001;
const secret = 'faults-bench-secret';
const binary = join(__dirname, '..', 'bin', 'escalator.js');

/** A small deterministic generator, so a run can be repeated (--seed). */
let state = Number(values.seed) || 1;
function random(): number {
  state = (state * 1103515245 + 12345) % 2 ** 31;
  return state / 2 ** 31;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Serve {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Starts serve and resolves once its webhook server listens. */
async function startServe(workspace: string, port: number, env: NodeJS.ProcessEnv): Promise<Serve> {
  const child = spawn(process.execPath, [binary, 'serve', '--port', String(port), '--workspace', workspace], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const collect = (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('Ctrl-C stops')) resolve();
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.once('exit', (code) => reject(new Error(`serve exited with ${code} before it listened:\n${log.slice(-2000)}`)));
  });
  child.stdout!.removeAllListeners('data');
  child.stderr!.removeAllListeners('data');
  child.stdout!.resume();
  child.stderr!.resume();
  return { child, exited };
}

/** Deliveries of new urgent tickets opened two hours ago: the seed job's P1 rule fires on each. */
class Sender {
  readonly acknowledged = new Map<number, number>();
  private running = false;
  private loop: Promise<void> | undefined;

  constructor(
    private readonly port: number,
    /** The first ticket number this sender uses. */
    private next = 1,
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      const interval = 1000 / rate;
      let due = performance.now();
      while (this.running) {
        const id = this.next++;
        void this.send(id);
        due += interval;
        await sleep(Math.max(0, due - performance.now()));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Sends one ticket until it is acknowledged (serve may be down for a moment), as a help desk retries. */
  private async send(id: number): Promise<void> {
    const created = new Date(Date.now() - 2 * 60 * 60_000).toISOString();
    const body = JSON.stringify({
      ticket: {
        id: String(500_000 + id),
        title: `Faults ticket ${id}`,
        description: 'Exports time out.',
        priority: 'Urgent',
        status: 'New',
        organization: 'Acme Corp',
        requester_email: 'alex@acme.example',
        created_at: created,
        updated_at: created,
      },
    });
    const invocation = randomUUID();
    for (let attempt = 0; attempt < 200; attempt++) {
      const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
      try {
        const response = await fetch(`http://127.0.0.1:${this.port}/webhooks/zendesk`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-zendesk-webhook-id': '01F1KRFQ6BG29CNWFR60NK5FNY',
            'x-zendesk-webhook-invocation-id': invocation,
            'x-zendesk-webhook-signature-timestamp': timestamp,
            'x-zendesk-webhook-signature': zendeskSignature(secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(5000),
        });
        await response.arrayBuffer();
        if (response.status < 300) {
          this.acknowledged.set(id, Date.now());
          return;
        }
      } catch {
        // serve is down (killed) or restarting: try again shortly, as Zendesk retries
      }
      await sleep(250);
    }
  }
}

/** Alerts that reached the chat, by ticket number, with when each arrived and whether it was marked as resent. */
function alertsByTicket(fake: FakeBotApi, arrivals: Map<number, number>): Map<number, { count: number; marked: number; first: number }> {
  const byTicket = new Map<number, { count: number; marked: number; first: number }>();
  for (const message of fake.botMessages(lead)) {
    const match = /Faults ticket (\d+)/.exec(message.text ?? '');
    if (!match) continue;
    const id = Number(match[1]);
    const entry = byTicket.get(id) ?? { count: 0, marked: 0, first: arrivals.get(message.message_id) ?? Date.now() };
    entry.count++;
    if (/sent again after a restart/i.test(message.text ?? '')) entry.marked++;
    byTicket.set(id, entry);
  }
  return byTicket;
}

/** Notes when each bot message first appeared (the fake records messages, not their arrival time). */
function watchArrivals(fake: FakeBotApi): { arrivals: Map<number, number>; stop: () => void } {
  const arrivals = new Map<number, number>();
  const timer = setInterval(() => {
    for (const message of fake.botMessages(lead)) if (!arrivals.has(message.message_id)) arrivals.set(message.message_id, Date.now());
  }, 20);
  return { arrivals, stop: () => clearInterval(timer) };
}

/**
 * The outbox's alert rows of this bench (routed to the running serve): when each was queued, and for an alert covered
 * by a digest, that digest's state and Telegram message id.
 */
async function outboxRows(workspace: string, env: NodeJS.ProcessEnv): Promise<Record<string, unknown>[]> {
  const { execFile } = await import('node:child_process');
  const sql = `SELECT a.sequence, a.text, a.state, epoch_ms(a.created_at) AS queued_ms, d.state AS digest_state, d.remote_id AS digest_remote
               FROM outbox a LEFT JOIN outbox d ON d.id = a.covered_by WHERE a.text LIKE '%Faults ticket%'`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [binary, 'query', '--json', '--max-rows', '100000', sql, '--workspace', workspace], { env, maxBuffer: 256 << 20 }, (error, stdout) =>
      error ? reject(error) : resolve(JSON.parse(stdout) as Record<string, unknown>[]),
    );
  });
}

function ticketOf(text: unknown): number {
  return Number(/Faults ticket (\d+)/.exec(String(text ?? ''))?.[1] ?? NaN);
}

/** Tickets whose alert went inside a digest that reached the chat (the digest's Telegram message id is in the fake). */
function carriedByDigest(fake: FakeBotApi, rows: readonly Record<string, unknown>[]): Set<number> {
  const sent = new Set(fake.botMessages(lead).map((message) => String(message.message_id)));
  const carried = new Set<number>();
  for (const row of rows) if (row.state === 'covered' && row.digest_state === 'sent' && sent.has(String(row.digest_remote))) carried.add(ticketOf(row.text));
  return carried;
}

/** Waits until every ticket reached the chat, alone or inside a digest (the outbox is read every 2 s). */
async function waitForAlerts(fake: FakeBotApi, arrivals: Map<number, number>, workspace: string, env: NodeJS.ProcessEnv, ids: readonly number[], timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const alone = alertsByTicket(fake, arrivals);
    if (ids.every((id) => alone.has(id))) return true;
    const carried = carriedByDigest(fake, await outboxRows(workspace, env).catch(() => []));
    if (ids.every((id) => alone.has(id) || carried.has(id))) return true;
    if (Date.now() >= until) return false;
    await sleep(2000);
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'escalator-bench-faults-'));
  const workspace = join(dir, 'workspace');
  const fake = await FakeBotApi.start();
  const port = await freePort();
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? dir,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    TELEGRAM_ALLOWED_CHATS: String(lead),
    ZENDESK_WEBHOOK_SECRET: secret,
  };
  let serve: Serve | undefined;
  const { arrivals, stop: stopWatching } = watchArrivals(fake);
  try {
    await new Promise<void>((resolve, reject) => {
      const init = spawn(process.execPath, [binary, 'init', '--demo', '--workspace', workspace], { stdio: 'ignore' });
      init.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`init exited with ${code}`))));
    });
    writeFileSync(join(workspace, 'jobs', 'support-escalation.job.yaml'), dumpJob(seedEscalationJob({ channel: 'telegram', chat: lead }) as never));

    // Kill test.
    serve = await startServe(workspace, port, env);
    // The demo's own tickets fire at the first run; only the bench's tickets are counted.
    const sender = new Sender(port);
    sender.start();
    for (let kill = 1; kill <= kills; kill++) {
      await sleep(1000 + random() * 3000);
      serve.child.kill('SIGKILL');
      await serve.exited;
      serve = await startServe(workspace, port, env);
      process.stdout.write(`kill ${kill}/${kills}: ${sender.acknowledged.size} tickets acknowledged so far\n`);
    }
    await sleep(2000);
    await sender.stop();
    const acknowledged = [...sender.acknowledged.keys()];
    // Telegram takes about one message a second per chat, and the outbox keeps that pace: give the backlog time.
    await waitForAlerts(fake, arrivals, workspace, env, acknowledged, 60_000 + acknowledged.length * 1500);
    await sleep(2000);
    const alerts = alertsByTicket(fake, arrivals);
    const rows = await outboxRows(workspace, env);
    const carried = carriedByDigest(fake, rows);
    // When each ticket's alert was queued (its evaluation), as the outbox recorded it.
    const queuedAt = new Map<number, number>();
    for (const row of rows) {
      const id = ticketOf(row.text);
      if (!queuedAt.has(id)) queuedAt.set(id, Number(row.queued_ms));
    }
    let lost = 0;
    let duplicates = 0;
    let unmarked = 0;
    let late = 0;
    for (const id of acknowledged) {
      const entry = alerts.get(id);
      // A ticket inside a digest that reached the chat was delivered once, by the digest.
      const count = (entry?.count ?? 0) + (carried.has(id) ? 1 : 0);
      if (count === 0) {
        lost++;
        continue;
      }
      duplicates += count - 1;
      unmarked += Math.max(0, count - 1 - (entry?.marked ?? 0));
      const queued = queuedAt.get(id) ?? entry?.first;
      if (queued !== undefined && queued - sender.acknowledged.get(id)! > lateSeconds * 1000) late++;
    }
    console.log(`kill test: ${acknowledged.length} tickets acknowledged at ${rate}/s, ${alerts.size} alerted on their own, ${[...carried].filter((id) => acknowledged.includes(id)).length} inside a digest`);
    console.log(`faults: ${kills} kills, lost ${lost}, duplicates ${duplicates} (unmarked ${unmarked}), late evaluations ${late}`);

    // Outage test: 502s, then dropped connections, then 429s, while tickets keep coming.
    const before = fake.botMessages(lead).length;
    const outage = new Sender(port, 1_000_000);
    outage.start();
    const third = (outageSeconds * 1000) / 3;
    fake.goDown({ errorCode: 502, description: 'Bad Gateway' });
    await sleep(third);
    fake.goDown({ network: true });
    await sleep(third);
    fake.goDown({ errorCode: 429, description: 'Too Many Requests', retryAfter: 5 });
    await sleep(third);
    await outage.stop();
    await sleep(1000);
    fake.comeBack();
    const back = Date.now();
    const expected = [...outage.acknowledged.keys()];
    const delivered = await waitForAlerts(fake, arrivals, workspace, env, expected, 60_000 + expected.length * 1500);
    const drained = (Date.now() - back) / 1000;
    const after = fake.botMessages(lead).slice(before).map((message) => ticketOf(message.text)).filter((id) => id >= 1_000_000);
    const finalRows = await outboxRows(workspace, env);
    const inDigest = [...carriedByDigest(fake, finalRows)].filter((id) => id >= 1_000_000 && !after.includes(id));
    const once = new Set(after).size === after.length;
    // In order: as the outbox queued them (its sequence); alerts inside a digest are not in the chat one by one.
    const queued = finalRows
      .map((row) => ({ sequence: Number(row.sequence), id: ticketOf(row.text) }))
      .filter((row) => row.id >= 1_000_000)
      .sort((a, b) => a.sequence - b.sequence)
      .map((row) => row.id);
    const inOrder = JSON.stringify(after) === JSON.stringify(queued.filter((id) => after.includes(id)));
    console.log(
      delivered
        ? `outage: delivered ${expected.length} ${once ? 'once' : 'with duplicates'} ${inOrder ? 'in order' : 'out of order'} (${inDigest.length} inside a digest), drained in ${drained.toFixed(1)} s (Telegram's pace of one message a second per chat makes it at least ${after.length} s)`
        : `outage: only ${new Set(after).size + inDigest.length} of ${expected.length} delivered ${drained.toFixed(0)} s after Telegram came back`,
    );
  } finally {
    stopWatching();
    if (serve && serve.child.exitCode === null) {
      serve.child.kill('SIGTERM');
      await Promise.race([serve.exited, sleep(5000)]);
      if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
    }
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
