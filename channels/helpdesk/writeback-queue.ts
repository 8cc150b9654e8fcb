// Queues write-back to the help desks: for each ticket that came from Zendesk or Intercom and was escalated,
// acknowledged, resolved or assigned by escalator, one outbox message (channel "zendesk" or "intercom", recipient the
// desk's ticket id) carrying the tags, the priority and an internal note with the account context. It is written in
// the transaction of the change itself (Workspace.onEntriesWriting), so a change made by a CLI command while no serve
// runs is queued all the same, and whichever process next runs the outbox with the desk's deliverer sends it, once,
// in order per ticket, with retries. Delivery itself never happens inside the change's transaction.
import { insertMessages, wakeOutbox, type EnqueueInput, type MessagePayload } from '../../jobs/outbox';
import { ensureJobTables } from '../../jobs/tables';
import { findField, quoteIdentifier, tableName, viewName } from '../../objects/object-schema';
import type { Row } from '../../objects/database';
import type { EntryChange, Workspace } from '../../objects/workspace';
import type { WritebackSettings } from '../../objects/workspace-config';
import { tagsFor, ticketEvents, type TicketEvents, type WritebackEvent } from './writeback-events';

export type HelpdeskChannel = 'zendesk' | 'intercom';

/** The source names ingestion writes, per channel. */
const sources: Record<HelpdeskChannel, string> = { zendesk: 'Zendesk', intercom: 'Intercom' };

/** What a write-back message carries to its deliverer. */
export interface WritebackPayload extends MessagePayload {
  kind: 'helpdesk_writeback';
  /** The escalator ticket (not `entryId`: that one is for alerts edited in place). */
  ticket: string;
  events: WritebackEvent[];
  tags: string[];
  /** The ticket's Priority when write-back sets the desk's priority. */
  priority?: string;
  /** The internal note (plain text; also the message text). */
  note: string;
}

export function isWritebackPayload(payload: MessagePayload): payload is WritebackPayload {
  return payload.kind === 'helpdesk_writeback' && Array.isArray(payload.tags) && typeof payload.note === 'string';
}

/**
 * The line the deliverers add to the note: it names the outbox message, so a retry after a lost answer can read the
 * ticket back and see that this very note is there already.
 */
export function writebackMarker(messageId: string): string {
  return `escalator ref ${messageId}`;
}

export interface HelpdeskWritebackOptions {
  workspace: Workspace;
  /** The desks written back to, with their settings (a desk left out gets nothing queued). */
  desks: Partial<Record<HelpdeskChannel, WritebackSettings>>;
}

/** Ids per statement when reading the changed tickets, their companies and the rules that fired. */
const chunkSize = 5000;

/** Queues the write-back messages in the transaction of each change, one per ticket and change. */
export class HelpdeskWriteback {
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly options: HelpdeskWritebackOptions) {}

  start(): void {
    this.unsubscribe ??= this.options.workspace.onEntriesWriting((changes) => this.queue(changes));
  }

  /** Resolves once every change heard so far is queued: at once, since each is queued before its change commits. */
  async idle(): Promise<void> {}

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Runs inside the change's transaction: a failure here rolls the change back, so every read is one that works. */
  private async queue(changes: readonly EntryChange[]): Promise<void> {
    const groups = ticketEvents(changes);
    if (groups.length === 0) return;
    const { workspace } = this.options;
    const definition = workspace.objects.get('support_tickets');
    if (!definition || !findField(definition, 'Source') || !findField(definition, 'External Id')) return;
    const desks = (Object.keys(sources) as HelpdeskChannel[]).filter((name) => this.options.desks[name]);
    if (desks.length === 0) return;
    await ensureJobTables(workspace.db);
    const ids = [...new Set(groups.map((group) => group.entryId))];
    const tickets = await rowsById(workspace, `SELECT * FROM ${viewName('support_tickets')} WHERE "Source" IN (SELECT unnest(from_json($2, '["VARCHAR"]'))) AND id IN`, ids, [
      JSON.stringify(desks.map((desk) => sources[desk])),
    ]);
    if (tickets.size === 0) return;
    const companies = await this.companiesOf([...tickets.keys()]);
    const rules = await this.rulesOf(groups.filter((group) => tickets.has(group.entryId)));
    const at = workspace.clock.now().toISOString();
    const inputs: EnqueueInput[] = [];
    for (const group of groups) {
      const ticket = tickets.get(group.entryId);
      if (!ticket) continue;
      const channel = desks.find((name) => sources[name] === ticket.Source)!;
      const settings = this.options.desks[channel]!;
      const externalId = typeof ticket['External Id'] === 'string' ? ticket['External Id'].trim() : '';
      if (externalId === '') continue;
      const rule = rules.get(`${group.by}\u0000${group.entryId}`);
      const note = writebackNote({ group, ticket, company: companies.get(group.entryId), rule });
      const payload: WritebackPayload = {
        kind: 'helpdesk_writeback',
        ticket: group.entryId,
        events: group.events,
        tags: tagsFor(group, settings.tags),
        note,
        ...(settings.priority && group.events.includes('escalated') && typeof ticket.Priority === 'string' ? { priority: ticket.Priority } : {}),
      };
      inputs.push({
        to: { channel, recipient: externalId, name: `${sources[channel]} ${externalId}` },
        text: note,
        payload,
        // One per ticket, change and author.
        idempotencyKey: `writeback:${channel}:${externalId}:${group.events.join('+')}:${group.tier ?? ''}:${group.assignee ?? ''}:${group.by}:${at}`,
      });
    }
    if (inputs.length === 0) return;
    await insertMessages(workspace.db, workspace, inputs);
    workspace.db.afterCommit(() => wakeOutbox(workspace));
  }

  /** The rule that fired, when a job made the change: the newest ledger row of that job for the ticket. */
  private async rulesOf(groups: readonly TicketEvents[]): Promise<Map<string, string>> {
    const rules = new Map<string, string>();
    const byJob = new Map<string, string[]>();
    for (const group of groups) {
      if (!group.by.startsWith('job:')) continue;
      const entries = byJob.get(group.by.slice(4)) ?? [];
      entries.push(group.entryId);
      byJob.set(group.by.slice(4), entries);
    }
    for (const [job, entries] of byJob) {
      const rows = await rowsById(
        this.options.workspace,
        `SELECT entry_id AS id, arg_max(rule, fired_at) AS rule FROM job_ledger WHERE job = $2 AND entry_id IN`,
        entries,
        [job],
        'GROUP BY entry_id',
      );
      for (const [id, row] of rows) rules.set(`job:${job}\u0000${id}`, String(row.rule));
    }
    return rules;
  }

  /** The company of each ticket (by ticket id), for the account context. */
  private async companiesOf(ticketIds: readonly string[]): Promise<Map<string, Row>> {
    const { workspace } = this.options;
    const customer = findField(workspace.object('support_tickets'), 'Customer');
    if (!customer || customer.type !== 'relation' || customer.relatedObject !== 'company' || !workspace.objects.has('company')) return new Map();
    return rowsById(
      workspace,
      `SELECT t.id AS ticket_id, c.* FROM ${tableName('support_tickets')} AS t JOIN ${viewName('company')} AS c ON c.id = t.${quoteIdentifier(customer.column)} WHERE t.id IN`,
      ticketIds,
      [],
      '',
      'ticket_id',
    );
  }
}

/** Rows of `select … IN (ids)`, a few thousand ids per statement ($1 is the ids; `params` are $2…), keyed by `key`. */
async function rowsById(workspace: Workspace, select: string, ids: readonly string[], params: readonly unknown[], tail = '', key = 'id'): Promise<Map<string, Row>> {
  const rows = new Map<string, Row>();
  for (let start = 0; start < ids.length; start += chunkSize) {
    const found = await workspace.db.query(`${select} (SELECT unnest(from_json($1, '["VARCHAR"]'))) ${tail}`, [JSON.stringify(ids.slice(start, start + chunkSize)), ...params]);
    for (const row of found) rows.set(String(row[key]), row);
  }
  return rows;
}

/** The internal note: what escalator did and who did it, then the account context the desk's agents need. */
export function writebackNote(input: { group: TicketEvents; ticket: Row; company: Row | undefined; rule: string | undefined }): string {
  const { group, ticket, company, rule } = input;
  const what = group.events.map((event) => {
    if (event === 'escalated') return group.tier ? `escalated to ${group.tier}` : 'escalated';
    if (event === 'assigned') return `assigned to ${group.assignee ?? 'someone'}`;
    return event;
  });
  const lines = [`escalator: ${joinWords(what)} ${byWhom(group.by)}${rule ? ` (rule ${rule})` : ''}.`];
  if (company) {
    const facts = [
      text(company['Account Tier']) && `tier ${text(company['Account Tier'])}`,
      typeof company['Contract Value'] === 'number' && `contract value ${money(company['Contract Value'])}`,
      text(company.Health) && `health ${text(company.Health)}`,
      company['Renewal Date'] instanceof Date && `renewal ${company['Renewal Date'].toISOString().slice(0, 10)}`,
      text(company['Account Owner']) && `owner ${text(company['Account Owner'])}`,
    ].filter(Boolean);
    lines.push(`Customer: ${text(company.Name) ?? 'unnamed'}${facts.length ? ` — ${facts.join(', ')}` : ''}.`);
  } else if (text(ticket.Customer)) lines.push(`Customer: ${text(ticket.Customer)}.`);
  const state = [text(ticket.Priority), text(ticket.Status), text(ticket['Escalation Tier']) && `escalation ${text(ticket['Escalation Tier'])}`].filter(Boolean);
  if (state.length) lines.push(`Ticket: ${state.join(', ')}.`);
  return lines.join('\n');
}

function byWhom(by: string): string {
  if (by.startsWith('job:')) return `by the job ${by.slice(4)}`;
  const [channel, ...rest] = by.split(':');
  return rest.length ? `by ${rest.join(':')} via ${channel}` : `by ${by}`;
}

function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]!}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function money(value: number): string {
  return `$${Math.round(value).toLocaleString('en-US')}`;
}
