// Who wrote an entry's document on the board: document files keep no author, so each save from the web is recorded
// (person as web:<person>, time, and a hash of the text) and the ticket page says who wrote what it shows — or that
// the text changed since, elsewhere (the agent, `escalator docs`, a hand edit), where no author is recorded.
import { createHash } from 'node:crypto';
import type { Database } from '../objects/database';

export interface DocumentAuthor {
  writtenBy: string;
  writtenAt: Date;
  /** False when the document's text is no longer what this person saved (changed since outside the board). */
  current: boolean;
}

const ready = new WeakSet<Database>();

async function ensureTable(db: Database): Promise<void> {
  if (ready.has(db)) return;
  await db.run(`CREATE TABLE IF NOT EXISTS web_document_writes (object VARCHAR NOT NULL, entry_id VARCHAR NOT NULL,
    written_by VARCHAR NOT NULL, written_at TIMESTAMPTZ NOT NULL, text_hash VARCHAR NOT NULL)`);
  ready.add(db);
}

const textHash = (text: string) => createHash('sha256').update(text).digest('hex');

/** Records that `by` saved `text` as the document of object/entry at `at`. */
export async function recordDocumentWrite(db: Database, options: { object: string; entryId: string; by: string; at: Date; text: string }): Promise<void> {
  await ensureTable(db);
  await db.run('INSERT INTO web_document_writes VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $5)', [options.object, options.entryId, options.by, options.at, textHash(options.text)]);
}

/** The latest board save of the document, compared with its text now; undefined when none was saved on the board. */
export async function documentAuthor(db: Database, object: string, entryId: string, text: string): Promise<DocumentAuthor | undefined> {
  await ensureTable(db);
  const [latest] = await db.query<{ written_by: string; written_at: Date; text_hash: string }>(
    'SELECT written_by, written_at, text_hash FROM web_document_writes WHERE object = $1 AND entry_id = $2 ORDER BY written_at DESC, rowid DESC LIMIT 1',
    [object, entryId],
  );
  return latest ? { writtenBy: latest.written_by, writtenAt: latest.written_at, current: latest.text_hash === textHash(text) } : undefined;
}
