// Alert text: by default the seed's escalation message (customer, title, priority, time open, first response,
// contract value, renewal, health, tier, assignee, ACTION NEEDED); or a template with {Field} placeholders.
import { formatDuration } from '../objects/duration';
import type { Row, Sql } from '../objects/database';
import { findField, quoteIdentifier, tableName, type FieldDefinition, type ObjectDefinition } from '../objects/object-schema';
import { formatTime, optionCode } from '../objects/values';

/** What an alert is built from: the entry (a v_ view row) and its related entries by relation field name. */
export interface AlertContext {
  job: string;
  rule: string;
  definition: ObjectDefinition;
  entry: Row;
  /** Relation field name ("Customer") → the related entry's v_ row. */
  related: Record<string, Row | undefined>;
  /** Whether the rule escalated (the header says ESCALATION rather than ALERT). */
  escalated: boolean;
  now: Date;
  timeZone: string;
}

const placeholder = /\{([^{}]+)\}/g;

/** The field paths a custom template names (built-in templates name none). */
export function templatePlaceholders(template: string | undefined): string[] {
  if (template === undefined || builtIn(template)) return [];
  return [...template.matchAll(placeholder)].map((match) => match[1]!.trim()).filter((name) => !specialPlaceholders.has(name));
}

const specialPlaceholders = new Set(['job', 'rule', 'id', 'time_open', 'link']);

function builtIn(template: string): boolean {
  return template === 'escalation' || template === 'brief';
}

/** The alert text for one entry. */
export function alertText(template: string | undefined, context: AlertContext): string {
  if (template === undefined || template === 'escalation') return escalationText(context);
  if (template === 'brief') return briefText(context);
  return template.replace(placeholder, (_, name: string) => placeholderValue(name.trim(), context));
}

function placeholderValue(name: string, context: AlertContext): string {
  if (name === 'job') return context.job;
  if (name === 'rule') return context.rule;
  if (name === 'id') return String(context.entry.id);
  if (name === 'time_open') return timeOpen(context) ?? '';
  return show(valueAt(context, name), context.timeZone);
}

function valueAt(context: AlertContext, path: string): unknown {
  return valueAtPath(context, path);
}

/** A field's value by display name, or through a relation ("Customer.Contract Value"), from v_ rows. */
export function valueAtPath(context: Pick<AlertContext, 'definition' | 'entry' | 'related'>, path: string): unknown {
  const direct = findField(context.definition, path);
  if (direct) return context.entry[direct.name];
  const dot = path.indexOf('.');
  if (dot <= 0) return undefined;
  const relation = findField(context.definition, path.slice(0, dot));
  const related = relation ? context.related[relation.name] : undefined;
  if (!related) return undefined;
  const wanted = path.slice(dot + 1).toLowerCase();
  const key = Object.keys(related).find((column) => column.toLowerCase() === wanted);
  return key === undefined ? undefined : related[key];
}

function show(value: unknown, timeZone: string): string {
  if (value === null || value === undefined || value === '') return '—';
  if (value instanceof Date) return formatTime(value, timeZone);
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  return String(value);
}

/** "$180k", "$1.2M", "$950". */
export function money(value: number): string {
  const sign = value < 0 ? '-' : '';
  const size = Math.abs(value);
  if (size >= 1_000_000) return `${sign}$${trim(size / 1_000_000)}M`;
  if (size >= 1_000) return `${sign}$${trim(size / 1_000)}k`;
  return `${sign}$${Math.round(size)}`;
}

function trim(value: number): string {
  return (Math.round(value * 10) / 10).toString();
}

/** The relation to the company-like entry an alert is about: the first named Customer/Company/Account, else to company. */
function customerRelation(definition: ObjectDefinition): FieldDefinition | undefined {
  const relations = definition.fields.filter((field) => field.type === 'relation');
  return relations.find((field) => /^(customer|company|account)$/i.test(field.name)) ?? relations.find((field) => field.relatedObject === 'company');
}

/** The company-like entry an alert is about. */
function customerOf(context: AlertContext): { row: Row | undefined; name: string } {
  const preferred = customerRelation(context.definition);
  if (!preferred) return { row: undefined, name: '' };
  // The v_ view shows a relation as the related entry's display name.
  const name = context.entry[preferred.name];
  return { row: context.related[preferred.name], name: name === null || name === undefined ? '' : String(name) };
}

function field(context: AlertContext, name: string): unknown {
  const found = findField(context.definition, name);
  return found ? context.entry[found.name] : undefined;
}

function timeOpen(context: AlertContext): string | undefined {
  const opened = field(context, 'Opened Date') ?? context.entry.created_at;
  if (!(opened instanceof Date)) return undefined;
  return formatDuration(context.now.getTime() - opened.getTime());
}

function escalationText(context: AlertContext): string {
  const { row: customer, name: customerName } = customerOf(context);
  const title = String(context.entry[context.definition.displayField] ?? context.entry.id);
  const priority = field(context, 'Priority');
  const header = `${context.escalated ? '🚨 ESCALATION' : '🔔 ALERT'}: ${customerName ? `${customerName} — ` : ''}'${title}'${priority ? ` (${optionCode(String(priority)).toUpperCase()})` : ''}`;
  const lines = [header];

  const line2: string[] = [];
  const open = timeOpen(context);
  if (open) line2.push(`Open for: ${open}`);
  if (findField(context.definition, 'First Response Date')) {
    const firstResponse = field(context, 'First Response Date');
    const opened = field(context, 'Opened Date');
    if (firstResponse instanceof Date) {
      line2.push(opened instanceof Date ? `First response after ${formatDuration(firstResponse.getTime() - opened.getTime())}` : 'First response given');
    } else {
      line2.push('No first response yet');
    }
  }
  if (line2.length) lines.push(line2.join(' | '));

  if (customer) {
    const line3: string[] = [];
    const value = customer['Contract Value'];
    if (typeof value === 'number') line3.push(`Account Value: ${money(value)}`);
    const renewal = customer['Renewal Date'];
    if (renewal instanceof Date) {
      const days = Math.ceil((renewal.getTime() - context.now.getTime()) / 86_400_000);
      line3.push(`Renewal: ${days >= 0 ? `${days} day${days === 1 ? '' : 's'}` : `overdue by ${-days} day${days === -1 ? '' : 's'}`}`);
    }
    if (customer.Health) line3.push(`Health: ${String(customer.Health)}`);
    if (line3.length) lines.push(line3.join(' | '));
  }

  const tier = field(context, 'Escalation Tier');
  if (typeof tier === 'string' && tier !== '') lines.push(`Escalation Tier: ${tierText(tier)}`);
  if (findField(context.definition, 'Assigned To')) {
    const assignee = field(context, 'Assigned To');
    lines.push(`Assigned to: ${assignee ? String(assignee) : '(unassigned)'} — ACTION NEEDED`);
  } else {
    lines.push('ACTION NEEDED');
  }
  return lines.join('\n');
}

/** "Tier 2 - Engineering" → "2 (Engineering)", as the seed writes it. */
function tierText(tier: string): string {
  const match = /^tier\s*(\d+)\s*[-–—:]\s*(.+)$/i.exec(tier);
  return match ? `${match[1]} (${match[2]!.trim()})` : tier;
}

function briefText(context: AlertContext): string {
  const { name: customerName } = customerOf(context);
  const title = String(context.entry[context.definition.displayField] ?? context.entry.id);
  const priority = field(context, 'Priority');
  const open = timeOpen(context);
  return `${context.escalated ? '🚨' : '🔔'} ${customerName ? `${customerName}: ` : ''}'${title}'${priority ? ` (${optionCode(String(priority)).toUpperCase()})` : ''}${open ? `, open ${open}` : ''} — ${context.rule}`;
}

/** What a digest says about the alerts it stands for. */
export interface DigestSummary {
  count: number;
  /** "tickets", from the object's name. */
  noun: string;
  /** Whether the alerts were escalations ("were escalated") rather than plain alerts. */
  escalated: boolean;
  /** Group label ("Enterprise") → how many, largest first. */
  groups: [string, number][];
  job: string;
  /** Where the full list is: "/board" in Telegram. */
  pointer: string;
}

/** "🚨 37 more tickets were escalated (support-escalation): 12 Enterprise, 25 Mid-Market — /board". */
export function digestText(summary: DigestSummary): string {
  const one = summary.count === 1;
  const noun = one ? summary.noun.replace(/s$/, '') : summary.noun;
  const verb = summary.escalated ? (one ? 'was escalated' : 'were escalated') : one ? 'needs attention' : 'need attention';
  const groups = summary.groups.map(([label, count]) => `${count} ${label}`).join(', ');
  return `${summary.escalated ? '🚨' : '🔔'} ${summary.count} more ${noun} ${verb} (${summary.job})${groups ? `: ${groups}` : ''} — ${summary.pointer}`;
}

/** "support_tickets" → "tickets"; a name not ending in s → "<name> entries". */
export function entryNoun(objectName: string): string {
  const last = objectName.split(/[_\s-]+/).filter(Boolean).at(-1) ?? objectName;
  return /s$/i.test(last) ? last.toLowerCase() : `${objectName.replace(/_/g, ' ')} entries`;
}

/**
 * How entries split for a digest: by their customer's Account Tier when the object has a customer with one, else by
 * Priority; labels counted, largest first.
 */
export async function digestGroups(
  sql: Sql,
  definition: ObjectDefinition,
  objects: ReadonlyMap<string, ObjectDefinition>,
  /** The entry ids, or the digest whose covered alerts name them (read in SQL: a storm can cover thousands). */
  ids: readonly string[] | { coveredBy: string },
): Promise<[string, number][]> {
  const byDigest = 'coveredBy' in ids ? ids.coveredBy : undefined;
  if (byDigest === undefined && (ids as readonly string[]).length === 0) return [];
  const relation = customerRelation(definition);
  const related = relation?.relatedObject ? objects.get(relation.relatedObject) : undefined;
  const tier = related ? (findField(related, 'Account Tier') ?? findField(related, 'Tier')) : undefined;
  const priority = findField(definition, 'Priority');
  let label: string;
  let join = '';
  if (relation && related && tier) {
    join = `LEFT JOIN ${tableName(related.name)} AS r ON r.id = e.${quoteIdentifier(relation.column)}`;
    label = `r.${quoteIdentifier(tier.column)}`;
  } else if (priority) {
    label = `e.${quoteIdentifier(priority.column)}`;
  } else {
    return [];
  }
  const wanted =
    byDigest === undefined
      ? { sql: `SELECT unnest(from_json($1, '["VARCHAR"]')) AS id`, params: [JSON.stringify(ids)] }
      : {
          sql: `SELECT DISTINCT json_extract_string(payload, '$.entryId') AS id FROM outbox WHERE covered_by = $1 AND json_extract_string(payload, '$.object') = $2`,
          params: [byDigest, definition.name],
        };
  // From the wanted ids, so entries no longer found are counted too (their row has no e.id).
  const found = await sql.query<{ gone: boolean; label: string | null; count: number }>(
    `WITH wanted AS (${wanted.sql})
     SELECT e.id IS NULL AS gone, CAST(${label} AS VARCHAR) AS label, count(*)::INTEGER AS count
     FROM (SELECT DISTINCT id FROM wanted) AS w LEFT JOIN ${tableName(definition.name)} AS e ON e.id = w.id ${join} GROUP BY ALL ORDER BY 3 DESC, 2`,
    wanted.params,
  );
  const rows = found.filter((row) => !row.gone);
  const missing = found.filter((row) => row.gone).reduce((sum, row) => sum + row.count, 0);
  const groups: [string, number][] = rows.map((row) => [row.label === null || row.label === '' ? (tier ? 'without a tier' : 'without a priority') : tier ? row.label : optionCode(row.label).toUpperCase(), row.count]);
  if (missing > 0) groups.push(['no longer found', missing]);
  return groups;
}
