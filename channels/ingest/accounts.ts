// Links incoming tickets to accounts: the company by organization name, else by the requester's email domain
// (or a parent domain), else a new company marked Needs Review; the contact by email.
import { createEntries } from '../../objects/entries';
import type { Workspace } from '../../objects/workspace';
import type { Accounts } from './account-directory';
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

/** Links every ticket of the batch to its company (creating unknown ones when allowed) and contact. */
export async function linkAccounts(
  workspace: Workspace,
  tickets: readonly PreparedTicket[],
  found: Accounts,
  options: { createUnknown: boolean; by: (ticket: PreparedTicket) => string },
): Promise<AccountLinks> {
  const byName = new Map<string, LinkedCompany>();
  const byDomain = new Map<string, LinkedCompany>();
  for (const row of found.companies) {
    const linked = { id: row.id, accountTier: row.tier, created: false };
    if (row.name && !byName.has(row.name)) byName.set(row.name, linked);
    if (row.domain && !byDomain.has(row.domain)) byDomain.set(row.domain, linked);
  }
  const byEmail = new Map<string, string>();
  for (const row of found.people) if (!byEmail.has(row.email)) byEmail.set(row.email, row.id);

  const companies: (LinkedCompany | undefined)[] = [];
  const toCreate = new Map<string, { ticket: PreparedTicket; linked: LinkedCompany; record: Record<string, unknown> }>();
  for (const ticket of tickets) {
    const organization = ticket.organization?.toLowerCase();
    const match =
      (organization ? byName.get(organization) : undefined) ??
      (ticket.emailDomain ? parentDomains(ticket.emailDomain).map((candidate) => byDomain.get(candidate)).find(Boolean) : undefined);
    if (match || !options.createUnknown || (!ticket.organization && !ticket.emailDomain)) {
      companies.push(match);
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
  return { companies, contacts: tickets.map((ticket) => (ticket.requesterEmail ? byEmail.get(ticket.requesterEmail) : undefined)) };
}

/** "eu.acme.example" → ["eu.acme.example", "acme.example"]: a requester on a subdomain still finds the company. */
export function parentDomains(domain: string): string[] {
  const labels = domain.split('.');
  const out: string[] = [];
  for (let start = 0; start <= labels.length - 2; start++) out.push(labels.slice(start).join('.'));
  return out;
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
