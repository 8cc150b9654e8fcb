// The one DuckDB database of a workspace: a single connection, writes and reads queued, transactions that nest.
import { AsyncLocalStorage } from 'node:async_hooks';
import { DuckDBConnection, DuckDBInstance, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { QueryError, errorMessage } from './errors';

/** A row as JavaScript values: numbers (BIGINT included, when safe), strings, booleans, Dates, null. */
export type Row = Record<string, unknown>;

/** What both the database and an open transaction offer. */
export interface Sql {
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  run(sql: string, params?: readonly unknown[]): Promise<void>;
}

export interface DatabaseOptions {
  /** The only folder that SQL may read or write files in (COPY … TO for exports). Everything else is refused. */
  allowedDirectory?: string;
}

const instances = new Map<string, Promise<DuckDBInstance>>();

/**
 * The workspace database. DuckDB lets one instance own a file, so instances are shared per path within the
 * process; every statement goes through one queue so a job run, a webhook and a chat turn never interleave.
 * External file access is switched off for good at open: SQL cannot read /etc/passwd or write outside exports/.
 */
export class Database implements Sql {
  private queue: Promise<unknown> = Promise.resolve();
  /** Set while a transaction runs: the callbacks to run once it commits. */
  private readonly inTransaction = new AsyncLocalStorage<(() => void)[]>();
  private closed = false;
  /**
   * Prepared statements by SQL text, most recently used last. Code sends the same statements again and again (a
   * batch of webhooks, a job's rule queries); preparing once saves a parse and a plan each time.
   */
  private readonly prepared = new Map<string, DuckDBPreparedStatement>();

  private constructor(
    readonly path: string,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(path: string, options: DatabaseOptions = {}): Promise<Database> {
    let instance = instances.get(path);
    if (!instance) {
      instance = DuckDBInstance.create(path);
      instances.set(path, instance);
    }
    let connection: DuckDBConnection;
    try {
      connection = await (await instance).connect();
    } catch (error) {
      instances.delete(path);
      throw error;
    }
    const allowed = options.allowedDirectory ? [options.allowedDirectory.replace(/'/g, "''")] : [];
    await connection.run(`SET allowed_directories = [${allowed.map((dir) => `'${dir}'`).join(', ')}]`);
    await connection.run('SET enable_external_access = false');
    await connection.run('SET lock_configuration = true');
    return new Database(path, connection);
  }

  /**
   * A second connection to the same database with its own queue, for short writes that must not wait behind the
   * main queue (the outbox recording that a message went out while a job run holds a transaction). The settings
   * locked at open (no external access) hold for it too. Close it before the workspace.
   */
  async connectAnother(): Promise<Database> {
    const instance = instances.get(this.path);
    if (!instance || this.closed) throw new QueryError('the database is closed', 'connect', []);
    return new Database(this.path, await (await instance).connect());
  }

  /** Runs a statement and returns its rows. */
  query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    return this.exclusive(() => this.execute(sql, params, true)) as Promise<T[]>;
  }

  /** Runs a statement for its effect. */
  async run(sql: string, params: readonly unknown[] = []): Promise<void> {
    await this.exclusive(() => this.execute(sql, params, false));
  }

  /**
   * Runs `work` in one transaction: all of its statements commit together or none do. A transaction opened
   * inside another joins it; statements issued through the database inside `work` belong to it too.
   */
  async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.inTransaction.getStore()) return work(this);
    const committed: (() => void)[] = [];
    const result = await this.exclusive(async () =>
      this.inTransaction.run(committed, async () => {
        await this.execute('BEGIN TRANSACTION', [], false);
        try {
          const value = await work(this);
          await this.execute('COMMIT', [], false);
          return value;
        } catch (error) {
          await this.execute('ROLLBACK', [], false).catch(() => undefined);
          throw error;
        }
      }),
    );
    for (const callback of committed) callback();
    return result;
  }

  /** Runs `callback` once the current transaction commits (at once when there is none); never on rollback. */
  afterCommit(callback: () => void): void {
    const pending = this.inTransaction.getStore();
    if (pending) pending.push(callback);
    else callback();
  }

  /** Prepares `sql` to learn how many statements it holds and the type of the first (for read-only checks). */
  async describe(sql: string): Promise<{ count: number; firstType: number | undefined }> {
    return this.exclusive(async () => {
      const extracted = await this.connection.extractStatements(sql);
      if (extracted.count === 0) return { count: 0, firstType: undefined };
      const prepared = await extracted.prepare(0);
      return { count: extracted.count, firstType: prepared.statementType as number };
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.forgetPrepared();
    this.connection.closeSync();
  }

  /** Forgets the shared instance of `path`, closing it (tests that reopen a file, the end of a command). */
  static async release(path: string): Promise<void> {
    const instance = instances.get(path);
    instances.delete(path);
    if (instance) (await instance).closeSync();
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction.getStore()) return work();
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async execute(sql: string, params: readonly unknown[], read: boolean): Promise<Row[]> {
    if (this.closed) throw new QueryError('the database is closed', sql, params);
    try {
      if (params.length === 0) {
        // Statements without parameters (transactions, DDL) run directly; DDL may change what cached plans mean.
        if (!read) {
          await this.connection.run(sql);
          if (!/^\s*(BEGIN|COMMIT|ROLLBACK)\b/i.test(sql)) this.forgetPrepared();
          return [];
        }
        return (await this.connection.runAndReadAll(sql)).getRowObjectsJS().map(normalizeRow);
      }
      const statement = await this.statement(sql);
      try {
        statement.bind(params.map(toDuckValue) as never);
        if (!read) {
          await statement.run();
          return [];
        }
        return (await statement.runAndReadAll()).getRowObjectsJS().map(normalizeRow);
      } catch (error) {
        this.prepared.delete(sql);
        statement.destroySync();
        throw error;
      }
    } catch (error) {
      throw new QueryError(errorMessage(error), sql, params, { cause: error });
    }
  }

  private async statement(sql: string): Promise<DuckDBPreparedStatement> {
    const cached = this.prepared.get(sql);
    if (cached) {
      this.prepared.delete(sql);
      this.prepared.set(sql, cached);
      return cached;
    }
    const statement = await this.connection.prepare(sql);
    this.prepared.set(sql, statement);
    if (this.prepared.size > 200) {
      const [oldest, evicted] = this.prepared.entries().next().value as [string, DuckDBPreparedStatement];
      this.prepared.delete(oldest);
      evicted.destroySync();
    }
    return statement;
  }

  private forgetPrepared(): void {
    for (const statement of this.prepared.values()) statement.destroySync();
    this.prepared.clear();
  }
}

function toDuckValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value;
}

function normalizeRow(row: Record<string, unknown>): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row)) out[key] = normalizeValue(value);
  return out;
}

function normalizeValue(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value.toString();
  }
  if (Array.isArray(value)) return value.map(normalizeValue);
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) out[key] = normalizeValue(inner);
  return out;
}
