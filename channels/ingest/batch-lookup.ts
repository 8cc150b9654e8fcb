// What a batch of incoming tickets needs to know from the database before writing, read in one statement:
// deliveries already received and tickets that exist (accounts come from the AccountDirectory). Each part probes an
// index (see setup.ts); an OR of the two delivery lists would scan the whole table instead.
import type { Sql } from '../../objects/database';
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
  tickets: { id: string; source: string | null; external_id: string; status: string | null; opened: unknown; first_response: unknown; resolved: unknown; source_updated: Date | null }[];
}

/** Reads what the batch needs; each list comes back oldest first (the first match wins). */
export async function lookUpBatch(sql: Sql, workspace: Workspace, keys: LookupKeys): Promise<BatchLookup> {
  const ticket = columns(workspace.object('support_tickets'));
  const list = (parameter: number) => `(SELECT unnest(from_json($${parameter}, '["VARCHAR"]')))`;
  const [row] = await sql.query<{ [key in keyof BatchLookup]: BatchLookup[key] | null }>(
    `SELECT
      (SELECT list({'channel': channel, 'delivery_id': delivery_id, 'signature': signature, 'received_at': received_at})
         FROM (SELECT * FROM ingest_deliveries WHERE delivery_id IN ${list(1)}
               UNION ALL SELECT * FROM ingest_deliveries WHERE signature IN ${list(2)})) AS deliveries,
      (SELECT list({'id': id, 'source': ${ticket(ticketFields.source)}, 'external_id': ${ticket(ticketFields.externalId)}, 'status': ${ticket(ticketFields.status)},
                    'opened': ${ticket(ticketFields.openedDate)}, 'first_response': ${ticket(ticketFields.firstResponseDate)}, 'resolved': ${ticket(ticketFields.resolvedDate)},
                    'source_updated': ${ticket(ticketFields.sourceUpdated)}}
                    ORDER BY created_at, id)
         FROM ${tableName('support_tickets')} WHERE ${ticket(ticketFields.externalId)} IN ${list(3)}) AS tickets`,
    [keys.deliveryIds, keys.signatures, keys.externalIds].map((values) => JSON.stringify(values)),
  );
  return { deliveries: row?.deliveries ?? [], tickets: row?.tickets ?? [] };
}

/** The quoted column of a field by name, or NULL when the object has no such field. */
function columns(definition: ObjectDefinition): (fieldName: string) => string {
  return (fieldName) => {
    const field = findField(definition, fieldName);
    return field && field.type !== 'action' ? quoteIdentifier(field.column) : 'NULL';
  };
}
