// The one DuckDB database of a workspace: a writer connection (every statement queued, transactions that nest) and a
// reader connection for read-only queries from people and the model, with its own queue and a time limit.
import { AsyncLocalStorage } from 'node:async_hooks';
import { DuckDBConnection, DuckDBInstance, type DuckDBPreparedStatement } from '@duckdb/node-api';
import { EscalatorError, QueryError, errorMessage } from './errors';

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
  /** How long one read on the reader connection may run before it is interrupted (default 5000 ms). */
  readTimeoutMs?: number;
  /**
   * DuckDB's memory limit (default 1GB). It is the instance's, so it bounds readers and the writer together; past it
   * sorts and joins spill to a temporary folder beside the file instead of growing the process.
   */
  memoryLimit?: string;
}

/** The default memory limit of a workspace's DuckDB. */
export const defaultMemoryLimit = '1GB';

/**
 * The default memory limit of `serve`'s DuckDB. At 1M tickets the buffer pool needs ~110 MB for the tables and a first
 * run over 115,000 overdue tickets ~390 MB of transaction state, which past this limit goes to the temporary folder
 * (measured by bench:memory: peak RSS 820 MB at 1GB, 680 MB at 256MB).
 */
export const serveMemoryLimit = '256MB';

/** The default time limit of one read-only query. */
export const defaultReadTimeoutMs = 5000;

/** What a read may do on the reader connection. */
export interface ReadSession {
  /** Runs a small statement (json_serialize_sql …) and returns every row. */
  query<T extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** Splits `sql` into statements (parsing only: nothing is bound or run); throws DuckDB's parser error. */
  statements(sql: string): Promise<ExtractedRead>;
}

/** The statements of one SQL text on the reader connection. */
export interface ExtractedRead {
  count: number;
  /** Binds the first statement without running it; throws DuckDB's binder error. */
  prepareFirst(): Promise<PreparedRead>;
}

/** A statement prepared on the reader connection. */
export interface PreparedRead {
  /** The statement's StatementType. */
  type: number;
  /** Runs the statement streaming, stopping the engine once `limit` rows have come; returns at most `limit` rows. */
  stream(limit: number): Promise<Row[]>;
  /** Frees the statement without running it. */
  discard(): void;
}

const instances = new Map<string, Promise<DuckDBInstance>>();

/** What an open transaction does at its end: work just before COMMIT, callbacks once committed. */
interface TransactionHooks {
  beforeCommit: (() => Promise<void>)[];
  committed: (() => void)[];
}

/**
 * The workspace database. DuckDB lets one instance own a file, so instances are shared per path within the
 * process; every statement goes through one queue so a job run, a webhook and a chat turn never interleave.
 * Read-only queries from people and the model go through `read`, on a connection of their own, instead.
 * External file access is switched off for good at open: SQL cannot read /etc/passwd or write outside exports/.
 */
export class Database implements Sql {
  private queue: Promise<unknown> = Promise.resolve();
  private background: Promise<unknown> = Promise.resolve();
  /** Set while a transaction runs: the work to do just before it commits, and the callbacks to run once it has. */
  private readonly inTransaction = new AsyncLocalStorage<TransactionHooks>();
  private closed = false;
  /**
   * Prepared statements by SQL text, most recently used last. Code sends the same statements again and again (a
   * batch of webhooks, a job's rule queries); preparing once saves a parse and a plan each time.
   */
  private readonly prepared = new Map<string, DuckDBPreparedStatement>();
  /**
   * The reader: a second connection on the same instance, opened on first use. Reads queue among themselves, never
   * behind the writer, so a long query cannot delay a webhook or a job run; one at a time, so the timer interrupts
   * only its own read and at most one of libuv's worker threads is ever busy with a reader.
   */
  private reader: Promise<DuckDBConnection> | undefined;
  private readerQueue: Promise<unknown> = Promise.resolve();
  /** Stops the read under way, when there is one. */
  private stopRead: (() => void) | undefined;
  private readersStopped = false;

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    /** The time limit of one read unless the caller gives one. */
    readonly readTimeoutMs: number,
  ) {}

  /**
   * Starts opening the instance of `path` without waiting (the file is read on one of libuv's threads), so a command
   * can parse its object files meanwhile; the next `open` of the path takes it. A failure surfaces there. Returns
   * whether it started one (false when the path's instance is already open or opening).
   */
  static preopen(path: string): boolean {
    if (instances.has(path)) return false;
    const instance = DuckDBInstance.create(path);
    // Seen by `open` (which reports it) or by `release`; never an unhandled rejection in between.
    instance.catch(() => undefined);
    instances.set(path, instance);
    return true;
  }

  static async open(path: string, options: DatabaseOptions = {}): Promise<Database> {
    let instance = instances.get(path);
    if (!instance) {
      instance = DuckDBInstance.create(path);
      instances.set(path, instance);
    }
    let connection: DuckDBConnection;
    let opened: DuckDBInstance;
    try {
      opened = await instance;
      connection = await opened.connect();
    } catch (error) {
      instances.delete(path);
      throw error;
    }
    const allowed = options.allowedDirectory ? [options.allowedDirectory.replace(/'/g, "''")] : [];
    await connection.run(`SET allowed_directories = [${allowed.map((dir) => `'${dir}'`).join(', ')}]`);
    await connection.run('SET enable_external_access = false');
    const memoryLimit = options.memoryLimit ?? defaultMemoryLimit;
    if (!/^\d+(\.\d+)?\s*(MB|GB|MiB|GiB)$/i.test(memoryLimit)) throw new Error(`memory limit "${memoryLimit}" is not a size such as 512MB or 2GB`);
    await connection.run(`SET memory_limit = '${memoryLimit}'`);
    await connection.run('SET lock_configuration = true');
    return new Database(path, opened, connection, options.readTimeoutMs ?? defaultReadTimeoutMs);
  }

  /**
   * A second connection to the same database with its own queue, for short writes that must not wait behind the
   * main queue (the outbox recording that a message went out while a job run holds a transaction). The settings
   * locked at open (no external access) hold for it too. Close it before the workspace.
   */
  async connectAnother(): Promise<Database> {
    if (this.closed) throw new QueryError('the database is closed', 'connect', []);
    return new Database(this.path, this.instance, await this.instance.connect(), this.readTimeoutMs);
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
   * Queues a statement nobody waits for and whose failure does not matter (a CHECKPOINT after a big job run);
   * `settle` waits for such statements, so the workspace is never closed under one.
   */
  runInBackground(sql: string): void {
    const done = this.run(sql).catch(() => undefined);
    this.background = Promise.all([this.background, done]);
  }

  /** Resolves once the statements queued with runInBackground have ended. */
  async settle(): Promise<void> {
    await this.background;
  }

  /**
   * Runs `work` in one transaction: all of its statements commit together or none do. A transaction opened
   * inside another joins it; statements issued through the database inside `work` belong to it too.
   */
  async transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.inTransaction.getStore()) return work(this);
    const hooks: TransactionHooks = { beforeCommit: [], committed: [] };
    const { committed } = hooks;
    const result = await this.exclusive(async () =>
      this.inTransaction.run(hooks, async () => {
        await this.execute('BEGIN TRANSACTION', [], false);
        try {
          const value = await work(this);
          // In the order registered; work that registers more (rarely) has it run too, before the COMMIT.
          for (let index = 0; index < hooks.beforeCommit.length; index++) await hooks.beforeCommit[index]!();
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
    if (pending) pending.committed.push(callback);
    else callback();
  }

  /**
   * Runs `work` at the end of the current transaction, just before it commits: what it writes commits with the
   * transaction's own writes or rolls back with them (the help-desk write-back's outbox rows), and a failure rolls
   * the whole transaction back. Only inside a transaction: outside one there is nothing to join.
   */
  beforeCommit(work: () => Promise<void>): void {
    const pending = this.inTransaction.getStore();
    if (!pending) throw new QueryError('beforeCommit needs a transaction (call it inside db.transaction)', 'beforeCommit', []);
    pending.beforeCommit.push(work);
  }

  /**
   * Runs `work` on the reader connection. It waits only for other reads, and is interrupted (DuckDB's own
   * interrupt, mid-query) once `timeoutMs` have passed or the readers are stopped; either throws one clear line.
   */
  read<T>(work: (session: ReadSession) => Promise<T>, options: { timeoutMs?: number } = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? this.readTimeoutMs;
    const turn = async (): Promise<T> => {
      if (this.readersStopped || this.closed) throw new EscalatorError('query stopped: the workspace is closing');
      let reason: 'time limit' | 'closing' | undefined;
      let connection: DuckDBConnection | undefined;
      let repeat: NodeJS.Timeout | undefined;
      // DuckDB forgets an interrupt that lands between two statements of a read (or before the connection is
      // open): repeat it until the read has ended, and let the session refuse to start another statement.
      const stop = (why: 'time limit' | 'closing') => {
        reason ??= why;
        connection?.interrupt();
        repeat ??= setInterval(() => connection?.interrupt(), 50);
      };
      const timer = setTimeout(() => stop('time limit'), timeoutMs);
      this.stopRead = () => stop('closing');
      try {
        connection = await this.readerConnection();
        return await work(readSession(connection, () => reason !== undefined));
      } catch (error) {
        if (reason === 'time limit') {
          throw new EscalatorError(
            `query stopped: it ran longer than ${timeoutMs / 1000} s, the time limit of one query; narrow it (WHERE, LIMIT, fewer joins) or raise ESCALATOR_QUERY_TIMEOUT_SECONDS`,
            { cause: error },
          );
        }
        if (reason === 'closing') throw new EscalatorError('query stopped: the workspace is closing', { cause: error });
        throw error;
      } finally {
        clearTimeout(timer);
        clearInterval(repeat);
        this.stopRead = undefined;
        if (this.closed) this.closeReader();
      }
    };
    const result = this.readerQueue.then(turn, turn);
    this.readerQueue = result.catch(() => undefined);
    return result;
  }

  /** Interrupts the read under way and refuses new ones (shutdown: nothing may keep the process waiting). */
  stopReaders(): void {
    this.readersStopped = true;
    this.stopRead?.();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopReaders();
    // A read still running closes its connection when it ends (closing under a running query is not safe).
    if (!this.stopRead) this.closeReader();
    this.forgetPrepared();
    this.connection.closeSync();
  }

  /** Forgets the shared instance of `path`, closing it (tests that reopen a file, the end of a command). */
  static async release(path: string): Promise<void> {
    const instance = instances.get(path);
    instances.delete(path);
    if (instance) (await instance).closeSync();
  }

  private readerConnection(): Promise<DuckDBConnection> {
    this.reader ??= this.instance.connect();
    return this.reader;
  }

  private closeReader(): void {
    const reader = this.reader;
    this.reader = undefined;
    void reader?.then((connection) => connection.closeSync()).catch(() => undefined);
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

/** The reader's operations; nothing here goes near the writer connection or its queue. */
function readSession(connection: DuckDBConnection, stopped: () => boolean): ReadSession {
  const go = () => {
    if (stopped()) throw new Error('Interrupted before the next statement');
  };
  return {
    async query<T extends Row = Row>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
      go();
      const result = await connection.runAndReadAll(sql, params.map(toDuckValue) as never);
      return result.getRowObjectsJS().map(normalizeRow) as T[];
    },
    async statements(sql: string): Promise<ExtractedRead> {
      go();
      const extracted = await connection.extractStatements(sql);
      return {
        count: extracted.count,
        prepareFirst: async () => {
          go();
          return preparedRead(await extracted.prepare(0), go);
        },
      };
    },
  };
}

function preparedRead(statement: DuckDBPreparedStatement, go: () => void): PreparedRead {
  return {
    type: statement.statementType as number,
    async stream(limit: number): Promise<Row[]> {
      try {
        go();
        // Streaming pulls one chunk (2048 rows at most) at a time: the engine stops once `limit` rows came.
        const reader = await statement.streamAndReadUntil(limit);
        return reader.getRowObjectsJS().slice(0, limit).map(normalizeRow);
      } finally {
        statement.destroySync();
      }
    },
    discard: () => statement.destroySync(),
  };
}

function toDuckValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value === undefined) return null;
  return value;
}

/**
 * Normalizes a row in place: the row objects are the converter's own, fresh per result, and most values (strings,
 * numbers, Dates, null) stay as they are, so copying every row cost more than the query (50,000 ids: ~30 ms).
 */
function normalizeRow(row: Record<string, unknown>): Row {
  for (const key in row) {
    const value = row[key];
    if (typeof value === 'bigint' || (typeof value === 'object' && value !== null && !(value instanceof Date))) row[key] = normalizeValue(value);
  }
  return row;
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
