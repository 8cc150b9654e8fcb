// Queues write-back to the help desks: listens to committed entry changes (never inside the job's transaction), and
// for each ticket that came from Zendesk or Intercom and was escalated, acknowledged, resolved or assigned by escalator
// queues one outbox message (channel "zendesk" or "intercom", recipient the desk's ticket id) carrying the tags, the
// priority and an internal note with the account context. The outbox delivers it in order per ticket, with retries.
import { enqueueMessage, type MessagePayload } from '../../jobs/outbox';
import { errorMessage } from '../../objects/errors';
import { findField, tableName, viewName } from '../../objects/object-schema';
import type { Row } from '../../objects/database';
import type { Workspace } from '../../objects/workspace';
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

export interface HelpdeskWritebackOptions {
  workspace: Workspace;
  /** The desks written back to, with their settings (a desk left out gets nothing queued). */
  desks: Partial<Record<HelpdeskChannel, WritebackSettings>>;
  log?: (line: string) => void;
}

/** Listens to committed changes and queues the write-back messages, one per ticket and change. */
export class HelpdeskWriteback {
  private chain: Promise<void> = Promise.resolve();
  private unsubscribe: (() => void) | undefined;
  private readonly log: (line: string) => void;

  constructor(private readonly options: HelpdeskWritebackOptions) {
    this.log = options.log ?? (() => undefined);
  }

  start(): void {
    this.unsubscribe ??= this.options.workspace.onEntriesChanged((changes) => {
      const groups = ticketEvents(changes);
      if (groups.length === 0) return;
      // Queued one after the other, so messages to one ticket keep the order of the changes.
      this.chain = this.chain.then(() => this.queue(groups)).catch((error: unknown) => this.log(`help-desk write-back: could not queue: ${errorMessage(error)}`));
    });
  }

  /** Resolves once every change heard so far is queued. */
  async idle(): Promise<void> {
    for (;;) {
      const chain = this.chain;
      await chain;
      if (chain === this.chain) return;
    }
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    await this.idle();
  }

  private async queue(groups: readonly TicketEvents[]): Promise<void> {
    const { workspace } = this.options;
    for (const group of groups) {
      const ticket = (await workspace.db.query(`SELECT * FROM ${viewName('support_tickets')} WHERE id = $1`, [group.entryId]))[0];
      if (!ticket) continue;
      const channel = (Object.keys(sources) as HelpdeskChannel[]).find((name) => sources[name] === ticket.Source);
      const externalId = typeof ticket['External Id'] === 'string' ? ticket['External Id'].trim() : '';
      const settings = channel ? this.options.desks[channel] : undefined;
      if (!channel || !settings || externalId === '') continue;
      const tags = tagsFor(group, settings.tags);
      const rule = await this.ruleOf(group);
      const note = writebackNote({ group, ticket, company: await this.companyOf(group.entryId), rule });
      const payload: WritebackPayload = {
        kind: 'helpdesk_writeback',
        ticket: group.entryId,
        events: group.events,
        tags,
        note,
        ...(settings.priority && group.events.includes('escalated') && typeof ticket.Priority === 'string' ? { priority: ticket.Priority } : {}),
      };
      const at = workspace.clock.now().toISOString();
      await enqueueMessage(workspace, {
        to: { channel, recipient: externalId, name: `${sources[channel]} ${externalId}` },
        text: note,
        payload,
        // One per ticket, change and author: hearing the same committed change twice queues it once.
        idempotencyKey: `writeback:${channel}:${externalId}:${group.events.join('+')}:${group.tier ?? ''}:${group.assignee ?? ''}:${group.by}:${at}`,
      });
    }
  }

  /** The rule that fired, when a job made the change: the newest ledger row of that job for the ticket. */
  private async ruleOf(group: TicketEvents): Promise<string | undefined> {
    if (!group.by.startsWith('job:')) return undefined;
    const rows = await this.options.workspace.db
      .query<{ rule: string }>(`SELECT rule FROM job_ledger WHERE job = $1 AND entry_id = $2 ORDER BY fired_at DESC LIMIT 1`, [group.by.slice(4), group.entryId])
      .catch(() => []);
    return rows[0]?.rule;
  }

  private async companyOf(entryId: string): Promise<Row | undefined> {
    const { workspace } = this.options;
    const customer = findField(workspace.object('support_tickets'), 'Customer');
    if (!customer || customer.type === 'action' || !workspace.objects.has('company')) return undefined;
    const [row] = await workspace.db.query(
      `SELECT * FROM ${viewName('company')} WHERE id = (SELECT "${customer.column.replace(/"/g, '""')}" FROM ${tableName('support_tickets')} WHERE id = $1)`,
      [entryId],
    );
    return row;
  }
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
