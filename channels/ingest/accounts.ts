// Links incoming tickets to accounts: the company by organization name, else by the requester's email domain
// (or a parent domain), else a new company marked Needs Review; the contact by email. One query per batch.
import type { Sql } from '../../objects/database';
import { createEntries } from '../../objects/entries';
import { findField, tableName, quoteIdentifier, type ObjectDefinition } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';
import type { PreparedTicket } from './prepare';
import { needsReviewField } from './setup';

/** A company a ticket is linked to. */
export interface LinkedCompany {
  id: string;
  accountTier: string | null;
  created: boolean;
}

/** What linking found for each ticket of a batch, in order: undefined when the ticket names no account. */
export interface AccountLinks {
  companies: (LinkedCompany | undefined)[];
  contacts: (string | undefined)[];
}

/** Resolves (and, when allowed, creates) the company and contact of every ticket in the batch. */
export async function linkAccounts(
  sql: Sql,
  workspace: Workspace,
  tickets: readonly PreparedTicket[],
  options: { createUnknown: boolean; by: (ticket: PreparedTicket) => string },
): Promise<AccountLinks> {
  const company = workspace.object('company');
  const names = unique(tickets.map((ticket) => ticket.organization?.toLowerCase()));
  const domains = unique(tickets.flatMap((ticket) => (ticket.emailDomain ? parentDomains(ticket.emailDomain) : [])));
  const byName = new Map<string, LinkedCompany>();
  const byDomain = new Map<string, LinkedCompany>();
  if (names.length > 0 || domains.length > 0) {
    const name = column(company, 'Name');
    const domain = column(company, 'Domain');
    const tier = column(company, 'Account Tier');
    const rows = await sql.query<{ id: string; name: string | null; domain: string | null; tier: string | null }>(
      `SELECT id, lower(${name}) AS name, lower(${domain}) AS domain, ${tier} AS tier FROM ${tableName('company')}
       WHERE lower(${name}) IN (SELECT unnest(from_json($1, '["VARCHAR"]'))) OR lower(${domain}) IN (SELECT unnest(from_json($2, '["VARCHAR"]')))
       ORDER BY created_at, id`,
      [JSON.stringify(names), JSON.stringify(domains)],
    );
    for (const row of rows) {
      const linked = { id: row.id, accountTier: row.tier, created: false };
      if (row.name && !byName.has(row.name)) byName.set(row.name, linked);
      if (row.domain && !byDomain.has(row.domain)) byDomain.set(row.domain, linked);
    }
  }

  const companies: (LinkedCompany | undefined)[] = [];
  const toCreate = new Map<string, { ticket: PreparedTicket; linked: LinkedCompany; record: Record<string, unknown> }>();
  for (const ticket of tickets) {
    const organization = ticket.organization?.toLowerCase();
    const found =
      (organization ? byName.get(organization) : undefined) ??
      (ticket.emailDomain ? parentDomains(ticket.emailDomain).map((candidate) => byDomain.get(candidate)).find(Boolean) : undefined);
    if (found || !options.createUnknown || (!ticket.organization && !ticket.emailDomain)) {
      companies.push(found);
      continue;
    }
    const key = organization ?? ticket.emailDomain!;
    let pending = toCreate.get(key);
    if (!pending) {
      const linked: LinkedCompany = { id: workspace.ids(), accountTier: null, created: true };
      const record: Record<string, unknown> = { id: linked.id, Name: ticket.organization ?? ticket.emailDomain, [needsReviewField]: true };
      if (ticket.emailDomain) record.Domain = ticket.emailDomain;
      pending = { ticket, linked, record };
      toCreate.set(key, pending);
      if (organization) byName.set(organization, linked);
      if (ticket.emailDomain) byDomain.set(ticket.emailDomain, linked);
    }
    companies.push(pending.linked);
  }
  for (const [by, records] of groupBy([...toCreate.values()], (pending) => options.by(pending.ticket))) {
    await createEntries(workspace, 'company', records.map((pending) => pending.record), { by });
  }
  return { companies, contacts: await findContacts(sql, workspace, tickets) };
}

/** The people entry whose email is the requester's, per ticket. */
async function findContacts(sql: Sql, workspace: Workspace, tickets: readonly PreparedTicket[]): Promise<(string | undefined)[]> {
  const emails = unique(tickets.map((ticket) => ticket.requesterEmail));
  if (emails.length === 0) return tickets.map(() => undefined);
  const email = column(workspace.object('people'), 'Email');
  const rows = await sql.query<{ id: string; email: string }>(
    `SELECT id, lower(${email}) AS email FROM ${tableName('people')} WHERE lower(${email}) IN (SELECT unnest(from_json($1, '["VARCHAR"]'))) ORDER BY created_at, id`,
    [JSON.stringify(emails)],
  );
  const byEmail = new Map<string, string>();
  for (const row of rows) if (!byEmail.has(row.email)) byEmail.set(row.email, row.id);
  return tickets.map((ticket) => (ticket.requesterEmail ? byEmail.get(ticket.requesterEmail) : undefined));
}

/** "eu.acme.example" → ["eu.acme.example", "acme.example"]: a requester on a subdomain still finds the company. */
export function parentDomains(domain: string): string[] {
  const labels = domain.split('.');
  const out: string[] = [];
  for (let start = 0; start <= labels.length - 2; start++) out.push(labels.slice(start).join('.'));
  return out;
}

function column(definition: ObjectDefinition, fieldName: string): string {
  const field = findField(definition, fieldName);
  return field ? quoteIdentifier(field.column) : 'NULL';
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined && value !== ''))];
}

/** Groups items by a key, keeping their order. */
export function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const name = key(item);
    const group = groups.get(name);
    if (group) group.push(item);
    else groups.set(name, [item]);
  }
  return groups;
}
