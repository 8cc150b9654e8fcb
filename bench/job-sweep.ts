// bench:jobs — the seed's whole three-rule job through the real runner at N tickets: a run when nothing changes
// (idle), a run when ~1 % of tickets cross a threshold (busy), and alert latency with real timers — from the moment a
// ticket crosses its threshold to the message handed to the deliverer. Ends with
// `job N tickets: idle T ms, busy B ms` and `alert latency: p50 A ms, max M ms`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Clock } from '../objects/clock';
import { createEntries } from '../objects/entries';
import { Workspace } from '../objects/workspace';
import { saveJob } from '../jobs/job-files';
import { runJob } from '../jobs/runner';
import { startJobsRuntime } from '../jobs/runtime';
import { seedEscalationJob } from '../jobs/seed-job';
import { companiesSql, ticketsSql } from './sweep';

const start = new Date('2026-04-14T10:00:00Z');
const ticketColumns = 'title, description, customer, contact, priority, status, assigned_to, opened_date, first_response_date, resolved_date, escalated, escalation_tier, account_tier';
const companyColumns = 'name, domain, contract_value, health, renewal_date, account_tier, account_owner, backup_owner, account_executive';

/** A clock that starts at the seed's instant, stands still for the run timings and runs at real speed for latency. */
class BenchClock implements Clock {
  private frozenAt: number | undefined = start.getTime();
  private origin = 0;
  private base = 0;
  now(): Date {
    return new Date(this.frozenAt ?? this.base + (performance.now() - this.origin));
  }
  /** From now on, time passes at real speed. */
  release(): void {
    this.base = this.frozenAt ?? this.now().getTime();
    this.origin = performance.now();
    this.frozenAt = undefined;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const quantile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * q))]!;

export interface JobSweepResult {
  tickets: number;
  firstRunMs: number;
  idleMs: number;
  busyMs: number;
  busyFirings: number;
  latencyP50Ms: number;
  latencyMaxMs: number;
}

/** Runs the benchmark at one size; prints its lines and returns the figures. */
export async function jobSweep(tickets: number, options: { runs?: number; alerts?: number } = {}): Promise<JobSweepResult> {
  const runs = options.runs ?? 5;
  const dir = mkdtempSync(join(tmpdir(), 'escalator-job-sweep-'));
  const clock = new BenchClock();
  const companies = Math.max(100, Math.floor(tickets / 100));
  try {
    console.log(`job sweep: ${tickets} tickets, ${companies} companies, the seed's three rules`);
    const workspace = await Workspace.init(join(dir, 'workspace'), { clock, timezone: 'UTC' });
    await workspace.db.run(`INSERT INTO obj_company (id, created_at, updated_at, ${companyColumns}) SELECT * FROM (${companiesSql(companies)})`);
    await workspace.db.run(`INSERT INTO obj_support_tickets (id, created_at, updated_at, ${ticketColumns}) SELECT * FROM (${ticketsSql(tickets, companies)})`);
    await workspace.db.run('CHECKPOINT');
    // Runs get the job itself, as the scheduler gives it (not its name, which would re-read and re-validate the file).
    const job = await saveJob(workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));

    let begin = performance.now();
    const first = await runJob(workspace, job);
    const firstRunMs = performance.now() - begin;
    console.log(`  first run (everything already over a threshold): ${first.matched} firings, ${first.notified} alerts queued in ${firstRunMs.toFixed(0)} ms`);

    const idle: number[] = [];
    for (let run = 0; run < runs + 1; run++) {
      begin = performance.now();
      const result = await runJob(workspace, job);
      if (run > 0) idle.push(performance.now() - begin);
      if (result.matched !== 0) throw new Error(`an idle run fired ${result.matched} times`);
    }
    const idleMs = median(idle);
    console.log(`  idle run (nothing crosses): median ${idleMs.toFixed(1)} ms of ${runs}`);

    // Busy: ~1 % of the tickets become open P1s without a first response, opened 31 minutes ago (a fresh slice each run).
    const slice = Math.max(1, Math.floor(tickets / 100));
    const busy: number[] = [];
    let busyFirings = 0;
    for (let run = 0; run < 3; run++) {
      const opened = new Date(clock.now().getTime() - 31 * 60_000);
      await workspace.db.run(
        `UPDATE obj_support_tickets SET priority = 'P1 - Critical', status = 'Open', first_response_date = NULL, resolved_date = NULL,
           escalation_tier = 'None', escalated = FALSE, opened_date = $1::TIMESTAMPTZ
         WHERE id IN (SELECT id FROM obj_support_tickets WHERE status IN ('Resolved', 'Closed') ORDER BY id LIMIT ${slice})`,
        [opened],
      );
      begin = performance.now();
      const result = await runJob(workspace, job);
      busy.push(performance.now() - begin);
      busyFirings = result.matched;
    }
    const busyMs = median(busy);
    console.log(`  busy run (${busyFirings} tickets cross, each escalated with history, ledger row and alert): median ${busyMs.toFixed(0)} ms of 3`);

    // Latency: tickets that cross their 30-minute threshold a moment from now, spaced out; the runtime wakes for each.
    clock.release();
    // The alerts of the runs above count as delivered: the probes must not queue behind them.
    await workspace.db.run(`UPDATE outbox SET state = 'sent', delivered_at = now() WHERE state = 'pending'`);
    const alerts = options.alerts ?? 20;
    const crossings = new Map<string, number>();
    const latencies: number[] = [];
    let delivered = 0;
    let done: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const runtime = await startJobsRuntime({
      workspace,
      clock,
      deliverers: [
        {
          channel: 'telegram',
          async deliver(message) {
            const crossed = crossings.get(String(message.payload.entryId));
            if (crossed !== undefined) {
              latencies.push(clock.now().getTime() - crossed);
              if (++delivered === alerts) done();
            }
            return {};
          },
        },
      ],
    });
    await runtime.scheduler.idle();
    await runtime.outbox.idle();
    const base = clock.now().getTime() - 30 * 60_000 + 1_000;
    const records = Array.from({ length: alerts }, (_, index) => ({
      Title: `latency probe ${index}`,
      Customer: 'c1',
      Priority: 'P1 - Critical',
      Status: 'Open',
      'Opened Date': new Date(base + index * 250),
    }));
    const ids = await createEntries(workspace, 'support_tickets', records, { by: 'bench' });
    ids.forEach((id, index) => crossings.set(id, base + index * 250 + 30 * 60_000));
    const timeout = setTimeout(() => done(), 60_000);
    await finished;
    clearTimeout(timeout);
    await runtime.stop();
    if (latencies.length < alerts) console.log(`  only ${latencies.length} of ${alerts} probe alerts arrived within a minute`);
    const latencyP50Ms = quantile(latencies, 0.5);
    const latencyMaxMs = Math.max(...latencies);
    console.log(`job ${tickets} tickets: idle ${idleMs.toFixed(1)} ms, busy ${busyMs.toFixed(0)} ms`);
    console.log(`alert latency: p50 ${latencyP50Ms.toFixed(0)} ms, max ${latencyMaxMs.toFixed(0)} ms`);
    await workspace.close();
    return { tickets, firstRunMs, idleMs, busyMs, busyFirings, latencyP50Ms, latencyMaxMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { tickets: { type: 'string', multiple: true }, runs: { type: 'string' } } });
  const sizes = (values.tickets ?? ['10000', '100000', '1000000'])
    .flatMap((value) => value.split(','))
    .map((value) => Number(value.replace(/k$/i, '000').replace(/m$/i, '000000')));
  void (async () => {
    for (const tickets of sizes) await jobSweep(tickets, values.runs ? { runs: Number(values.runs) } : {});
  })();
}
