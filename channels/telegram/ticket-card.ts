// A ticket with its account context, as Telegram HTML: the seed's alert ("ESCALATION: Acme Corp — 'Unable to
// export data' (P1) / Open for: 47 minutes | No first response yet / Account Value: $180k | Renewal: 62 days |
// Health: Yellow / Escalation Tier: 2 (Engineering) / Assigned to: (unassigned) — ACTION NEEDED").
import type { Row } from '../../objects/database';
import { formatDuration } from '../../objects/duration';
import { getEntry } from '../../objects/entries';
import { quoteIdentifier, tableName } from '../../objects/object-schema';
import { formatTime } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';
import { escapeHtml } from './html';

export interface TicketContext {
  object: string;
  id: string;
  /** The entry as a v_ view row (display names). */
  entry: Row;
  /** The related account (the first relation to company), when there is one. */
  account: Row | undefined;
  displayField: string;
}

const closedStatuses = new Set(['Resolved', 'Closed']);

/** Loads an entry and its account; undefined when the entry no longer exists. */
export async function loadTicketContext(workspace: Workspace, objectName: string, id: string): Promise<TicketContext | undefined> {
  const definition = workspace.object(objectName);
  const entry = await getEntry(workspace, definition.name, id);
  if (!entry) return undefined;
  const relation = definition.fields.find((field) => field.type === 'relation' && field.relatedObject === 'company');
  let account: Row | undefined;
  if (relation && workspace.objects.has('company')) {
    const [link] = await workspace.db.query<{ account: string | null }>(
      `SELECT ${quoteIdentifier(relation.column)} AS account FROM ${tableName(definition.name)} WHERE id = $1`,
      [id],
    );
    if (link?.account) account = await getEntry(workspace, 'company', link.account);
  }
  return { object: definition.name, id, entry, account, displayField: definition.displayField };
}

/** Whether the ticket is finished (Resolved or Closed). */
export function isClosed(context: TicketContext): boolean {
  return closedStatuses.has(String(context.entry.Status ?? ''));
}

/** The card as HTML lines; `heading` is "ESCALATION" on alerts, "TICKET" on /ticket. */
export function renderTicketCard(context: TicketContext, options: { now: Date; timeZone: string; heading: string }): string {
  const { entry, account } = context;
  const title = String(entry[context.displayField] ?? context.id);
  const customer = text(entry.Customer) ?? text(account?.Name);
  const priority = text(entry.Priority)?.split(' - ')[0];
  const icon = options.heading === 'ESCALATION' ? '🚨 ' : '🎫 ';
  const lines = [`${icon}<b>${escapeHtml(options.heading)}: ${customer ? `${escapeHtml(customer)} — ` : ''}'${escapeHtml(title)}'${priority ? ` (${escapeHtml(priority)})` : ''}</b>`];

  const timing: string[] = [];
  const opened = date(entry['Opened Date']);
  const firstResponse = date(entry['First Response Date']);
  const resolved = date(entry['Resolved Date']);
  if (opened && !resolved) timing.push(`Open for: ${formatDuration(options.now.getTime() - opened.getTime())}`);
  if (opened && resolved) timing.push(`Resolved after ${formatDuration(resolved.getTime() - opened.getTime())}`);
  if ('First Response Date' in entry) {
    timing.push(firstResponse ? `First response ${opened ? `after ${formatDuration(firstResponse.getTime() - opened.getTime())}` : formatTime(firstResponse, options.timeZone)}` : 'No first response yet');
  }
  if (text(entry.Status)) timing.push(`Status: ${text(entry.Status)}`);
  if (timing.length) lines.push(escapeHtml(timing.join(' | ')));

  if (account) {
    const parts: string[] = [];
    if (typeof account['Contract Value'] === 'number') parts.push(`Account Value: ${money(account['Contract Value'])}`);
    const renewal = date(account['Renewal Date']);
    if (renewal) parts.push(`Renewal: ${renewalText(renewal, options.now)}`);
    if (text(account.Health)) parts.push(`Health: ${text(account.Health)}`);
    if (text(account['Account Tier'])) parts.push(`Tier: ${text(account['Account Tier'])}`);
    if (parts.length) lines.push(escapeHtml(parts.join(' | ')));
    const owners = [text(account['Account Owner']), text(account['Backup Owner'])].filter(Boolean);
    if (owners.length) lines.push(escapeHtml(`Account owner: ${owners.join(', backup ')}`));
  }
  const tier = text(entry['Escalation Tier']);
  if (tier) lines.push(escapeHtml(`Escalation Tier: ${tierText(tier)}`));
  if ('Assigned To' in entry) {
    const assignee = text(entry['Assigned To']);
    const open = !closedStatuses.has(String(entry.Status ?? ''));
    lines.push(escapeHtml(`Assigned to: ${assignee ?? '(unassigned)'}${!assignee && open ? ' — ACTION NEEDED' : ''}`));
  }
  lines.push(`<code>${escapeHtml(context.id)}</code>`);
  return lines.join('\n');
}

/** "Tier 2 - Engineering" → "2 (Engineering)". */
export function tierText(tier: string): string {
  const match = /^Tier\s+(\d+)\s*-\s*(.+)$/i.exec(tier);
  return match ? `${match[1]} (${match[2]})` : tier;
}

/** 180000 → "$180k", 1250000 → "$1.25M", 950 → "$950". */
export function money(value: number): string {
  if (Math.abs(value) >= 1_000_000) return `$${Number((value / 1_000_000).toFixed(2))}M`;
  if (Math.abs(value) >= 1_000) return `$${Number((value / 1_000).toFixed(1))}k`;
  return `$${value}`;
}

function renewalText(renewal: Date, now: Date): string {
  const days = Math.round((renewal.getTime() - now.getTime()) / 86_400_000);
  if (days === 0) return 'today';
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}` : `${-days} day${days === -1 ? '' : 's'} ago`;
}

function text(value: unknown): string | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  return String(value);
}

function date(value: unknown): Date | undefined {
  return value instanceof Date ? value : undefined;
}
