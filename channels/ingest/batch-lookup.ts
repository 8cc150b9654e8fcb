// What a batch of incoming tickets needs to know from the database before writing, read in one statement:
// deliveries already received and tickets that exist, with every column, so updating them reads nothing again
// (accounts come from the AccountDirectory). Each part probes an
// index (see setup.ts); an OR of the two delivery lists would scan the whole table instead.
import type { Row, Sql } from '../../objects/database';
import { findField, quoteIdentifier, tableName, type ObjectDefinition } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';
import { ticketFields } from './setup';

export interface LookupKeys {
  deliveryIds: string[];
  signatures: string[];
  externalIds: string[];
}

export interface BatchLookup {
  deliveries: { channel: string; delivery_id: string; signature: string | null; received_at: Date }[];
  tickets: {
    id: string;
    source: string | null;
    external_id: string;
    status: string | null;
    opened: unknown;
    first_response: unknown;
    resolved: unknown;
    source_updated: Date | null;
    /** The whole row, by column, for updateEntries' `currentRows`. */
    row: Row;
  }[];
}

/** Reads what the batch needs; each list comes back oldest first (the first match wins). */
export async function lookUpBatch(sql: Sql, workspace: Workspace, keys: LookupKeys): Promise<BatchLookup> {
  const definition = workspace.object('support_tickets');
  const column = columns(definition);
  const list = (parameter: number) => `(SELECT unnest(from_json($${parameter}, '["VARCHAR"]')))`;
  const [row] = await sql.query<{ deliveries: BatchLookup['deliveries'] | null; tickets: Row[] | null }>(
    `SELECT
      (SELECT list({'channel': channel, 'delivery_id': delivery_id, 'signature': signature, 'received_at': received_at})
         FROM (SELECT * FROM ingest_deliveries WHERE delivery_id IN ${list(1)}
               UNION ALL SELECT * FROM ingest_deliveries WHERE signature IN ${list(2)})) AS deliveries,
      (SELECT list(t ORDER BY t.created_at, t.id)
         FROM ${tableName('support_tickets')} AS t WHERE ${column(ticketFields.externalId)} IN ${list(3)}) AS tickets`,
    [keys.deliveryIds, keys.signatures, keys.externalIds].map((values) => JSON.stringify(values)),
  );
  const value = (ticket: Row, fieldName: string): unknown => {
    const field = findField(definition, fieldName);
    return field && field.type !== 'action' ? (ticket[field.column] ?? null) : null;
  };
  const tickets = (row?.tickets ?? []).map((ticket) => ({
    id: String(ticket.id),
    source: value(ticket, ticketFields.source) as string | null,
    external_id: String(value(ticket, ticketFields.externalId)),
    status: value(ticket, ticketFields.status) as string | null,
    opened: value(ticket, ticketFields.openedDate),
    first_response: value(ticket, ticketFields.firstResponseDate),
    resolved: value(ticket, ticketFields.resolvedDate),
    source_updated: value(ticket, ticketFields.sourceUpdated) as Date | null,
    row: ticket,
  }));
  return { deliveries: row?.deliveries ?? [], tickets };
}

/** The quoted column of a field by name, or NULL when the object has no such field. */
function columns(definition: ObjectDefinition): (fieldName: string) => string {
  return (fieldName) => {
    const field = findField(definition, fieldName);
    return field && field.type !== 'action' ? quoteIdentifier(field.column) : 'NULL';
  };
}
