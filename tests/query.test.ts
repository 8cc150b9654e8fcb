import { join } from 'node:path';
import { runEscalator, temporaryDir } from './helpers';

describe('escalator query', () => {
  const { dir, remove } = temporaryDir();
  const workspace = join(dir, 'workspace');
  beforeAll(async () => {
    expect((await runEscalator(['init', '--demo', '--workspace', workspace])).code).toBe(0);
  });
  afterAll(remove);

  it('lists the demo tickets with company names as JSON', async () => {
    const result = await runEscalator(['query', '--json', 'SELECT "Title", "Priority", "Customer" FROM v_support_tickets', '--workspace', workspace]);
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as { Title: string; Priority: string; Customer: string }[];
    expect(rows).toHaveLength(200);
    expect(rows).toContainEqual({ Title: 'Unable to export data', Priority: 'P1 - Critical', Customer: 'Acme Corp' });
  });

  it('prints numbers as numbers and times as ISO strings', async () => {
    const result = await runEscalator(['query', '--json', `SELECT count(*) AS n, max("Contract Value") AS top, min("Renewal Date") AS soonest FROM v_company`, '--workspace', workspace]);
    const [row] = JSON.parse(result.stdout) as { n: number; top: number; soonest: string }[];
    expect(row).toEqual({ n: 12, top: 320000, soonest: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/) });
  });

  it('answers the seed question: Enterprise accounts with more than 2 escalated tickets in Q1 and their health', async () => {
    const sql = `SELECT c."Name", c."Health", count(*) AS escalated
      FROM v_support_tickets t JOIN v_company c ON c."Name" = t."Customer"
      WHERE t."Escalated" AND c."Account Tier" = 'Enterprise'
        AND t."Opened Date" >= TIMESTAMPTZ '2026-01-01 00:00:00+00' AND t."Opened Date" < TIMESTAMPTZ '2026-04-01 00:00:00+00'
      GROUP BY ALL HAVING count(*) > 2 ORDER BY 1`;
    const rows = JSON.parse((await runEscalator(['query', '--json', sql, '--workspace', workspace])).stdout) as { Name: string; Health: string }[];
    expect(rows.map((row) => [row.Name, row.Health])).toEqual([['Acme Corp', 'Yellow'], ['Initech', 'Red']]);
  });

  const refusals: [string, RegExp][] = [
    ['INSERT INTO obj_company (id, created_at, updated_at) VALUES (\'x\', now(), now())', /only SELECT .* this is a INSERT statement/],
    ['UPDATE obj_company SET name = \'x\'', /this is a UPDATE statement/],
    ['DELETE FROM obj_company', /this is a DELETE statement/],
    ['DROP TABLE obj_company', /this is a DROP statement/],
    ['ALTER TABLE obj_company ADD COLUMN x INT', /this is a ALTER statement/],
    ['CREATE TABLE x (a INT)', /this is a CREATE statement/],
    ['SELECT 1; DROP TABLE obj_company', /only one statement may run, found 2/],
    ['SELECT 1; SELECT 2', /only one statement may run, found 2/],
    [`ATTACH '/tmp/other.duckdb' AS other`, /this is a ATTACH statement/],
    [`COPY obj_company TO '/tmp/out.csv'`, /this is a COPY statement/],
    ['INSTALL httpfs', /refused/],
    ['LOAD httpfs', /refused/],
    ['PRAGMA database_list', /refused/],
    ['SET threads = 1', /this is a SET statement/],
    ['CALL duckdb_settings()', /this is a CALL statement/],
    [`SELECT * FROM read_csv('/etc/passwd')`, /queries may not read or write files/],
    [`SELECT * FROM read_text('/etc/passwd')`, /queries may not read or write files/],
    [`SELECT * FROM glob('/etc/*')`, /queries may not read or write files/],
    [`WITH x AS (SELECT * FROM read_csv_auto('/etc/hostname')) SELECT * FROM x`, /queries may not read or write files/],
  ];
  it.each(refusals)('refuses %s with one clear line and exit code 1', async (sql, reason) => {
    const result = await runEscalator(['query', sql, '--workspace', workspace]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(reason);
    expect(result.stderr.split('\n')).toHaveLength(1);
  });

  it('still has every company after the refused writes', async () => {
    const rows = JSON.parse((await runEscalator(['query', '--json', 'SELECT count(*) AS n FROM obj_company', '--workspace', workspace])).stdout);
    expect(rows).toEqual([{ n: 12 }]);
  });
});
