// bench:sweep — the seed's three escalation conditions over N tickets: our typed table per object (through the
// real filter compiler) against DenchClaw's EAV + PIVOT layout with the same data. Prints ms per layout, the
// ratio, file sizes and RSS; ends with `sweep N tickets: typed T ms, eav E ms, ratio R×`.
import { mkdtempSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { FixedClock } from '../objects/clock';
import { normalizeFilter, type Filter } from '../objects/filter';
import { compileFilter, SqlParameters } from '../objects/filter-compiler';
import { Workspace } from '../objects/workspace';
import { jobSweep } from './job-sweep';

const now = new Date('2026-04-14T10:00:00Z');

/** The seed's Step 4 criteria, as job rules write them. */
export const seedConditions: { name: string; filter: Filter }[] = [
  {
    name: 'P1 open > 30 min without first response',
    filter: normalizeFilter({ all: [
      { field: 'Priority', operator: 'is', value: 'P1 - Critical' },
      { field: 'Status', operator: 'is_none_of', value: ['Resolved', 'Closed'] },
      { field: 'First Response Date', operator: 'is_empty' },
      { field: 'Opened Date', operator: 'older_than', value: '30m' },
    ] }),
  },
  {
    name: 'P2 from Enterprise open > 4 h',
    filter: normalizeFilter({ all: [
      { field: 'Priority', operator: 'is', value: 'P2 - High' },
      { field: 'Customer.Account Tier', operator: 'is', value: 'Enterprise' },
      { field: 'Status', operator: 'is_none_of', value: ['Resolved', 'Closed'] },
      { field: 'Opened Date', operator: 'older_than', value: '4h' },
    ] }),
  },
  {
    name: 'any ticket open > 48 h without resolution',
    filter: normalizeFilter({ all: [
      { field: 'Status', operator: 'is_none_of', value: ['Resolved', 'Closed'] },
      { field: 'Resolved Date', operator: 'is_empty' },
      { field: 'Opened Date', operator: 'older_than', value: '48h' },
    ] }),
  },
];

/** SQL producing `tickets` synthetic tickets (deterministic: a hash of the row number) in the typed columns. */
export function ticketsSql(tickets: number, companies: number): string {
  const at = `TIMESTAMPTZ '${now.toISOString()}'`;
  return `SELECT 't' || i AS id, opened AS created_at, opened AS updated_at,
      'Ticket ' || i AS title,
      'Customer reports that ' || ['exports fail', 'logins loop', 'reports are slow', 'syncs stall'][1 + (h % 4)::INTEGER] || ' since the last release; steps to reproduce and logs are attached to ticket ' || i || '.' AS description, 'c' || (h % ${companies}) AS customer, NULL::VARCHAR AS contact,
      ['P1 - Critical', 'P2 - High', 'P3 - Medium', 'P4 - Low'][1 + (h2 % 4)::INTEGER] AS priority,
      CASE WHEN open THEN ['Open', 'In Progress', 'Waiting on Customer', 'Escalated'][1 + ((h2 // 4) % 4)::INTEGER]
           WHEN h % 2 = 0 THEN 'Resolved' ELSE 'Closed' END AS status,
      CASE WHEN (h2 // 16) % 5 = 0 THEN NULL ELSE 'Agent ' || (h2 % 40) END AS assigned_to,
      opened AS opened_date,
      CASE WHEN open AND (h2 // 64) % 3 = 0 THEN NULL ELSE opened + INTERVAL 20 MINUTE END AS first_response_date,
      CASE WHEN open THEN NULL ELSE opened + INTERVAL 30 HOUR END AS resolved_date,
      (h2 // 256) % 10 = 0 AS escalated,
      CASE WHEN (h2 // 256) % 10 = 0 THEN 'Tier 1 - Support Lead' ELSE 'None' END AS escalation_tier,
      ['Enterprise', 'Mid-Market', 'SMB', 'Trial'][1 + ((h % ${companies}) % 4)::INTEGER] AS account_tier
    FROM (
      SELECT i, h, h2, h % 100 < 10 AS open,
        ${at} - to_minutes((CASE WHEN h % 100 < 10 THEN (h2 // 1024) % (96 * 60) ELSE (h2 // 1024) % (365 * 24 * 60) END)::BIGINT) AS opened
      FROM (SELECT i, hash(i) AS h, hash(i * 7919 + 13) AS h2 FROM range(${tickets}) t(i))
    )`;
}

export function companiesSql(companies: number): string {
  return `SELECT 'c' || i AS id, TIMESTAMPTZ '${now.toISOString()}' AS created_at, TIMESTAMPTZ '${now.toISOString()}' AS updated_at,
      'Company ' || i AS name, 'c' || i || '.example' AS domain, (i % 50) * 5000.0 AS contract_value,
      ['Green', 'Yellow', 'Red'][1 + (i % 3)::INTEGER] AS health, TIMESTAMPTZ '${now.toISOString()}' + to_days((i % 365)::INTEGER) AS renewal_date,
      ['Enterprise', 'Mid-Market', 'SMB', 'Trial'][1 + (i % 4)::INTEGER] AS account_tier,
      'Owner ' || (i % 20) AS account_owner, 'Backup ' || (i % 20) AS backup_owner, 'AE ' || (i % 10) AS account_executive
    FROM range(${companies}) t(i)`;
}

const ticketFields: [string, string][] = [
  ['Title', 'title'], ['Description', 'description'], ['Customer', 'customer'], ['Contact', 'contact'], ['Priority', 'priority'],
  ['Status', 'status'], ['Assigned To', 'assigned_to'], ['Opened Date', 'opened_date'], ['First Response Date', 'first_response_date'],
  ['Resolved Date', 'resolved_date'], ['Escalated', 'escalated'], ['Escalation Tier', 'escalation_tier'], ['Account Tier', 'account_tier'],
];
const companyFields: [string, string][] = [
  ['Name', 'name'], ['Domain', 'domain'], ['Contract Value', 'contract_value'], ['Health', 'health'], ['Renewal Date', 'renewal_date'],
  ['Account Tier', 'account_tier'], ['Account Owner', 'account_owner'], ['Backup Owner', 'backup_owner'], ['Account Executive', 'account_executive'],
];

/**
 * DenchClaw's layout, as its workspace creates it: objects, fields, entries, and entry_fields (id, entry_id,
 * field_id, VARCHAR value, UNIQUE(entry_id, field_id)), with one PIVOT view per object that joins entries,
 * entry_fields and fields and lists the field names explicitly (DuckDB refuses a dynamic PIVOT in a view).
 */
async function buildEav(connection: DuckDBConnection, tickets: number, companies: number): Promise<void> {
  await connection.run(`CREATE TABLE objects (id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL UNIQUE)`);
  await connection.run(`CREATE TABLE fields (id VARCHAR PRIMARY KEY, object_id VARCHAR NOT NULL REFERENCES objects(id), name VARCHAR NOT NULL, type VARCHAR, UNIQUE(object_id, name))`);
  await connection.run(`CREATE TABLE entries (id VARCHAR PRIMARY KEY, object_id VARCHAR NOT NULL REFERENCES objects(id), sort_order INTEGER DEFAULT 0, created_at TIMESTAMPTZ, updated_at TIMESTAMPTZ)`);
  await connection.run(`CREATE TABLE entry_fields (id VARCHAR PRIMARY KEY DEFAULT (gen_random_uuid()::VARCHAR), entry_id VARCHAR NOT NULL, field_id VARCHAR NOT NULL, value VARCHAR,
    created_at TIMESTAMPTZ DEFAULT now(), updated_at TIMESTAMPTZ DEFAULT now(), UNIQUE(entry_id, field_id))`);
  for (const [object, sql, fields] of [['company', companiesSql(companies), companyFields], ['support_tickets', ticketsSql(tickets, companies), ticketFields]] as const) {
    await connection.run(`INSERT INTO objects VALUES ('o_${object}', '${object}')`);
    await connection.run(`INSERT INTO fields VALUES ${fields.map(([name, column]) => `('f_${object}_${column}', 'o_${object}', '${name}', 'text')`).join(', ')}`);
    await connection.run(`CREATE TEMP TABLE source AS ${sql}`);
    await connection.run(`INSERT INTO entries (id, object_id, created_at, updated_at) SELECT id, 'o_${object}', created_at, updated_at FROM source`);
    const casts = fields.map(([, column]) => `CAST(${column} AS VARCHAR) AS "${column}"`).join(', ');
    await connection.run(`INSERT INTO entry_fields (entry_id, field_id, value) SELECT id, 'f_${object}_' || column_name, value FROM (
        UNPIVOT (SELECT id, ${casts} FROM source) ON ${fields.map(([, column]) => `"${column}"`).join(', ')} INTO NAME column_name VALUE value
      )`);
    await connection.run('DROP TABLE source');
    await connection.run(`CREATE VIEW v_${object} AS PIVOT (
        SELECT e.id AS entry_id, e.created_at, e.updated_at, f.name AS field_name, ef.value
        FROM entries e JOIN entry_fields ef ON ef.entry_id = e.id JOIN fields f ON f.id = ef.field_id
        WHERE e.object_id = 'o_${object}'
      ) ON field_name IN (${fields.map(([name]) => `'${name}'`).join(', ')}) USING first(value)`);
  }
  await connection.run('CHECKPOINT');
}

/** The same three conditions written against the EAV views, as a DenchClaw user or model would. */
function eavQueries(): string[] {
  const at = (minutes: number) => `TIMESTAMPTZ '${new Date(now.getTime() - minutes * 60_000).toISOString()}'`;
  const open = `"Status" NOT IN ('Resolved', 'Closed')`;
  return [
    `SELECT entry_id FROM v_support_tickets WHERE "Priority" = 'P1 - Critical' AND ${open} AND ("First Response Date" IS NULL OR "First Response Date" = '') AND CAST("Opened Date" AS TIMESTAMPTZ) <= ${at(30)}`,
    `SELECT t.entry_id FROM v_support_tickets t LEFT JOIN v_company c ON c.entry_id = t."Customer" WHERE t."Priority" = 'P2 - High' AND c."Account Tier" = 'Enterprise' AND t.${open} AND CAST(t."Opened Date" AS TIMESTAMPTZ) <= ${at(240)}`,
    `SELECT entry_id FROM v_support_tickets WHERE ${open} AND ("Resolved Date" IS NULL OR "Resolved Date" = '') AND CAST("Opened Date" AS TIMESTAMPTZ) <= ${at(2880)}`,
  ];
}

async function median(runs: number, work: () => Promise<unknown>): Promise<number> {
  await work();
  await work();
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await work();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const size = (path: string) => (existsSync(path) ? statSync(path).size : 0) + (existsSync(`${path}.wal`) ? statSync(`${path}.wal`).size : 0);

export async function sweep(tickets: number, runs = 7): Promise<{ typed: number; eav: number; ratio: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'escalator-sweep-'));
  const companies = Math.max(100, Math.floor(tickets / 100));
  try {
    console.log(`sweep: ${tickets} tickets, ${companies} companies (median of ${runs} after 2 warm-up runs)`);
    let start = performance.now();
    const workspace = await Workspace.init(join(dir, 'typed'), { clock: new FixedClock(now), timezone: 'UTC' });
    await workspace.db.run(`INSERT INTO obj_company (id, created_at, updated_at, ${companyFields.map(([, column]) => column).join(', ')}) SELECT * FROM (${companiesSql(companies)})`);
    await workspace.db.run(`INSERT INTO obj_support_tickets (id, created_at, updated_at, ${ticketFields.map(([, column]) => column).join(', ')}) SELECT * FROM (${ticketsSql(tickets, companies)})`);
    await workspace.db.run('CHECKPOINT');
    console.log(`  typed layout loaded in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    start = performance.now();
    const eavPath = join(dir, 'eav.duckdb');
    const eavInstance = await DuckDBInstance.create(eavPath);
    const eav = await eavInstance.connect();
    await buildEav(eav, tickets, companies);
    console.log(`  EAV layout loaded in ${((performance.now() - start) / 1000).toFixed(1)} s`);

    const definition = workspace.object('support_tickets');
    const typedQueries = seedConditions.map((condition) => {
      const parameters = new SqlParameters();
      const compiled = compileFilter(definition, condition.filter, workspace.compileContext(now), parameters);
      return { sql: `SELECT e.id FROM obj_support_tickets AS e ${compiled.joins.join(' ')} WHERE ${compiled.where}`, params: parameters.values };
    });
    const eavSql = eavQueries();
    let typedTotal = 0;
    let eavTotal = 0;
    for (const [index, condition] of seedConditions.entries()) {
      const typedQuery = typedQueries[index]!;
      const typedCount = (await workspace.db.query(typedQuery.sql, typedQuery.params)).length;
      const eavCount = (await eav.runAndReadAll(eavSql[index]!)).getRowObjectsJS().length;
      if (typedCount !== eavCount) throw new Error(`${condition.name}: typed found ${typedCount}, EAV ${eavCount} — the layouts disagree`);
      const typedMs = await median(runs, () => workspace.db.query(typedQuery.sql, typedQuery.params));
      // Both layouts hand the matching ids to JavaScript, as a job run does.
      const eavMs = await median(runs, async () => (await eav.runAndReadAll(eavSql[index]!)).getRowObjectsJS());
      typedTotal += typedMs;
      eavTotal += eavMs;
      console.log(`  ${condition.name.padEnd(44)} ${String(typedCount).padStart(7)} matches   typed ${typedMs.toFixed(1).padStart(8)} ms   eav ${eavMs.toFixed(1).padStart(9)} ms   ${(eavMs / typedMs).toFixed(1)}×`);
    }
    const typedFile = size(join(dir, 'typed', 'workspace.duckdb'));
    const eavFile = size(eavPath);
    console.log(`  files: typed ${mib(typedFile)}, eav ${mib(eavFile)} (${(eavFile / typedFile).toFixed(1)}× larger); RSS ${mib(process.memoryUsage().rss)}`);
    const ratio = eavTotal / typedTotal;
    console.log(`sweep ${tickets} tickets: typed ${typedTotal.toFixed(1)} ms, eav ${eavTotal.toFixed(1)} ms, ratio ${ratio.toFixed(1)}×`);
    eav.closeSync();
    eavInstance.closeSync();
    await workspace.close();
    return { typed: typedTotal, eav: eavTotal, ratio };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const { values } = parseArgs({ options: { tickets: { type: 'string', multiple: true }, runs: { type: 'string' }, 'no-job': { type: 'boolean' } } });
  const sizes = (values.tickets ?? ['100000']).flatMap((value) => value.split(',')).map((value) => Number(value.replace(/k$/i, '000').replace(/m$/i, '000000')));
  void (async () => {
    for (const tickets of sizes) await sweep(tickets, values.runs ? Number(values.runs) : 7);
    // The seed's whole three-rule job through the real runner at the same sizes (bench:jobs alone runs just this).
    if (!values['no-job']) for (const tickets of sizes) await jobSweep(tickets, values.runs ? { runs: Number(values.runs) } : {});
  })();
}
