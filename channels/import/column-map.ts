// Which CSV column feeds which ticket value: recognized header names by default, --map "Column=target" to say so.
import { ValidationError } from '../../objects/errors';

/** What a column can feed: the trigger body's vocabulary (README: Zendesk trigger body). */
export const importTargets = [
  'id',
  'title',
  'description',
  'priority',
  'status',
  'organization',
  'requester_email',
  'assignee',
  'created_at',
  'updated_at',
  'first_response_at',
  'resolved_at',
] as const;
export type ImportTarget = (typeof importTargets)[number];

/** Header names recognized without --map (compared lower-case, with spaces, dashes and underscores alike). */
const recognized: Record<string, ImportTarget> = {
  id: 'id', ticket_id: 'id', external_id: 'id', ticket: 'id', ticket_number: 'id',
  title: 'title', subject: 'title', summary: 'title',
  description: 'description', body: 'description', details: 'description',
  priority: 'priority', severity: 'priority',
  status: 'status', state: 'status',
  organization: 'organization', organisation: 'organization', company: 'organization', customer: 'organization', account: 'organization',
  requester_email: 'requester_email', requester: 'requester_email', email: 'requester_email', contact_email: 'requester_email',
  assignee: 'assignee', assigned_to: 'assignee', owner: 'assignee',
  created_at: 'created_at', created: 'created_at', opened: 'created_at', opened_date: 'created_at', opened_at: 'created_at',
  updated_at: 'updated_at', updated: 'updated_at',
  first_response_at: 'first_response_at', first_response_date: 'first_response_at', first_reply_at: 'first_response_at',
  resolved_at: 'resolved_at', resolved_date: 'resolved_at', solved_at: 'resolved_at', closed_at: 'resolved_at',
};

function normalize(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

/** Parses --map values: "Column=target", several per value separated by commas. */
export function parseMapFlags(values: readonly string[]): Map<string, ImportTarget> {
  const map = new Map<string, ImportTarget>();
  for (const value of values) {
    for (const pair of value.split(',')) {
      if (pair.trim() === '') continue;
      const equals = pair.lastIndexOf('=');
      const column = pair.slice(0, Math.max(equals, 0)).trim();
      const target = normalize(pair.slice(equals + 1)) as ImportTarget;
      if (equals <= 0 || column === '') throw new ValidationError(`--map "${pair.trim()}": expected "CSV column=target", like "Ticket ID=id"`);
      if (!importTargets.includes(target)) throw new ValidationError(`--map "${pair.trim()}": unknown target "${pair.slice(equals + 1).trim()}" (targets: ${importTargets.join(', ')})`);
      map.set(column, target);
    }
  }
  return map;
}

/** The target of each header column (undefined: ignored), from --map first, then recognized names. */
export function mapColumns(header: readonly string[], explicit: ReadonlyMap<string, ImportTarget>): (ImportTarget | undefined)[] {
  for (const column of explicit.keys()) {
    if (!header.some((name) => name.trim().toLowerCase() === column.toLowerCase())) {
      throw new ValidationError(`--map names column "${column}", which the CSV header does not have (columns: ${header.join(', ')})`);
    }
  }
  const explicitTargets = new Set(explicit.values());
  const lowerExplicit = new Map([...explicit].map(([column, target]) => [column.toLowerCase(), target]));
  const targets = header.map((name) => lowerExplicit.get(name.trim().toLowerCase()) ?? (explicitTargets.has(recognized[normalize(name)]!) ? undefined : recognized[normalize(name)]));
  const duplicate = targets.find((target, index) => target !== undefined && targets.indexOf(target) !== index);
  if (duplicate) {
    const columns = header.filter((_, index) => targets[index] === duplicate);
    throw new ValidationError(`columns ${columns.map((column) => `"${column}"`).join(' and ')} both feed ${duplicate}; choose one with --map "${columns[0]}=${duplicate}"`);
  }
  return targets;
}
