// Group commit for ingestion: tickets that arrive while a transaction is committing wait together and are written
// by the next one, so throughput does not depend on one commit per request. Each caller learns its own outcome
// only once the transaction holding its ticket has committed. While tickets keep arriving, the workspace's
// IngestActivity says so, and the jobs' evaluation of what was committed waits (within a bound) for a pause.
import type { Workspace } from '../../objects/workspace';
import type { PreparedTicket } from './prepare';
import { upsertTickets, type UpsertOptions, type UpsertOutcome } from './upsert-tickets';

interface Waiting {
  ticket: PreparedTicket;
  resolve: (outcome: UpsertOutcome) => void;
  reject: (error: unknown) => void;
}

export interface IngestQueueOptions extends UpsertOptions {
  /** Most tickets in one transaction (default 500). */
  maxBatch?: number;
  /**
   * Under load, how long (ms) the next batch may wait for more tickets before it is written (default 6). It waits
   * only right after a commit while tickets keep arriving, so a lone delivery never waits: the senders just
   * answered come back and join it, and one transaction's fixed cost is shared by twice as many tickets.
   */
  lingerMs?: number;
}

/**
 * Whether a workspace's ingestion is writing or has just written, for whoever should let it go first (the
 * scheduler's change runs, wired in bin/). A pause is `quietMs` with no batch waiting or being written.
 */
export class IngestActivity {
  private active = 0;
  private lastActive = 0;

  begin(): void {
    this.active += 1;
  }

  end(): void {
    this.active -= 1;
    this.lastActive = performance.now();
  }

  /** Resolves at the first pause in ingestion of `quietMs`, or after `limitMs` whatever happens. */
  pause(quietMs: number, limitMs: number): Promise<void> {
    const deadline = performance.now() + limitMs;
    return new Promise<void>((resolve) => {
      const check = () => {
        const now = performance.now();
        if (now >= deadline || (this.active === 0 && now - this.lastActive >= quietMs)) return resolve();
        setTimeout(check, Math.max(1, Math.min(deadline - now, this.active === 0 ? quietMs - (now - this.lastActive) : quietMs)));
      };
      check();
    });
  }
}

const activities = new WeakMap<Workspace, IngestActivity>();

/** The workspace's ingestion activity (one per workspace, shared by its queues). */
export function ingestActivity(workspace: Workspace): IngestActivity {
  let activity = activities.get(workspace);
  if (!activity) activities.set(workspace, (activity = new IngestActivity()));
  return activity;
}

/** The least a busy queue waits before deciding that nothing more is coming (the senders' round trip). */
const minimumLingerMs = 2;

export class IngestQueue {
  private waiting: Waiting[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly maxBatch: number;
  private readonly lingerMs: number;
  /** Tickets submitted so far, to see whether more keep arriving. */
  private arrivals = 0;

  constructor(
    private readonly workspace: Workspace,
    private readonly options: IngestQueueOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.lingerMs = options.lingerMs ?? 6;
  }

  /** True once close() was called: new tickets are refused. */
  get closing(): boolean {
    return this.closed;
  }

  /** Queues one ticket; resolves with its outcome after its transaction commits, rejects if it could not be written. */
  submit(ticket: PreparedTicket): Promise<UpsertOutcome> {
    if (this.closed) return Promise.reject(new Error('ingestion is shutting down'));
    return new Promise<UpsertOutcome>((resolve, reject) => {
      this.waiting.push({ ticket, resolve, reject });
      this.arrivals += 1;
      // setImmediate lets requests parsed in the same turn of the event loop join the first batch.
      if (!this.running) {
        ingestActivity(this.workspace).begin();
        this.running = new Promise<void>((done) => setImmediate(done)).then(() => this.drainWaiting());
      }
    });
  }

  /** Refuses new tickets and waits until every queued one is written. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drainWaiting(): Promise<void> {
    try {
      for (let first = true; this.waiting.length > 0; first = false) {
        if (!first) await this.gather();
        const batch = this.waiting.splice(0, this.maxBatch);
        await this.write(batch);
      }
    } finally {
      this.running = undefined;
      ingestActivity(this.workspace).end();
    }
  }

  /**
   * After a commit with tickets already waiting (the server is busy): waits, a millisecond at a time, while more
   * keep arriving, at most lingerMs and never past a full batch or a close.
   */
  private async gather(): Promise<void> {
    const started = performance.now();
    let seen = this.arrivals;
    while (this.waiting.length < this.maxBatch && !this.closed && performance.now() - started < this.lingerMs) {
      await new Promise<void>((resolve) => setTimeout(resolve, 1));
      if (this.arrivals === seen && performance.now() - started >= minimumLingerMs) return;
      seen = this.arrivals;
    }
  }

  /** Writes a batch in one transaction; if it fails, writes its tickets one by one so only the bad one fails. */
  private async write(batch: Waiting[]): Promise<void> {
    let outcomes: UpsertOutcome[];
    try {
      outcomes = await upsertTickets(this.workspace, batch.map((waiting) => waiting.ticket), this.options);
    } catch (error) {
      if (batch.length === 1) return batch[0]!.reject(error);
      for (const waiting of batch) await this.write([waiting]);
      return;
    }
    batch.forEach((waiting, index) => waiting.resolve(outcomes[index]!));
  }
}
