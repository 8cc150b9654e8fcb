// Maps an incoming ticket onto support_tickets values and validates each one before anything is written, so a
// bad ticket is refused with its reason and never reaches a shared transaction.
import { ValidationError, errorMessage } from '../../objects/errors';
import { findField, type FieldDefinition } from '../../objects/object-schema';
import { matchOption, parseDate } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';
import type { DeliveryKey, IncomingTicket, TicketSource } from './incoming-ticket';
import type { IngestionMapping, SourceMapping } from './mapping';
import { ticketFields } from './setup';

/** A validated ticket, ready to be upserted by (source, external id). */
export interface PreparedTicket {
  source: TicketSource;
  externalId: string;
  /** Values the help desk gave, by support_tickets field name, already typed (option names, Dates). */
  values: Record<string, unknown>;
  /** The customer's organization name, when given. */
  organization: string | undefined;
  /** The requester's email (lower case) and its domain unless it is a free-mail domain. */
  requesterEmail: string | undefined;
  emailDomain: string | undefined;
  delivery: DeliveryKey | undefined;
  /** The help desk's time of this version (its updated_at): an older delivery never moves a field backwards. */
  sourceUpdatedAt: Date | undefined;
  /** What was read but not used, and why (an unmapped status, an agent id with no name), for the log. */
  notes: string[];
  /** The help desk's priority that maps to no Priority option, when `keepUnmappedPriority` kept the old one. */
  unmappedPriority?: { value: string; configKey: string };
}

export interface PrepareOptions {
  /**
   * A help-desk delivery: an unmapped priority keeps the ticket's Priority as it was (reported in `unmappedPriority`)
   * instead of refusing the ticket, so the desk gets its 2xx and keeps the webhook on. A CSV import still refuses
   * the line, naming where to map it.
   */
  keepUnmappedPriority?: boolean;
}

const finishedStatuses = new Set(['Resolved', 'Closed']);

const maxTitle = 500;

/** Validates and maps one incoming ticket; a ValidationError says which value is wrong and how to fix it. */
export function prepareTicket(workspace: Workspace, mapping: IngestionMapping, incoming: IncomingTicket, delivery?: DeliveryKey, options: PrepareOptions = {}): PreparedTicket {
  const definition = workspace.object('support_tickets');
  const field = (name: string): FieldDefinition => {
    const found = findField(definition, name);
    if (!found) throw new ValidationError(`support_tickets has no ${name} field; run ingestion setup again`);
    return found;
  };
  const externalId = text(incoming.externalId);
  if (!externalId) throw new ValidationError('the ticket has no id');
  if (externalId.length > 200) throw new ValidationError(`the ticket id is ${externalId.length} characters long; at most 200`);
  const sourceMapping = mappingOf(mapping, incoming.source);
  const configKey = `ingestion.${incoming.source === 'Import' || incoming.source === 'Webhook' ? 'generic' : incoming.source.toLowerCase()}`;
  const values: Record<string, unknown> = {};
  const notes: string[] = [];

  const title = text(incoming.title);
  if (title) values[ticketFields.title] = title.length > maxTitle ? `${title.slice(0, maxTitle - 1)}…` : title;
  const description = text(incoming.description);
  if (description) values[ticketFields.description] = description;
  const assigneeId = text(incoming.assigneeId);
  const assignee = text(incoming.assignee) ?? (assigneeId ? sourceMapping.agents.get(assigneeId.toLowerCase()) : undefined);
  if (assignee) values[ticketFields.assignedTo] = assignee;
  else if (assigneeId) notes.push(`agent ${assigneeId} has no name here; Assigned To left as it was (map it under ${helpdeskKey(incoming.source)}.agents)`);

  const priority = optionText(incoming.priority);
  let unmappedPriority: PreparedTicket['unmappedPriority'];
  if (priority) {
    try {
      values[ticketFields.priority] = mapOption(field(ticketFields.priority), sourceMapping.priority, priority, `${configKey}.priority`);
    } catch (error) {
      if (!(error instanceof ValidationError) || !options.keepUnmappedPriority) throw error;
      unmappedPriority = { value: priority, configKey: `${helpdeskKey(incoming.source)}.priority` };
    }
  }
  const topicStatus = incoming.topic ? mapping.intercom.topics.get(incoming.topic.toLowerCase()) : undefined;
  const status = optionText(incoming.status);
  if (topicStatus) values[ticketFields.status] = topicStatus;
  else if (status) {
    // An unknown status must not refuse the whole ticket: everything else is still worth having.
    try {
      values[ticketFields.status] = mapOption(field(ticketFields.status), sourceMapping.status, status, `${configKey}.status`);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      notes.push(`status "${status}" is not mapped; Status left as it was (map it under ${helpdeskKey(incoming.source)}.status)`);
    }
  }

  const context = workspace.valueContext();
  const dates: [string, IncomingTicket['createdAt'], string][] = [
    [ticketFields.openedDate, incoming.createdAt, 'created_at'],
    [ticketFields.firstResponseDate, incoming.firstResponseAt, 'first_response_at'],
    [ticketFields.resolvedDate, incoming.resolvedAt, 'resolved_at'],
  ];
  for (const [name, raw, label] of dates) {
    if (!present(raw)) continue;
    values[name] = dateOf(raw, context, label);
  }
  const sourceUpdatedAt = present(incoming.updatedAt) ? dateOf(incoming.updatedAt, context, 'updated_at') : undefined;
  // A help desk that says solved without saying when: its own update time, not the time we received it.
  const mappedStatus = values[ticketFields.status] as string | undefined;
  if (mappedStatus && finishedStatuses.has(mappedStatus) && values[ticketFields.resolvedDate] === undefined && sourceUpdatedAt) {
    values[ticketFields.resolvedDate] = sourceUpdatedAt;
  }

  const requesterEmail = text(incoming.requesterEmail)?.toLowerCase();
  if (requesterEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(requesterEmail)) {
    throw new ValidationError(`requester email "${requesterEmail}" is not an email address`);
  }
  const domain = requesterEmail?.split('@')[1]?.replace(/^www\./, '');
  return {
    source: incoming.source,
    externalId,
    values,
    organization: text(incoming.organization),
    requesterEmail,
    emailDomain: domain && !mapping.ignoreDomains.has(domain) ? domain : undefined,
    delivery,
    sourceUpdatedAt,
    notes,
    ...(unmappedPriority ? { unmappedPriority } : {}),
  };
}

function present(raw: IncomingTicket['createdAt']): raw is string | number | Date {
  return raw !== undefined && raw !== null && !(typeof raw === 'string' && raw.trim() === '');
}

/** Where a help desk's own mappings live in workspace.yaml. */
function helpdeskKey(source: TicketSource): string {
  return source === 'Zendesk' || source === 'Intercom' ? `helpdesk.${source.toLowerCase()}` : 'ingestion.generic';
}

const isoWithZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const epoch = /^\d{9,14}(\.\d+)?$/;

/**
 * A help desk's time: epoch seconds or milliseconds (numbers or digits in text, as Intercom and filled-in
 * templates give them), ISO 8601 with a zone (Zendesk's `_with_timestamp` placeholders, with or without seconds or
 * with nanoseconds), else as people write it — which covers Zendesk's rendered `{{ticket.created_at}}`
 * ("December 2, 2026") and `_with_time` ("December 2, 2026 15:47", read in the workspace's time zone).
 */
export function dateOf(raw: string | number | Date, context: ReturnType<Workspace['valueContext']>, label: string): Date {
  const trimmed = typeof raw === 'string' ? raw.trim() : raw;
  if (typeof trimmed === 'string' && epoch.test(trimmed)) return fromEpoch(Number(trimmed));
  if (typeof trimmed === 'number' && Number.isFinite(trimmed) && trimmed > 0) return fromEpoch(trimmed);
  if (typeof trimmed === 'string' && isoWithZone.test(trimmed)) {
    const date = new Date(trimmed);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return parseDate(trimmed, context, label);
}

/** Seconds below 10^11 (until the year 5138), milliseconds above. */
function fromEpoch(value: number): Date {
  return new Date(value < 1e11 ? Math.round(value * 1000) : value);
}

function mappingOf(mapping: IngestionMapping, source: TicketSource): SourceMapping {
  if (source === 'Zendesk') return mapping.zendesk;
  if (source === 'Intercom') return mapping.intercom;
  return mapping.generic;
}

/** The help desk's word through the mapping table, else taken as an option name ("P1", "Waiting on Customer"). */
function mapOption(field: FieldDefinition, table: ReadonlyMap<string, string>, raw: string, configPath: string): string {
  const mapped = table.get(raw.toLowerCase());
  if (mapped) return mapped;
  try {
    return matchOption(field, raw);
  } catch (error) {
    throw new ValidationError(`${errorMessage(error)}; or map it under ${configPath} in workspace.yaml`, { cause: error });
  }
}

/** Trimmed text; empty and non-text values are undefined. Numbers (ids) become text. */
function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Zendesk renders an unset priority as "-". */
function optionText(value: unknown): string | undefined {
  const trimmed = text(value);
  return trimmed === '-' ? undefined : trimmed;
}
