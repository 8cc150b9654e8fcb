// npm run bench:ingest — concurrent signed Zendesk deliveries over loopback against the webhook server on a demo
// workspace; prints throughput and latency, ending with "ingest: R deliveries/s, p50 A ms, p99 B ms".
// BENCH_JOBS=seed runs the jobs runtime too, with the seed's escalation job and every new ticket an urgent one opened
// two hours ago, so the job fires (escalates, records, queues an alert) on every delivery while ingest goes on. The
// alerts stay queued (no deliverer): delivery is the outbox's work, measured on its own.
// The load generator runs in a worker thread so it does not share the server's event loop.
// While the load runs, routed CLI commands (`node dist/bin/escalator.js query …` and `jobs list`, as separate
// processes) go through the owner socket to the bench's open workspace, as they would to `serve`, one after another;
// it prints "routed cli p50 X ms, p90 Y ms" (BENCH_CLI=off leaves them out).
// The server runs in this process (the load generator in a worker thread): `node --cpu-prof dist/bench/ingest.js`
// profiles it, one .cpuprofile per thread.
import { execFile } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { randomUUID } from 'node:crypto';
import { zendeskSignature } from '../channels/webhooks/signatures';
import { startWebhookServer } from '../channels/webhooks/server';
import { ingestionFirst } from '../bin/webhook-service';
import { runCli } from '../bin/cli';
import { OwnerServer } from '../bin/owner-server';
import { ingestActivity } from '../channels/ingest/ingest-queue';
import { saveJob } from '../jobs/job-files';
import { startJobsRuntime, type JobsRuntime } from '../jobs/runtime';
import { seedEscalationJob } from '../jobs/seed-job';
import { systemClock } from '../objects/clock';
import { loadDemo } from '../objects/demo';
import { Workspace } from '../objects/workspace';

interface LoadPlan {
  port: number;
  /** Every new ticket urgent and opened two hours ago: the seed job's P1 rule fires on each. */
  firing: boolean;
  secret: string;
  total: number;
  warmup: number;
  concurrency: number;
}

interface LoadResult {
  latencies: number[];
  statuses: Record<string, number>;
  seconds: number;
}

const secret = 'bench-secret';
const organizations = ['Acme Corp', 'Initech', 'Globex Industries', 'Umbrella Health', 'Stark Logistics', 'Wayne Analytics', 'Pied Piper', 'Bluth Foods'];
const priorities = ['Urgent', 'High', 'Normal', 'Low'];
const statuses = ['New', 'Open', 'Pending', 'Solved'];

/** One delivery body: mostly new tickets, a quarter updates of earlier ones, some from unknown companies. */
function deliveryBody(index: number, firing: boolean): string {
  const update = index > 100 && index % 4 === 0;
  const id = update ? 100_000 + Math.floor(index / 2) : 100_000 + index;
  const organization = index % 50 === 0 ? `Newco ${index % 7}` : organizations[index % organizations.length]!;
  return JSON.stringify({
    ticket: {
      id: String(id),
      title: `Benchmark ticket ${id}`,
      description: 'Customers report that exports time out after the latest release.',
      priority: firing && !update ? 'Urgent' : priorities[index % priorities.length],
      status: update ? statuses[index % statuses.length] : 'New',
      organization,
      requester_email: `user${index % 97}@${organization.toLowerCase().replace(/[^a-z]+/g, '')}.example`,
      created_at: new Date(Date.now() - (firing ? 2 * 60 * 60_000 : 60_000)).toISOString(),
      updated_at: new Date().toISOString(),
    },
  });
}

function send(agent: Agent, plan: LoadPlan, index: number): Promise<number> {
  const body = deliveryBody(index, plan.firing);
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        host: '127.0.0.1',
        port: plan.port,
        method: 'POST',
        path: '/webhooks/zendesk',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-zendesk-webhook-invocation-id': randomUUID(),
          'x-zendesk-webhook-signature-timestamp': timestamp,
          'x-zendesk-webhook-signature': zendeskSignature(plan.secret, timestamp, body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The worker: `concurrency` loops sending deliveries until `total` are done. */
async function generateLoad(plan: LoadPlan): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
  let next = 0;
  const latencies: number[] = [];
  const counts: Record<string, number> = {};
  let started = 0;
  const loop = async () => {
    for (;;) {
      const index = next++;
      if (index >= plan.total) return;
      if (index === plan.warmup) started = performance.now();
      const before = performance.now();
      const status = await send(agent, plan, index);
      if (index >= plan.warmup) latencies.push(performance.now() - before);
      counts[status] = (counts[status] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: plan.concurrency }, loop));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { latencies, statuses: counts, seconds };
}

const binary = join(__dirname, '..', 'bin', 'escalator.js');
const cliCommands = [
  ['query', "SELECT Priority, count(*) AS tickets FROM v_support_tickets GROUP BY ALL ORDER BY 2 DESC"],
  ['jobs', 'list'],
];

/** Runs routed CLI commands one after another until `done` resolves; their wall times in ms, by command. */
async function routedCli(workspaceDir: string, done: Promise<unknown>): Promise<{ times: number[]; failures: string[] }> {
  let finished = false;
  void done.finally(() => (finished = true));
  const times: number[] = [];
  const failures: string[] = [];
  for (let index = 0; !finished; index++) {
    const argv = [...cliCommands[index % cliCommands.length]!, '--workspace', workspaceDir];
    const before = performance.now();
    const error = await new Promise<Error | null>((resolve) => execFile(process.execPath, [binary, ...argv], { env: process.env }, (failure) => resolve(failure)));
    if (error) failures.push(`${argv.slice(0, 2).join(' ')}: ${error.message.split('\n')[0]}`);
    else if (!finished) times.push(performance.now() - before);
  }
  return { times, failures };
}

function percentile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

async function main(): Promise<void> {
  const total = Number(process.env.BENCH_DELIVERIES ?? 20_000);
  const warmup = Math.min(1_000, Math.floor(total / 10));
  const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 64);
  const firing = process.env.BENCH_JOBS === 'seed';
  const dir = mkdtempSync(join(tmpdir(), 'escalator-bench-'));
  let logged = 0;
  try {
    const workspace = await Workspace.init(join(dir, 'workspace'), { timezone: 'UTC', populate: async (staged) => void (await loadDemo(staged)) });
    let runtime: JobsRuntime | undefined;
    if (firing) {
      await saveJob(workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));
      runtime = await startJobsRuntime({ workspace, log: () => logged++ });
      await runtime.scheduler.idle();
      // As `serve --port` wires it: change runs give way to ingestion (bin/webhook-service.ts).
      if (process.env.BENCH_GATE !== 'off') {
        const activity = ingestActivity(workspace);
        runtime.scheduler.deferChangeRuns(() => activity.pause(ingestionFirst.quietMs, ingestionFirst.limitMs));
      }
    }
    const server = await startWebhookServer({ workspace, port: 0, secrets: { zendesk: secret }, log: () => logged++, clock: systemClock });
    console.log(`${total} signed Zendesk deliveries (${warmup} warm-up), ${concurrency} concurrent connections, demo workspace, loopback${firing ? ', seed job firing on every new ticket' : ''}`);
    const plan: LoadPlan = { port: server.port, secret, total, warmup, concurrency, firing };
    const workspaceDir = join(dir, 'workspace');
    // Routed commands reach this process as they reach `serve`: over the workspace's owner socket.
    const owner = process.env.BENCH_CLI === 'off' ? undefined : await OwnerServer.listen(workspaceDir, { command: 'serve', run: (routed, io) => runCli(routed.argv, { io, env: process.env, cwd: routed.cwd, host: { workspace } }) });
    const load = new Promise<LoadResult>((resolve, reject) => {
      const worker = new Worker(__filename, { workerData: plan });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    const cli = owner ? routedCli(workspaceDir, load) : undefined;
    const cpuBefore = process.cpuUsage();
    const result = await load;
    const cpu = process.cpuUsage(cpuBefore);
    const cliResult = await cli;
    await owner?.close();
    await server.close();
    const settling = performance.now();
    await runtime?.scheduler.idle();
    const evaluationLag = performance.now() - settling;
    await runtime?.stop();
    const [row] = await workspace.db.query<{ tickets: number; deliveries: number }>(
      `SELECT (SELECT count(*)::INTEGER FROM obj_support_tickets WHERE source = 'Zendesk') AS tickets, (SELECT count(*)::INTEGER FROM ingest_deliveries) AS deliveries`,
    );
    if (firing) {
      const [jobs] = await workspace.db.query<{ fired: number; queued: number; runs: number; seconds: number; longest: number }>(
        `SELECT (SELECT count(DISTINCT entry_id)::INTEGER FROM job_ledger) AS fired, (SELECT count(*)::INTEGER FROM outbox) AS queued,
                count(*)::INTEGER AS runs, sum(epoch(finished_at) - epoch(started_at))::DOUBLE AS seconds, max(epoch(finished_at) - epoch(started_at))::DOUBLE AS longest
         FROM job_runs`,
      );
      console.log(
        `jobs: ${jobs!.fired} tickets escalated, ${jobs!.queued} alerts queued, ${jobs!.runs} runs taking ${jobs!.seconds.toFixed(1)} s in all, start to commit (longest ${(jobs!.longest * 1000).toFixed(0)} ms); evaluation finished ${evaluationLag.toFixed(0)} ms after the last acknowledgement`,
      );
    }
    await workspace.close();
    const sorted = [...result.latencies].sort((a, b) => a - b);
    const rate = Math.round(result.latencies.length / result.seconds);
    console.log(`statuses: ${Object.entries(result.statuses).map(([status, count]) => `${status}×${count}`).join(', ')}`);
    console.log(`stored: ${row!.tickets} Zendesk tickets, ${row!.deliveries} deliveries remembered; ${logged} log lines`);
    console.log(`latency: p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p90 ${percentile(sorted, 0.9).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms`);
    // CPU of this process's threads (server, DuckDB, load generator): steadier than the rate on a shared machine.
    console.log(`cpu: ${((cpu.user + cpu.system) / total).toFixed(0)} µs per delivery (user ${(cpu.user / 1e6).toFixed(1)} s, system ${(cpu.system / 1e6).toFixed(1)} s, this process with the load generator)`);
    if (cliResult) {
      const times = [...cliResult.times].sort((a, b) => a - b);
      console.log(`routed cli p50 ${percentile(times, 0.5).toFixed(0)} ms, p90 ${percentile(times, 0.9).toFixed(0)} ms (${times.length} commands while the load ran: query, jobs list${cliResult.failures.length ? `; ${cliResult.failures.length} failed: ${cliResult.failures[0]}` : ''})`);
    }
    console.log(`ingest: ${rate} deliveries/s, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  void generateLoad(workerData as LoadPlan).then((result) => parentPort!.postMessage(result));
}
