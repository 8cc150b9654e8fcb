// bench:web — the web board of a 100k-ticket workspace rendered server-side: a signed-in GET /board/support_tickets
// through the app in process (session lookup, the windowed column query, SLA of the shown cards, the HTML).
// Ends with `web board: N tickets rendered in T ms` (the median of the runs after one warm-up).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FixedClock } from '../objects/clock';
import { Workspace } from '../objects/workspace';
import { createWebApp } from '../web/app';
import { loadBoard } from '../web/board-data';
import { WebSessions } from '../web/sessions';
import { companiesSql, ticketsSql } from './sweep';

const ticketColumns = 'title, description, customer, contact, priority, status, assigned_to, opened_date, first_response_date, resolved_date, escalated, escalation_tier, account_tier';
const companyColumns = 'name, domain, contract_value, health, renewal_date, account_tier, account_owner, backup_owner, account_executive';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { tickets: { type: 'string', default: '100000' }, runs: { type: 'string', default: '7' } } });
  const tickets = Number(values.tickets);
  const runs = Number(values.runs);
  const companies = Math.max(100, Math.floor(tickets / 100));
  const dir = mkdtempSync(join(tmpdir(), 'escalator-web-bench-'));
  try {
    const clock = new FixedClock('2026-04-14T10:00:00Z');
    const workspace = await Workspace.init(join(dir, 'workspace'), { clock, timezone: 'UTC' });
    await workspace.db.run(`INSERT INTO obj_company (id, created_at, updated_at, ${companyColumns}) SELECT * FROM (${companiesSql(companies)})`);
    await workspace.db.run(`INSERT INTO obj_support_tickets (id, created_at, updated_at, ${ticketColumns}) SELECT * FROM (${ticketsSql(tickets, companies)})`);
    await workspace.db.run('CHECKPOINT');
    const app = createWebApp({ workspace, clock, log: () => undefined });
    const { token } = await new WebSessions(workspace.db, clock).createLoginToken('bench');
    const login = await app.request(`/login?token=${token}`, { headers: { 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } });
    const cookie = /escalator_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];

    const board = await loadBoard(workspace, 'support_tickets');
    console.log(`web board: ${tickets} tickets, ${companies} companies; columns ${board.columns.map((column) => `${column.option} ${column.count}`).join(', ')}; ${board.perColumn} cards a column`);
    const queryTimes: number[] = [];
    const pageTimes: number[] = [];
    let bytes = 0;
    for (let run = 0; run <= runs; run++) {
      let begin = performance.now();
      await loadBoard(workspace, 'support_tickets');
      const queryMs = performance.now() - begin;
      begin = performance.now();
      const response = await app.request('/board/support_tickets', { headers: { cookie } });
      const page = await response.text();
      const pageMs = performance.now() - begin;
      if (response.status !== 200) throw new Error(`GET /board/support_tickets answered ${response.status}`);
      bytes = Buffer.byteLength(page);
      if (run === 0) continue;
      queryTimes.push(queryMs);
      pageTimes.push(pageMs);
    }
    console.log(`  board data (query + SLA of shown cards): median ${median(queryTimes).toFixed(0)} ms; page ${(bytes / 1024).toFixed(0)} KiB`);
    console.log(`web board: ${tickets} tickets rendered in ${median(pageTimes).toFixed(0)} ms`);
    await workspace.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
