// Group commit for ingestion: tickets that arrive while a transaction is committing wait together and are written
// by the next one, so throughput does not depend on one commit per request. Each caller learns its own outcome
// only once the transaction holding its ticket has committed.
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
}

export class IngestQueue {
  private waiting: Waiting[] = [];
  private running: Promise<void> | undefined;
  private closed = false;
  private readonly maxBatch: number;

  constructor(
    private readonly workspace: Workspace,
    private readonly options: IngestQueueOptions,
  ) {
    this.maxBatch = options.maxBatch ?? 500;
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
      // setImmediate lets requests parsed in the same turn of the event loop join the first batch.
      this.running ??= new Promise<void>((done) => setImmediate(done)).then(() => this.drainWaiting());
    });
  }

  /** Refuses new tickets and waits until every queued one is written. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drainWaiting(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, this.maxBatch);
        await this.write(batch);
      }
    } finally {
      this.running = undefined;
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
