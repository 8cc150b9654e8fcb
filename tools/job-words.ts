// A job in words: its conditions and actions as a person would say them, for the say-back before saving.
import { type Condition, type Filter, isCondition } from '../objects/filter';
import { formatDuration } from '../objects/duration';
import { parseDuration } from '../objects/duration';
import type { ActiveWindow } from '../jobs/active-hours';
import type { JobAction, JobDefinition, JobRule } from '../jobs/job-schema';

/** "Priority is P1 - Critical, no First Response Date, Opened Date more than 30 minutes ago". */
export function filterWords(filter: Filter): string {
  if (isCondition(filter)) return conditionWords(filter);
  if ('all' in filter) return filter.all.map((part) => (isCondition(part) ? filterWords(part) : `(${filterWords(part)})`)).join(', ');
  if ('any' in filter) return filter.any.map((part) => (isCondition(part) ? filterWords(part) : `(${filterWords(part)})`)).join(' or ');
  return `not (${filterWords(filter.not)})`;
}

function list(value: unknown, joiner: string): string {
  return Array.isArray(value) ? value.map(String).join(joiner) : String(value);
}

function durationWords(value: unknown, business: boolean | undefined): string {
  try {
    const duration = parseDuration(value);
    return `${formatDuration(duration.milliseconds)}${duration.business || business ? ' of business hours' : ''}`;
  } catch {
    return String(value);
  }
}

export function conditionWords(condition: Condition): string {
  const field = condition.field.replace('.', "'s ");
  const value = condition.value;
  switch (condition.operator) {
    case 'is':
    case 'eq':
      return `${field} is ${String(value)}`;
    case 'is_not':
    case 'neq':
      return `${field} is not ${String(value)}`;
    case 'is_any_of':
      return `${field} is ${list(value, ' or ')}`;
    case 'is_none_of':
      return `${field} is not ${list(value, ' or ')}`;
    case 'is_empty':
      return `no ${field}`;
    case 'is_not_empty':
      return `${field} is set`;
    case 'older_than':
      return `${field} more than ${durationWords(value, condition.business)} ago`;
    case 'newer_than':
      return `${field} less than ${durationWords(value, condition.business)} ago`;
    case 'gt':
      return `${field} above ${String(value)}`;
    case 'gte':
      return `${field} at least ${String(value)}`;
    case 'lt':
      return `${field} below ${String(value)}`;
    case 'lte':
      return `${field} at most ${String(value)}`;
    case 'is_true':
      return `${field} is true`;
    case 'is_false':
      return `${field} is false`;
    case 'between':
      return `${field} between ${list(value, ' and ')}`;
    default:
      return `${field} ${condition.operator.replace(/_/g, ' ')} ${value === undefined ? '' : list(value, ', ')}`.trim();
  }
}

export function actionWords(action: JobAction): string {
  if ('escalate' in action) return `escalate to ${action.escalate.tier} (sets Status Escalated)`;
  if ('set' in action) return `set ${Object.entries(action.set).map(([field, value]) => `${field} to ${value === null ? '(empty)' : String(value)}`).join(', ')}`;
  const template = action.notify.template ?? 'escalation';
  const kind = template === 'escalation' ? 'the escalation alert' : template === 'brief' ? 'a brief alert' : `"${template}"`;
  return `notify ${action.notify.to.map(recipientWords).join(', ')} with ${kind}`;
}

export function recipientWords(spec: string): string {
  if (spec === 'me') return 'you';
  if (spec.startsWith('role:')) return `the ${spec.slice(5).replace(/_/g, ' ')}`;
  if (spec.startsWith('person:')) return spec.slice(7).trim();
  return `the ${spec.slice(6).replace('.', "'s ")}`;
}

/** "If Priority is P1 - Critical, …: escalate to …, notify you …". */
export function ruleWords(rule: JobRule): string {
  return `${filterWords(rule.when)} → ${rule.then.map(actionWords).join('; ')}`;
}

/** "only Mon–Fri 08:00–18:00 (Europe/Berlin); outside it …", or null for a job active all the time. */
export function activeWords(window: ActiveWindow | undefined): string | null {
  if (!window) return null;
  return `only ${window.text}; outside it nothing runs or alerts, and what comes up then is handled once when it opens`;
}

/**
 * A cron that names days or hours ("0 9 * * 1-5") only times the safety-net runs: said back when the job has no
 * active window, because deadlines and changes are still acted on at any hour ("pause on weekends" needs `active`).
 */
export function scheduleOnlyNote(job: Pick<JobDefinition, 'schedule' | 'active'> & Partial<Pick<JobDefinition, 'report'>>): string | null {
  if (job.active !== undefined || job.report !== undefined) return null;
  const parts = job.schedule.trim().split(/\s+/);
  if (parts.length !== 5) return null;
  const [, hour, , , dayOfWeek] = parts as [string, string, string, string, string];
  const limited = dayOfWeek !== '*' || !/^(\*|\*\/\d+)$/.test(hour);
  if (!limited) return null;
  return 'The schedule only times the regular checks: thresholds crossed and tickets changed are still acted on (and alerted) at any hour and on any day. To keep the job quiet outside those times, give it an active window (e.g. active: { days: [mon, tue, wed, thu, fri] }).';
}

export function jobSummaryLine(job: JobDefinition): string {
  if (job.report) return `${job.name}${job.enabled ? '' : ' (disabled)'}: a report job`;
  return `${job.name} on ${job.object}${job.enabled ? '' : ' (disabled)'}: ${job.rules.length} rule${job.rules.length === 1 ? '' : 's'}`;
}
