// First-time setup of ticket ingestion in a workspace: the fields it needs on support_tickets and company, the
// default mapping in workspace.yaml, and the table of received deliveries. Running it again changes nothing.
import { DefinitionError } from '../../objects/errors';
import { findField, quoteIdentifier, tableName } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';
import { ticketSources } from './incoming-ticket';
import { defaultIngestionConfig, readIngestionMapping, type IngestionMapping } from './mapping';

/** Fields ingestion reads and writes on support_tickets (the seed's template has all but the last two). */
export const ticketFields = {
  title: 'Title',
  description: 'Description',
  customer: 'Customer',
  contact: 'Contact',
  priority: 'Priority',
  status: 'Status',
  assignedTo: 'Assigned To',
  openedDate: 'Opened Date',
  firstResponseDate: 'First Response Date',
  resolvedDate: 'Resolved Date',
  escalated: 'Escalated',
  escalationTier: 'Escalation Tier',
  accountTier: 'Account Tier',
  externalId: 'External Id',
  source: 'Source',
  sourceUpdated: 'Source Updated',
} as const;

/** Fields ingestion adds itself when missing (the rest must be in the object already). */
const addedByIngestion = new Set<string>([ticketFields.externalId, ticketFields.source, ticketFields.sourceUpdated]);

/** The company field that marks a company created by ingestion for a person to check. */
export const needsReviewField = 'Needs Review';

/**
 * Adds what ingestion needs to a workspace, each step only when missing: `External Id` (text), `Source`
 * (enum) and `Source Updated` (date) on support_tickets, `Needs Review` (boolean) on company — through saveObject, so the files and DuckDB
 * change together — the default `ingestion:` mapping in workspace.yaml, and the ingest_deliveries table that
 * remembers every accepted delivery id so replays are refused. Returns the mapping in force.
 */
export async function prepareIngestion(workspace: Workspace): Promise<IngestionMapping> {
  const tickets = workspace.object('support_tickets');
  const missing = Object.values(ticketFields).filter((name) => !addedByIngestion.has(name) && !findField(tickets, name));
  if (missing.length > 0) {
    throw new DefinitionError('objects/support_tickets/.object.yaml', `ticket ingestion needs the field(s) ${missing.join(', ')}; add them back`);
  }
  const additions: Record<string, unknown>[] = [];
  if (!findField(tickets, ticketFields.externalId)) additions.push({ name: ticketFields.externalId, type: 'text', description: 'the ticket id in the help desk it came from' });
  if (!findField(tickets, ticketFields.source)) additions.push({ name: ticketFields.source, type: 'enum', options: [...ticketSources], description: 'where the ticket came from' });
  if (!findField(tickets, ticketFields.sourceUpdated)) {
    additions.push({ name: ticketFields.sourceUpdated, type: 'date', description: "the help desk's time of the newest version received; older deliveries never move fields back" });
  }
  if (additions.length > 0) await addFields(workspace, 'support_tickets', additions);
  if (!findField(workspace.object('company'), needsReviewField)) {
    await addFields(workspace, 'company', [{ name: needsReviewField, type: 'boolean', description: 'created by ticket ingestion; check the name, domain and tier' }]);
  }
  if (workspace.config.ingestion === undefined) workspace.saveConfig({ ...workspace.config, ingestion: defaultIngestionConfig });
  await workspace.db.run(`CREATE TABLE IF NOT EXISTS ingest_deliveries (
    channel VARCHAR NOT NULL,
    delivery_id VARCHAR NOT NULL,
    signature VARCHAR,
    received_at TIMESTAMPTZ NOT NULL,
    entry_id VARCHAR,
    PRIMARY KEY (channel, delivery_id)
  )`);
  // Each batch looks its deliveries up by id and signature and its tickets by External Id: without these indexes
  // every lookup scans tables that only grow (14 ms at 200,000 deliveries against 1 ms).
  await workspace.db.run('CREATE INDEX IF NOT EXISTS ingest_deliveries_delivery_id ON ingest_deliveries (delivery_id)');
  await workspace.db.run('CREATE INDEX IF NOT EXISTS ingest_deliveries_signature ON ingest_deliveries (signature)');
  const externalId = findField(workspace.object('support_tickets'), ticketFields.externalId)!;
  await workspace.db.run(`CREATE INDEX IF NOT EXISTS support_tickets_external_id ON ${tableName('support_tickets')} (${quoteIdentifier(externalId.column)})`);
  return readIngestionMapping(workspace);
}

async function addFields(workspace: Workspace, objectName: string, fields: Record<string, unknown>[]): Promise<void> {
  const raw = workspace.object(objectName).raw;
  await workspace.saveObject({ ...raw, fields: [...(Array.isArray(raw.fields) ? raw.fields : []), ...fields] });
}
