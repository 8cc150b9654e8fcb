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
}

const maxTitle = 500;

/** Validates and maps one incoming ticket; a ValidationError says which value is wrong and how to fix it. */
export function prepareTicket(workspace: Workspace, mapping: IngestionMapping, incoming: IncomingTicket, delivery?: DeliveryKey): PreparedTicket {
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

  const title = text(incoming.title);
  if (title) values[ticketFields.title] = title.length > maxTitle ? `${title.slice(0, maxTitle - 1)}…` : title;
  const description = text(incoming.description);
  if (description) values[ticketFields.description] = description;
  const assignee = text(incoming.assignee);
  if (assignee) values[ticketFields.assignedTo] = assignee;

  const priority = optionText(incoming.priority);
  if (priority) values[ticketFields.priority] = mapOption(field(ticketFields.priority), sourceMapping.priority, priority, `${configKey}.priority`);
  const topicStatus = incoming.topic ? mapping.intercom.topics.get(incoming.topic.toLowerCase()) : undefined;
  const status = optionText(incoming.status);
  if (topicStatus) values[ticketFields.status] = topicStatus;
  else if (status) values[ticketFields.status] = mapOption(field(ticketFields.status), sourceMapping.status, status, `${configKey}.status`);

  const context = workspace.valueContext();
  const dates: [string, IncomingTicket['createdAt'], string][] = [
    [ticketFields.openedDate, incoming.createdAt, 'created_at'],
    [ticketFields.firstResponseDate, incoming.firstResponseAt, 'first_response_at'],
    [ticketFields.resolvedDate, incoming.resolvedAt, 'resolved_at'],
  ];
  for (const [name, raw, label] of dates) {
    if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) continue;
    values[name] = dateOf(raw, context, label);
  }
  if (incoming.updatedAt !== undefined && incoming.updatedAt !== '') dateOf(incoming.updatedAt, context, 'updated_at');

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
  };
}

const isoWithZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A help desk's time: ISO 8601 with a zone (what Zendesk and Intercom send) directly, anything else as people write it. */
function dateOf(raw: string | number | Date, context: ReturnType<Workspace['valueContext']>, label: string): Date {
  if (typeof raw === 'string' && isoWithZone.test(raw.trim())) {
    const date = new Date(raw.trim());
    if (!Number.isNaN(date.getTime())) return date;
  }
  return parseDate(raw, context, label);
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
