// npm run bench:memory — the memory of `escalator serve --port` holding a large workspace: builds N synthetic tickets
// (default 1,000,000, the generator of bench:sweep) with the seed's escalation job, starts the real command as a child
// process, sends signed Zendesk deliveries for a while as the job runs, samples the child's RSS from /proc and ends
// with `serve memory: peak RSS N MB with T tickets (DuckDB memory_limit M)`. Flags: --tickets N, --seconds S,
// --concurrency C, --no-job (serve without the seed job).
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { zendeskSignature } from '../channels/webhooks/signatures';
import { saveJob } from '../jobs/job-files';
import { seedEscalationJob } from '../jobs/seed-job';
import { serveMemoryLimit } from '../objects/database';
import { Workspace } from '../objects/workspace';
import { companiesSql, ticketsSql } from './sweep';

const secret = 'bench-secret';
const ticketColumns = 'title, description, customer, contact, priority, status, assigned_to, opened_date, first_response_date, resolved_date, escalated, escalation_tier, account_tier';
const companyColumns = 'name, domain, contract_value, health, renewal_date, account_tier, account_owner, backup_owner, account_executive';

/** VmRSS and VmHWM of a process, in MB (undefined once it has gone). */
function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

function send(agent: Agent, port: number, index: number): Promise<number> {
  const organization = `Company ${index % 500}`;
  const body = JSON.stringify({
    ticket: {
      id: String(5_000_000 + (index % 3 === 0 ? Math.floor(index / 3) : index)),
      title: `Memory benchmark ticket ${index}`,
      description: 'Customers report that exports time out after the latest release.',
      priority: index % 2 === 0 ? 'Urgent' : 'High',
      status: 'Open',
      organization,
      requester_email: `user${index % 97}@c${index % 500}.example`,
      created_at: new Date(Date.now() - 2 * 60 * 60_000).toISOString(),
      updated_at: new Date().toISOString(),
    },
  });
  const timestamp = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/webhooks/zendesk',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'x-zendesk-webhook-invocation-id': randomUUID(),
          'x-zendesk-webhook-signature-timestamp': timestamp,
          'x-zendesk-webhook-signature': zendeskSignature(secret, timestamp, body),
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

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tickets: { type: 'string' }, seconds: { type: 'string' }, concurrency: { type: 'string' }, 'no-job': { type: 'boolean' } } });
  const tickets = Number((values.tickets ?? '1000000').replace(/k$/i, '000').replace(/m$/i, '000000'));
  const seconds = Number(values.seconds ?? 60);
  const concurrency = Number(values.concurrency ?? 16);
  const memoryLimit = process.env.ESCALATOR_MEMORY_LIMIT ?? `${serveMemoryLimit} (serve's default)`;
  const companies = Math.max(100, Math.floor(tickets / 100));
  const dir = mkdtempSync(join(tmpdir(), 'escalator-serve-memory-'));
  const workspaceDir = join(dir, 'workspace');
  try {
    let begin = performance.now();
    const workspace = await Workspace.init(workspaceDir, { timezone: 'UTC' });
    await workspace.db.run(`INSERT INTO obj_company (id, created_at, updated_at, ${companyColumns}) SELECT * FROM (${companiesSql(companies)})`);
    await workspace.db.run(`INSERT INTO obj_support_tickets (id, created_at, updated_at, ${ticketColumns}) SELECT * FROM (${ticketsSql(tickets, companies)})`);
    await workspace.db.run('CHECKPOINT');
    // --no-job leaves the job out, to tell its share of the memory from the rest of serve's.
    if (!values['no-job']) await saveJob(workspace, seedEscalationJob({ channel: 'telegram', chat: 42 }));
    await workspace.close();
    console.log(`built ${tickets} tickets, ${companies} companies${values['no-job'] ? ', no job,' : ' and the seed job'} in ${((performance.now() - begin) / 1000).toFixed(1)} s`);

    const child = spawn(process.execPath, [join(__dirname, '..', 'bin', 'escalator.js'), 'serve', '--port', '0', '--workspace', workspaceDir], {
      env: { ...process.env, ZENDESK_WEBHOOK_SECRET: secret, TELEGRAM_BOT_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      const look = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /webhooks listening on http:\/\/[^:]+:(\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      child.once('exit', (code) => reject(new Error(`serve exited with ${code} before listening:\n${output}`)));
    });
    let peak = 0;
    let last = 0;
    const sampler = setInterval(() => {
      const memory = memoryOf(child.pid!);
      if (memory) {
        peak = Math.max(peak, memory.peak, memory.rss);
        last = memory.rss;
      }
    }, 100);
    console.log(`serve listening on ${port} after ${((performance.now() - begin) / 1000).toFixed(1)} s; sending deliveries for ${seconds} s at ${concurrency} connections`);
    begin = performance.now();
    const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const statuses: Record<string, number> = {};
    let next = 0;
    const loop = async () => {
      while (performance.now() - begin < seconds * 1000) {
        const status = await send(agent, port, next++).catch(() => 0);
        statuses[status] = (statuses[status] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
    agent.destroy();
    const rssBeforeStop = memoryOf(child.pid!);
    clearInterval(sampler);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
    const runs = /job support-escalation[^\n]*/g.exec(output)?.[0];
    console.log(`statuses: ${Object.entries(statuses).map(([status, count]) => `${status}×${count}`).join(', ')}${runs ? `; first job line: ${runs}` : ''}`);
    console.log(`RSS at the end ${(rssBeforeStop?.rss ?? last).toFixed(0)} MB`);
    console.log(`serve memory: peak RSS ${peak.toFixed(0)} MB with ${tickets} tickets (DuckDB memory_limit ${memoryLimit})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
