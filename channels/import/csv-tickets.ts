// Backfill of support tickets from a CSV file: streamed with csv-parse, each row validated like a webhook ticket,
// written in batches (upserted by Source + External Id), and every refused row reported with its line and reason.
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { CsvError, parse } from 'csv-parse';
import { errorMessage, EscalatorError, ValidationError } from '../../objects/errors';
import type { Workspace } from '../../objects/workspace';
import { AccountDirectory } from '../ingest/account-directory';
import type { IncomingTicket, TicketSource } from '../ingest/incoming-ticket';
import { prepareTicket, type PreparedTicket } from '../ingest/prepare';
import { prepareIngestion } from '../ingest/setup';
import { upsertTickets } from '../ingest/upsert-tickets';
import { mapColumns, type ImportTarget } from './column-map';
import type { ImportCounts, ImportProgress } from './progress';

export interface ImportOptions {
  workspace: Workspace;
  file: string;
  /** Explicit column → target choices (--map); recognized header names fill the rest. */
  columns: ReadonlyMap<string, ImportTarget>;
  /** Source of the imported tickets: Import by default; Zendesk or Intercom when a later webhook should update them. */
  source: TicketSource;
  progress: ImportProgress;
  /** Rows per transaction (default 500). */
  batchSize?: number;
}

export interface ImportSummary extends ImportCounts {
  file: string;
  /** Rows refused, with the CSV line and the reason; nothing of them was written. */
  refusals: { line: number; reason: string }[];
  /** True when the CSV has no id column and rows are keyed by a hash of their content. */
  keyedByContent: boolean;
}

interface Row {
  line: number;
  ticket: PreparedTicket;
}

/** Imports the tickets of a CSV file; refused rows are counted and explained, the others written. */
export async function importTickets(options: ImportOptions): Promise<ImportSummary> {
  const { workspace, file, progress } = options;
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new EscalatorError(`cannot read ${file}: ${errorMessage(error)}`, { cause: error });
  }
  const mapping = await prepareIngestion(workspace);
  const by = `import:${basename(file)}`;
  const accounts = new AccountDirectory(workspace);
  const summary: ImportSummary = { file, rows: 0, created: 0, updated: 0, refused: 0, refusals: [], keyedByContent: false };
  const refuse = (line: number, reason: string) => {
    summary.refused++;
    summary.refusals.push({ line, reason });
  };
  const write = async (rows: Row[]): Promise<void> => {
    if (rows.length === 0) return;
    try {
      const outcomes = await upsertTickets(workspace, rows.map((row) => row.ticket), { by: () => by, createUnknownCompanies: mapping.createUnknownCompanies, accounts });
      for (const outcome of outcomes) summary[outcome.kind === 'created' ? 'created' : 'updated']++;
    } catch (error) {
      if (rows.length > 1) {
        for (const row of rows) await write([row]);
        return;
      }
      if (!(error instanceof ValidationError)) throw error;
      refuse(rows[0]!.line, errorMessage(error));
    }
  };

  const parser = createReadStream(file).pipe(parse({ bom: true, info: true, relax_column_count: true, skip_empty_lines: true }));
  let header: string[] | undefined;
  let targets: (ImportTarget | undefined)[] = [];
  let batch: Row[] = [];
  progress.start(size);
  try {
    for await (const { info, record } of parser as AsyncIterable<{ info: { lines: number; bytes: number }; record: string[] }>) {
      if (!header) {
        header = record;
        targets = mapColumns(header, options.columns);
        summary.keyedByContent = !targets.includes('id');
        continue;
      }
      summary.rows++;
      if (record.length !== header.length) {
        refuse(info.lines, `has ${record.length} fields; the header has ${header.length}`);
      } else {
        try {
          batch.push({ line: info.lines, ticket: prepareTicket(workspace, mapping, ticketOf(record, targets, options.source)) });
        } catch (error) {
          if (!(error instanceof ValidationError)) throw error;
          refuse(info.lines, errorMessage(error));
        }
      }
      if (batch.length >= (options.batchSize ?? 500)) {
        await write(batch);
        batch = [];
      }
      progress.update(info.bytes, summary);
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    await write(batch);
    batch = [];
    refuse((error as CsvError & { lines?: number }).lines ?? summary.rows + 1, `malformed CSV: ${errorMessage(error)}; the rest of the file was not read`);
  }
  await write(batch);
  accounts.close();
  progress.update(size, summary);
  progress.stop();
  if (!header) throw new ValidationError(`${file} is empty; expected a header line such as "id,title,priority,status,organization"`);
  return summary;
}

function ticketOf(record: readonly string[], targets: readonly (ImportTarget | undefined)[], source: TicketSource): IncomingTicket {
  const values: Partial<Record<ImportTarget, string>> = {};
  targets.forEach((target, index) => {
    if (target) values[target] = record[index];
  });
  return {
    source,
    // Without an id column a row is keyed by its content, so importing the same file twice creates nothing new.
    externalId: values.id ?? `row-${createHash('sha256').update(record.join('\u0001')).digest('hex').slice(0, 16)}`,
    title: values.title,
    description: values.description,
    priority: values.priority,
    status: values.status,
    organization: values.organization,
    requesterEmail: values.requester_email,
    assignee: values.assignee,
    createdAt: values.created_at,
    updatedAt: values.updated_at,
    firstResponseAt: values.first_response_at,
    resolvedAt: values.resolved_at,
  };
}
