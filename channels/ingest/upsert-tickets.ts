// Writes a batch of prepared tickets in one transaction: replays refused, each ticket created or updated by
// (Source, External Id), linked to its company and contact, every accepted delivery remembered, and each ticket that
// changed queued for the jobs to evaluate (so a crash before their run cannot skip it).
import type { Row } from '../../objects/database';
import { createEntries, insertRows, recordChanges, updateEntries, type DeferredHistory, type FieldValues } from '../../objects/entries';
import type { Workspace } from '../../objects/workspace';
import { ensureJobTables, queueEvaluations } from '../../jobs/tables';
import type { AccountDirectory } from './account-directory';
import { groupBy, linkAccounts } from './accounts';
import { lookUpBatch, type BatchLookup } from './batch-lookup';
import type { PreparedTicket } from './prepare';
import { ticketFields } from './setup';

export type UpsertOutcome =
  | { kind: 'created'; id: string; companyCreated: boolean }
  | { kind: 'updated'; id: string; changed: number; older?: OlderDelivery }
  | { kind: 'replay'; deliveryId: string; receivedAt: Date };

export interface UpsertOptions {
  /** Who the changes are recorded as, per ticket ("webhook:zendesk", "import:tickets.csv"). */
  by: (ticket: PreparedTicket) => string;
  createUnknownCompanies: boolean;
  /** Companies and contacts to link to (kept in memory between batches). */
  accounts: AccountDirectory;
}

/** What an update older than the ticket's newest received version did: fields it filled, fields it left alone. */
export interface OlderDelivery {
  at: Date;
  newest: Date;
  kept: string[];
  skipped: string[];
}

/** The ticket's state as this batch knows it: from the database, then after each earlier ticket of the batch. */
interface Known {
  id: string;
  status: string | null;
  openedDate: unknown;
  firstResponseDate: unknown;
  resolvedDate: unknown;
  /** The help desk's time of the newest version applied. */
  sourceUpdated: Date | null;
  /** The row as the batch lookup read it (undefined for a ticket created in this batch). */
  row?: Row;
  /** Fields holding a value, worked out only when an older delivery needs to know what is still empty. */
  filled?: Set<string>;
}

const finished = new Set(['Resolved', 'Closed']);
const working = new Set(['Open', 'In Progress']);

/**
 * Upserts `tickets` in one transaction (or joins the caller's). Outcomes come back in order; on any error the
 * whole batch rolls back and the error is thrown (the caller may retry tickets one by one to find the bad one).
 */
export async function upsertTickets(workspace: Workspace, tickets: readonly PreparedTicket[], options: UpsertOptions): Promise<UpsertOutcome[]> {
  const now = workspace.clock.now();
  await ensureJobTables(workspace.db);
  return workspace.db.transaction(async (sql) => {
    const found = await lookUpBatch(sql, workspace, {
      deliveryIds: unique(tickets.flatMap((ticket) => (ticket.delivery ? deliveryIdsOf(ticket.delivery) : []))),
      signatures: unique(tickets.map((ticket) => ticket.delivery?.signature)),
      externalIds: unique(tickets.map((ticket) => ticket.externalId)),
    });
    const { accepted, outcomes } = refuseReplays(tickets, found.deliveries, now);
    const known = new Map<string, Known>();
    // The rows read above serve the updates too: updateEntries reads none again.
    const currentRows = new Map<string, Row>();
    for (const row of found.tickets) {
      const key = `${row.source}\u0000${row.external_id}`;
      if (!known.has(key)) {
        known.set(key, {
          id: row.id,
          status: row.status,
          openedDate: row.opened,
          firstResponseDate: row.first_response,
          resolvedDate: row.resolved,
          sourceUpdated: row.source_updated,
          row: row.row,
        });
        currentRows.set(row.id, row.row);
      }
    }
    const accounts = await options.accounts.accounts(sql);
    const links = await linkAccounts(workspace, accepted.map(({ ticket }) => ticket), accounts, { createUnknown: options.createUnknownCompanies, by: options.by });
    const creates: { ticket: PreparedTicket; record: FieldValues }[] = [];
    const updates: { ticket: PreparedTicket; id: string; values: FieldValues; index: number }[] = [];
    for (const [position, { ticket, index }] of accepted.entries()) {
      const company = links.companies[position];
      const contact = links.contacts[position];
      const key = upsertKey(ticket);
      const current = known.get(key);
      const values: FieldValues = { ...ticket.values };
      if (company) {
        values[ticketFields.customer] = company.id;
        if (company.accountTier) values[ticketFields.accountTier] = company.accountTier;
      }
      if (contact) values[ticketFields.contact] = contact;
      if (!current) {
        const id = workspace.ids();
        Object.assign(values, newTicketDefaults(ticket, values, now), { id });
        if (ticket.sourceUpdatedAt) values[ticketFields.sourceUpdated] = ticket.sourceUpdatedAt;
        creates.push({ ticket, record: values });
        known.set(key, {
          id,
          status: values[ticketFields.status] as string,
          openedDate: values[ticketFields.openedDate],
          firstResponseDate: values[ticketFields.firstResponseDate] ?? null,
          resolvedDate: values[ticketFields.resolvedDate] ?? null,
          sourceUpdated: ticket.sourceUpdatedAt ?? null,
          filled: new Set(Object.keys(values).filter((name) => values[name] !== null && values[name] !== undefined)),
        });
        outcomes[index] = { kind: 'created', id, companyCreated: company?.created ?? false };
      } else {
        const older = keepNewerVersion(workspace, current, ticket, values);
        keepWhatIsOurs(current, values, now);
        updates.push({ ticket, id: current.id, values, index });
        outcomes[index] = { kind: 'updated', id: current.id, changed: 0, ...(older ? { older } : {}) };
      }
    }

    // The companies and contacts linked were read from the database in this transaction or created in it: their
    // ids need no second look-up per batch.
    const knownIds = new Map([
      ['company', new Set(links.companies.flatMap((company) => (company ? [company.id] : [])))],
      ['people', new Set(links.contacts.filter((contact): contact is string => contact !== undefined))],
    ]);
    // The batch's field history (creates and updates alike) is written by one statement at the end.
    const history: DeferredHistory = { changes: [], at: [] };
    for (const [by, group] of groupBy(creates, (create) => options.by(create.ticket))) {
      await createEntries(workspace, 'support_tickets', group.map((create) => create.record), { by, knownIds, deferHistory: history });
    }
    for (const run of consecutiveRuns(updates, (update) => options.by(update.ticket))) {
      const changes = await updateEntries(workspace, 'support_tickets', run.items.map(({ id, values }) => ({ id, values })), {
        by: run.key,
        knownIds,
        currentRows,
        deferHistory: history,
      });
      for (const update of run.items) {
        const outcome = outcomes[update.index];
        if (outcome?.kind === 'updated') outcome.changed = changes.filter((change) => change.entryId === update.id).length;
      }
    }
    await recordChanges(sql, history.changes, history.at);
    const evaluate = outcomes.flatMap((outcome) => (outcome?.kind === 'created' || (outcome?.kind === 'updated' && outcome.changed > 0) ? [outcome.id] : []));
    await queueEvaluations(sql, 'support_tickets', evaluate, now);
    const rows = accepted
      .filter(({ ticket }) => ticket.delivery)
      .flatMap(({ ticket, index }) => {
        const outcome = outcomes[index]!;
        const delivery = ticket.delivery!;
        const entry = outcome.kind === 'replay' ? null : outcome.id;
        // The first id carries the signature; every other id the delivery carries gets a row of its own.
        return deliveryIdsOf(delivery).map((id, position) => [delivery.channel, id, position === 0 ? (delivery.signature ?? null) : null, now, entry]);
      });
    if (rows.length > 0) {
      await insertRows(sql, 'ingest_deliveries', ['channel', 'delivery_id', 'signature', 'received_at', 'entry_id'], ['', '', '', '::TIMESTAMPTZ', ''], rows);
    }
    return outcomes.map((outcome) => outcome!);
  });
}

/** Splits off deliveries already received (before, or earlier in this batch): their outcome is a replay. */
function refuseReplays(
  tickets: readonly PreparedTicket[],
  received: BatchLookup['deliveries'],
  now: Date,
): { accepted: { ticket: PreparedTicket; index: number }[]; outcomes: (UpsertOutcome | undefined)[] } {
  const seen = new Map<string, Date>();
  for (const row of received) {
    seen.set(`${row.channel}\u0000${row.delivery_id}`, row.received_at);
    if (row.signature) seen.set(`sig\u0000${row.signature}`, row.received_at);
  }
  const outcomes: (UpsertOutcome | undefined)[] = tickets.map(() => undefined);
  const accepted: { ticket: PreparedTicket; index: number }[] = [];
  tickets.forEach((ticket, index) => {
    const delivery = ticket.delivery;
    if (delivery) {
      // Each key with the name a replay is reported under: the id that matched, or the delivery's own for its signature.
      const keys: [string, string][] = [
        ...deliveryIdsOf(delivery).map((id): [string, string] => [`${delivery.channel}\u0000${id}`, id]),
        ...(delivery.signature ? [[`sig\u0000${delivery.signature}`, delivery.deliveryId] as [string, string]] : []),
      ];
      const match = keys.find(([key]) => seen.has(key));
      if (match) {
        outcomes[index] = { kind: 'replay', deliveryId: match[1], receivedAt: seen.get(match[0])! };
        return;
      }
      for (const [key] of keys) seen.set(key, now);
    }
    accepted.push({ ticket, index });
  });
  return { accepted, outcomes };
}

/** What a new ticket gets besides the help desk's values: defaults, its source and id, no escalation yet. */
function newTicketDefaults(ticket: PreparedTicket, values: FieldValues, now: Date): FieldValues {
  const status = (values[ticketFields.status] as string | undefined) ?? 'Open';
  return {
    [ticketFields.title]: values[ticketFields.title] ?? `${ticket.source} ticket ${ticket.externalId}`,
    [ticketFields.status]: status,
    [ticketFields.openedDate]: values[ticketFields.openedDate] ?? now,
    ...(finished.has(status) ? { [ticketFields.resolvedDate]: values[ticketFields.resolvedDate] ?? now } : {}),
    [ticketFields.escalated]: false,
    [ticketFields.escalationTier]: 'None',
    [ticketFields.source]: ticket.source,
    [ticketFields.externalId]: ticket.externalId,
  };
}

/**
 * Orders deliveries by the help desk's own update time. A delivery older than the newest applied version may only
 * fill fields still empty; its status (and the resolved time that goes with it) is left alone once set. A newer
 * or undated one applies and, when dated, becomes the newest. Returns what an older one kept and skipped.
 */
function keepNewerVersion(workspace: Workspace, current: Known, ticket: PreparedTicket, values: FieldValues): OlderDelivery | undefined {
  const at = ticket.sourceUpdatedAt;
  if (!at || !current.sourceUpdated || at.getTime() >= current.sourceUpdated.getTime()) {
    if (at) values[ticketFields.sourceUpdated] = at;
    return undefined;
  }
  current.filled ??= filledFields(workspace, current.row);
  const kept: string[] = [];
  const skipped: string[] = [];
  for (const name of Object.keys(values)) {
    if (current.filled.has(name)) {
      delete values[name];
      skipped.push(name);
    } else if (name !== ticketFields.resolvedDate) kept.push(name);
  }
  // A resolved time only goes with the status that set it.
  if (ticketFields.resolvedDate in values) {
    if (ticketFields.status in values) kept.push(ticketFields.resolvedDate);
    else {
      delete values[ticketFields.resolvedDate];
      skipped.push(ticketFields.resolvedDate);
    }
  }
  return { at, newest: current.sourceUpdated, kept, skipped };
}

/** Names of the ticket's fields that hold a value in its row as the batch lookup read it. */
function filledFields(workspace: Workspace, row: Row | undefined): Set<string> {
  const definition = workspace.object('support_tickets');
  const filled = new Set<string>();
  for (const field of definition.fields) {
    if (field.type !== 'action' && row?.[field.column] !== null && row?.[field.column] !== undefined) filled.add(field.name);
  }
  return filled;
}

/**
 * Drops from an update what is ours to keep: an escalation the help desk only calls open or in progress, and the
 * opened and first-response times once set. The resolved time is set when the ticket becomes resolved or closed
 * (the help desk's time when it gave one, else now) and kept while it stays so; reopening clears it. `current`
 * follows, so a later delivery of the same ticket in the batch sees this one.
 */
function keepWhatIsOurs(current: Known, values: FieldValues, now: Date): void {
  if (current.status === 'Escalated' && working.has(values[ticketFields.status] as string)) delete values[ticketFields.status];
  const status = values[ticketFields.status] as string | undefined;
  if (current.openedDate !== null) delete values[ticketFields.openedDate];
  if (current.firstResponseDate !== null) delete values[ticketFields.firstResponseDate];
  if (status && finished.has(status)) {
    if (current.resolvedDate === null) values[ticketFields.resolvedDate] ??= now;
    else delete values[ticketFields.resolvedDate];
  } else if (status && current.resolvedDate !== null) values[ticketFields.resolvedDate] = null;
  else if (current.resolvedDate !== null) delete values[ticketFields.resolvedDate];
  for (const [name, value] of Object.entries(values)) {
    if (value === null || value === undefined) current.filled?.delete(name);
    else current.filled?.add(name);
  }
  if (values[ticketFields.sourceUpdated]) current.sourceUpdated = values[ticketFields.sourceUpdated] as Date;
  current.status = (values[ticketFields.status] as string | undefined) ?? current.status;
  current.openedDate = values[ticketFields.openedDate] ?? current.openedDate;
  current.firstResponseDate = values[ticketFields.firstResponseDate] ?? current.firstResponseDate;
  current.resolvedDate = ticketFields.resolvedDate in values ? values[ticketFields.resolvedDate] : current.resolvedDate;
}

/** The delivery's id and its aliases, without repeats. */
function deliveryIdsOf(delivery: NonNullable<PreparedTicket['delivery']>): string[] {
  return [...new Set([delivery.deliveryId, ...(delivery.aliases ?? [])])];
}

function upsertKey(ticket: PreparedTicket): string {
  return `${ticket.source}\u0000${ticket.externalId}`;
}

function unique(values: readonly (string | undefined)[]): string[] {
  return [...new Set(values.filter((value): value is string => value !== undefined))];
}

/** Splits items into runs of the same key, keeping order (updates must apply in the order they arrived). */
function consecutiveRuns<T>(items: readonly T[], key: (item: T) => string): { key: string; items: T[] }[] {
  const runs: { key: string; items: T[] }[] = [];
  for (const item of items) {
    const name = key(item);
    const last = runs[runs.length - 1];
    if (last && last.key === name) last.items.push(item);
    else runs.push({ key: name, items: [item] });
  }
  return runs;
}
