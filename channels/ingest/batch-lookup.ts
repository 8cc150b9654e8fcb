// Everything a batch of incoming tickets needs to know before writing, read in one statement: deliveries already
// received, tickets that exist, companies and contacts to link. One statement, not four, per group commit.
import type { Sql } from '../../objects/database';
import { findField, quoteIdentifier, tableName, type ObjectDefinition } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';
import { ticketFields } from './setup';

export interface LookupKeys {
  deliveryIds: string[];
  signatures: string[];
  externalIds: string[];
  /** Organization names, lower case. */
  names: string[];
  /** Email domains and their parents, lower case. */
  domains: string[];
  /** Requester emails, lower case. */
  emails: string[];
}

export interface BatchLookup {
  deliveries: { channel: string; delivery_id: string; signature: string | null; received_at: Date }[];
  tickets: { id: string; source: string | null; external_id: string; status: string | null; opened: unknown; first_response: unknown; resolved: unknown }[];
  /** Name and domain lower case; oldest first. */
  companies: { id: string; name: string | null; domain: string | null; tier: string | null }[];
  /** Email lower case; oldest first. */
  people: { id: string; email: string }[];
}

/** Reads what the batch needs; each list comes back oldest first (the first match wins). */
export async function lookUpBatch(sql: Sql, workspace: Workspace, keys: LookupKeys): Promise<BatchLookup> {
  const ticket = columns(workspace.object('support_tickets'));
  const company = columns(workspace.object('company'));
  const person = columns(workspace.object('people'));
  // Measured here: for the growing tables (tickets, deliveries) a semi-join on the unnested list is cheapest; for
  // the small ones (companies, people) list_contains is about three times cheaper than planning that join.
  const list = (parameter: number) => `(SELECT unnest(from_json($${parameter}, '["VARCHAR"]')))`;
  const among = (parameter: number, value: string) => `list_contains(from_json($${parameter}, '["VARCHAR"]'), ${value})`;
  const [row] = await sql.query<{ [key in keyof BatchLookup]: BatchLookup[key] | null }>(
    `SELECT
      (SELECT list({'channel': channel, 'delivery_id': delivery_id, 'signature': signature, 'received_at': received_at})
         FROM ingest_deliveries WHERE delivery_id IN ${list(1)} OR signature IN ${list(2)}) AS deliveries,
      (SELECT list({'id': id, 'source': ${ticket(ticketFields.source)}, 'external_id': ${ticket(ticketFields.externalId)}, 'status': ${ticket(ticketFields.status)},
                    'opened': ${ticket(ticketFields.openedDate)}, 'first_response': ${ticket(ticketFields.firstResponseDate)}, 'resolved': ${ticket(ticketFields.resolvedDate)}}
                    ORDER BY created_at, id)
         FROM ${tableName('support_tickets')} WHERE ${ticket(ticketFields.externalId)} IN ${list(3)}) AS tickets,
      (SELECT list({'id': id, 'name': lower(${company('Name')}), 'domain': lower(${company('Domain')}), 'tier': ${company('Account Tier')}} ORDER BY created_at, id)
         FROM ${tableName('company')} WHERE ${among(4, `lower(${company('Name')})`)} OR ${among(5, `lower(${company('Domain')})`)}) AS companies,
      (SELECT list({'id': id, 'email': lower(${person('Email')})} ORDER BY created_at, id)
         FROM ${tableName('people')} WHERE ${among(6, `lower(${person('Email')})`)}) AS people`,
    [keys.deliveryIds, keys.signatures, keys.externalIds, keys.names, keys.domains, keys.emails].map((values) => JSON.stringify(values)),
  );
  return { deliveries: row?.deliveries ?? [], tickets: row?.tickets ?? [], companies: row?.companies ?? [], people: row?.people ?? [] };
}

/** The quoted column of a field by name, or NULL when the object has no such field. */
function columns(definition: ObjectDefinition): (fieldName: string) => string {
  return (fieldName) => {
    const field = findField(definition, fieldName);
    return field && field.type !== 'action' ? quoteIdentifier(field.column) : 'NULL';
  };
}
