// Security of read-only queries (issue 9, items 4 and 5): no table function that reconfigures DuckDB, rows stopped
// in the engine, a time limit that interrupts, readers that never hold up the writer or serve's shutdown.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { ownerSocketPath } from '../bin/owner-protocol';
import { runReadOnlyQuery } from '../objects/read-only-query';
import { queryTool } from '../tools/query';
import { createTestWorkspace, runEscalator, temporaryDir, testNow, type TestWorkspace } from './helpers';

/** A query that runs for minutes: a count over a cross join of 10^12 rows. */
const longQuery = 'SELECT count(*) AS n FROM range(1000000) a, range(1000000) b';

let test: TestWorkspace;
beforeAll(async () => {
  test = await createTestWorkspace();
  await test.workspace.db.run('CREATE TABLE scratch (n INTEGER)');
});
afterAll(async () => test.cleanup());

/** Who calls the query tool in these tests. */
const chat = { chat: { channel: 'telegram' as const, id: '4242' }, user: 'Priya' };
const read = (sql: string, maxRows = 100) => runReadOnlyQuery(test.workspace.db, sql, { maxRows });

/** The database still answers and takes writes on both connections. */
async function databaseWorks(): Promise<void> {
  await test.workspace.db.run('INSERT INTO scratch VALUES (1)');
  expect((await test.workspace.db.query('SELECT count(*) AS n FROM obj_company'))[0]).toEqual({ n: 0 });
  expect((await read('SELECT 40 + 2 AS answer')).rows).toEqual([{ answer: 42 }]);
}

describe('table functions in read-only queries', () => {
  const notAllowed: [string, RegExp][] = [
    [`SELECT * FROM enable_logging(storage := 'file', storage_path := '/tmp/escalator-logs')`, /table function enable_logging\(\) is not allowed/],
    [`SELECT * FROM enable_profiling(save_location := '/tmp/escalator-profile.json')`, /table function enable_profiling\(\) is not allowed/],
    ['SELECT * FROM disable_logging()', /disable_logging\(\) is not allowed/],
    ['SELECT * FROM disable_profiling()', /disable_profiling\(\) is not allowed/],
    ['SELECT * FROM truncate_duckdb_logs()', /truncate_duckdb_logs\(\) is not allowed/],
    ['SELECT * FROM checkpoint()', /checkpoint\(\) is not allowed/],
    ['SELECT * FROM force_checkpoint()', /force_checkpoint\(\) is not allowed/],
    ['SELECT * FROM duckdb_settings()', /duckdb_settings\(\) is not allowed/],
    ['SELECT * FROM duckdb_secrets()', /duckdb_secrets\(\) is not allowed/],
    ['SELECT * FROM duckdb_extensions()', /duckdb_extensions\(\) is not allowed/],
    [`SELECT * FROM query('DELETE FROM obj_company RETURNING *')`, /query\(\) is not allowed/],
    [`SELECT * FROM query_table('obj_company')`, /query_table\(\) is not allowed/],
    ['SELECT * FROM main.ENABLE_LOGGING()', /enable_logging\(\) is not allowed/],
    // Anywhere in the tree: a CTE, a scalar subquery, EXISTS, a join, a set operation, LATERAL, a nested FROM.
    ['WITH x AS (SELECT * FROM enable_logging()) SELECT 1', /enable_logging\(\) is not allowed/],
    ['SELECT (SELECT count(*) FROM enable_profiling()) AS n', /enable_profiling\(\) is not allowed/],
    ['SELECT 1 WHERE EXISTS (SELECT * FROM enable_logging())', /enable_logging\(\) is not allowed/],
    ['SELECT * FROM range(1) r JOIN checkpoint() c ON true', /checkpoint\(\) is not allowed/],
    ['SELECT 1 UNION ALL SELECT 1 FROM disable_logging()', /disable_logging\(\) is not allowed/],
    ['SELECT * FROM range(2) r, LATERAL (SELECT * FROM enable_profiling()) p', /enable_profiling\(\) is not allowed/],
    ['SELECT * FROM (SELECT * FROM (SELECT * FROM enable_logging()))', /enable_logging\(\) is not allowed/],
    // Scalar functions that change state.
    [`SELECT nextval('any_sequence')`, /nextval\(\) changes state/],
    ['SELECT setseed(0.5)', /setseed\(\) changes state/],
    [`SELECT write_log('hello')`, /write_log\(\) changes state/],
    ['SELECT sleep_ms(100000)', /sleep_ms\(\) changes state or waits/],
    // Files, by function or by replacement scan.
    [`SELECT * FROM read_parquet('/etc/passwd')`, /queries may not read or write files \(read_parquet\)/],
    [`SELECT * FROM '/etc/passwd.csv'`, /queries may not read or write files/],
  ];

  it.each(notAllowed)('refuses %s as not allowed', async (sql, reason) => {
    await expect(read(sql)).rejects.toThrow(/^query refused: /);
    await expect(read(sql)).rejects.toThrow(reason);
  });

  it('keeps the database working after every refused function', async () => {
    for (const [sql] of notAllowed) await read(sql).catch(() => undefined);
    await databaseWorks();
  });

  it('runs the allowed table functions, inside CTEs, subqueries and joins too', async () => {
    expect((await read('SELECT count(*) AS n FROM range(10)')).rows).toEqual([{ n: 10 }]);
    expect((await read('WITH g AS (SELECT * FROM generate_series(1, 4) t(v)) SELECT sum(v) AS total FROM g')).rows).toEqual([{ total: 10 }]);
    expect((await read('SELECT (SELECT max(u) FROM unnest([3, 9, 4]) t(u)) AS top')).rows).toEqual([{ top: 9 }]);
    expect((await read(`SELECT count(*) AS n FROM range(3) r JOIN json_each('[1, 2]') j ON true`)).rows).toEqual([{ n: 6 }]);
    expect((await read(`SELECT table_name FROM duckdb_tables() WHERE table_name = 'obj_company'`)).rows).toEqual([{ table_name: 'obj_company' }]);
    expect((await read(`SELECT name FROM pragma_table_info('obj_company') WHERE name = 'id'`)).rows).toEqual([{ name: 'id' }]);
  });

  it('still refuses DML hidden in a CTE, SELECT … INTO and look-alike letters', async () => {
    await expect(read('WITH gone AS (DELETE FROM obj_company RETURNING *) SELECT * FROM gone')).rejects.toThrow(/^query (refused|failed)/);
    await expect(read('SELECT * INTO copy_of_company FROM obj_company')).rejects.toThrow(/^query (refused|failed)/);
    await expect(read('ЅELECT 1')).rejects.toThrow(/^query failed: DuckDB could not run it: Parser error/);
    await databaseWorks();
  });
});

describe('DuckDB errors are shown as DuckDB wrote them', () => {
  it('shows the parser error of a reserved word used as a column, not "this is a SELECT statement"', async () => {
    const failure = read(`SELECT * FROM field_changes WHERE by LIKE 'job:%'`);
    await expect(failure).rejects.toThrow(/^query failed: DuckDB could not run it: Parser error: syntax error at or near "by"/);
    await expect(read(`SELECT * FROM field_changes WHERE by LIKE 'job:%'`)).rejects.not.toThrow(/this is a SELECT statement/);
  });

  it('shows the binder error of an unknown column', async () => {
    await expect(read('SELECT nope FROM field_changes')).rejects.toThrow(/^query failed: DuckDB could not run it: Binder error: Referenced column "nope" not found/);
  });
});

describe('limits of read-only queries', () => {
  // The command line opens the workspace itself: give it one this process does not hold open.
  const cli = temporaryDir();
  const cliWorkspace = join(cli.dir, 'workspace');
  beforeAll(async () => {
    expect((await runEscalator(['init', '--workspace', cliWorkspace])).code).toBe(0);
  });
  afterAll(cli.remove);

  it('stops the engine after max_rows: range(10^12) with max_rows 10 answers 10 rows and says there were more', async () => {
    const tool = queryTool({ workspace: test.workspace });
    const result = await tool.run({ sql: 'SELECT * FROM range(1000000000000) t(n)', max_rows: 10 }, chat);
    expect(result.row_count).toBe(10);
    expect(result.rows).toHaveLength(10);
    expect(result).toMatchObject({ truncated: true, note: expect.stringMatching(/more rows than max_rows \(10\)/) });
  });

  it('says nothing about more rows when all of them came', async () => {
    const tool = queryTool({ workspace: test.workspace });
    expect(await tool.run({ sql: 'SELECT * FROM range(10) t(n)', max_rows: 10 }, chat)).toEqual({ row_count: 10, rows: expect.any(Array) });
  });

  it('interrupts a query past its time limit with a clear message, and the writer and reader work after', async () => {
    await expect(runReadOnlyQuery(test.workspace.db, longQuery, { maxRows: 10, timeoutMs: 100 })).rejects.toThrow(
      /^query stopped: it ran longer than 0\.1 s, the time limit of one query; narrow it .* ESCALATOR_QUERY_TIMEOUT_SECONDS/,
    );
    await databaseWorks();
  }, 20_000);

  it('takes writes on the writer connection while a long reader runs', async () => {
    const own = await createTestWorkspace();
    try {
      await own.workspace.db.run('CREATE TABLE scratch (n INTEGER)');
      let settled = false;
      const reader = runReadOnlyQuery(own.workspace.db, longQuery, { maxRows: 10, timeoutMs: 600_000 }).finally(() => (settled = true));
      await own.workspace.db.transaction(async (sql) => {
        await sql.run('INSERT INTO scratch VALUES (1)');
        await sql.run('INSERT INTO scratch VALUES (2)');
      });
      expect(await own.workspace.db.query('SELECT count(*) AS n FROM scratch')).toEqual([{ n: 2 }]);
      expect(settled).toBe(false);
      // Shutdown interrupts it at once, and refuses new reads.
      own.workspace.db.stopReaders();
      await expect(reader).rejects.toThrow(/^query stopped: the workspace is closing/);
      await expect(runReadOnlyQuery(own.workspace.db, 'SELECT 1', { maxRows: 1 })).rejects.toThrow(/the workspace is closing/);
    } finally {
      await own.cleanup();
    }
  }, 20_000);

  it('takes the time limit from ESCALATOR_QUERY_TIMEOUT_SECONDS on the command line', async () => {
    const result = await runEscalator(['query', longQuery, '--workspace', cliWorkspace], { env: { ESCALATOR_QUERY_TIMEOUT_SECONDS: '0.2' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/query stopped: it ran longer than 0\.2 s/);
    expect(result.stderr.split('\n')).toHaveLength(1);
  }, 20_000);

  it('refuses a time limit that is not a number of seconds', async () => {
    const result = await runEscalator(['query', 'SELECT 1', '--workspace', cliWorkspace], { env: { ESCALATOR_QUERY_TIMEOUT_SECONDS: 'soon' } });
    expect(result).toMatchObject({ code: 1, stderr: expect.stringMatching(/ESCALATOR_QUERY_TIMEOUT_SECONDS must be a number of seconds/) });
  });

  it('caps the rows of escalator query, keeping --json output valid and noting the rest on stderr', async () => {
    const result = await runEscalator(['query', '--json', '--max-rows', '3', 'SELECT * FROM range(1000000000000) t(n)', '--workspace', cliWorkspace]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(result.stderr).toMatch(/only the first 3 rows; there are more/);
  });
});

describe('escalator serve and a long query', () => {
  const root = join(__dirname, '..');
  const binary = join(root, 'dist', 'bin', 'escalator.js');

  it('stops on SIGTERM while a routed query runs, and the query says it was stopped', async () => {
    if (!existsSync(binary)) throw new Error('dist/ is missing: run "npx tsc -p ." (npm test does) before this test');
    const { dir, remove } = temporaryDir();
    try {
      const target = join(dir, 'workspace');
      expect((await runEscalator(['init', '--workspace', target])).code).toBe(0);
      const child = spawn(process.execPath, [binary, 'serve', '--workspace', target], {
        cwd: root,
        // A limit far beyond the test: only SIGTERM may end the query.
        env: { PATH: process.env.PATH ?? '', ESCALATOR_NOW: testNow, ESCALATOR_QUERY_TIMEOUT_SECONDS: '3600' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (stderr.includes('Ctrl-C stops')) resolve();
        });
        child.on('exit', () => reject(new Error(`serve exited early: ${stderr}`)));
      });
      // Speak the owner protocol, as `escalator query` would, and stop serve once the command was handed over.
      const socket = connect(ownerSocketPath(target));
      let answer = '';
      const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString();
        if (answer.includes('"hello"') && !answer.includes('sent')) {
          answer += 'sent';
          socket.write(`${JSON.stringify({ type: 'run', argv: ['query', longQuery, '--workspace', target], cwd: root, env: {}, interactive: false })}\n`);
          socket.write(`${JSON.stringify({ type: 'stdin-end' })}\n`, () => child.kill('SIGTERM'));
        }
      });
      expect(await exited).toBe(0);
      await ended;
      expect(answer).toMatch(/query stopped: the workspace is closing/);
      expect(answer).toMatch(/"type":"exit","code":1/);
    } finally {
      remove();
    }
  }, 30_000);
});

describe('the memory limit', () => {
  it('bounds DuckDB at 1GB by default and takes ESCALATOR_MEMORY_LIMIT on the command line; a bad size is named', async () => {
    expect((await read("SELECT current_setting('memory_limit') AS m")).rows).toEqual([{ m: '953.6 MiB' }]);
    const { dir, remove } = temporaryDir();
    try {
      const workspace = join(dir, 'workspace');
      expect((await runEscalator(['init', '--workspace', workspace])).code).toBe(0);
      const limited = await runEscalator(['query', '--json', "SELECT current_setting('memory_limit') AS m", '--workspace', workspace], { env: { ESCALATOR_MEMORY_LIMIT: '512MB' } });
      expect(JSON.parse(limited.stdout)).toEqual([{ m: '488.2 MiB' }]);
      const bad = await runEscalator(['query', 'SELECT 1', '--workspace', workspace], { env: { ESCALATOR_MEMORY_LIMIT: 'lots' } });
      expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('ESCALATOR_MEMORY_LIMIT must be a size such as 512MB or 2GB') });
    } finally {
      remove();
    }
  });
});
