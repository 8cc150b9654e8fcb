// What an alert's actions do, by code and never by the model — the Telegram buttons, the web board and the offline
// reader's "snooze the Globex SSO alert for 2 hours" all come here: Acknowledge (first response now, assignee if
// none), Resolve, Snooze (1 h, or until a time), Escalate (next tier, or a named one), Mute (24h, or until a time: no
// job acts on or alerts about the ticket). Each checks the ticket's current state first, so a second press or a
// press on a stale alert changes nothing and says why; changes go through updateEntries (history recorded, jobs
// re-evaluate the entry), the action is logged, all in one transaction.
import type { Database, Sql } from '../objects/database';
import { getEntry, updateEntries, type FieldValues } from '../objects/entries';
import { findField, type ObjectDefinition } from '../objects/object-schema';
import { ValidationError } from '../objects/errors';
import { formatTime } from '../objects/values';
import type { Workspace } from '../objects/workspace';
import { listMutes, muteEntry } from './mutes';
import { ensureJobTables } from './tables';

export const alertActions = ['ack', 'resolve', 'snooze', 'escalate', 'mute'] as const;
export type AlertAction = (typeof alertActions)[number];

/** What a typed request adds to a button's action: how long to snooze or mute, which tier to escalate to. */
export interface ActionDetails {
  /** Snooze or mute until then (default: 1 h for a snooze, 24 h for a mute). */
  until?: Date;
  /** Escalate to this option of the tier field (default: the next one up); never lowers the tier. */
  tier?: string;
  /** false: an acknowledgement does not assign the ticket (the person acting is not known by name). */
  assign?: boolean;
}

export const snoozeMs = 60 * 60 * 1000;
export const muteMs = 24 * 60 * 60 * 1000;
const closedStatuses = ['Resolved', 'Closed'];

export interface AlertRef {
  alertId: string;
  object: string;
  entryId: string;
  /** The chat the alert went to, for the reminder after a snooze. */
  chatId: string;
}

export interface Actor {
  /** Shown in the ticket (Assigned To) and the alert: "Priya Patel". */
  name: string;
  /** Recorded as the changes' author: "telegram:Priya Patel (42)". */
  by: string;
}

export type ActionOutcome = { done: true; summary: string } | { done: false; reason: string };

export interface LoggedAction {
  action: AlertAction;
  actor: string;
  at: Date;
  summary: string;
}

const ready = new WeakSet<Database>();

/** Creates the tables of alert actions and snoozes if missing. */
export async function ensureAlertTables(db: Database): Promise<void> {
  if (ready.has(db)) return;
  await db.transaction(async (sql) => {
    await sql.run(`CREATE TABLE IF NOT EXISTS telegram_alert_actions (
      alert_id VARCHAR NOT NULL, object VARCHAR NOT NULL, entry_id VARCHAR NOT NULL, action VARCHAR NOT NULL,
      actor VARCHAR NOT NULL, acted_at TIMESTAMPTZ NOT NULL, summary VARCHAR NOT NULL)`);
    await sql.run(`CREATE TABLE IF NOT EXISTS telegram_snoozes (
      alert_id VARCHAR PRIMARY KEY, object VARCHAR NOT NULL, entry_id VARCHAR NOT NULL, chat_id VARCHAR NOT NULL,
      until TIMESTAMPTZ NOT NULL, snoozed_by VARCHAR NOT NULL, reminded BOOLEAN NOT NULL DEFAULT FALSE)`);
  });
  ready.add(db);
}

/** Performs one button's action on the alert's entry, or says why it does nothing. */
export async function performAlertAction(workspace: Workspace, alert: AlertRef, action: AlertAction, actor: Actor, details: ActionDetails = {}): Promise<ActionOutcome> {
  await ensureAlertTables(workspace.db);
  await ensureJobTables(workspace.db);
  return workspace.db.transaction(async (sql) => {
    const definition = workspace.object(alert.object);
    const entry = await getEntry(workspace, definition.name, alert.entryId);
    if (!entry) return { done: false, reason: `The ${definition.name} entry ${alert.entryId} no longer exists.` };
    const now = workspace.clock.now();
    const at = formatTime(now, workspace.timeZone).slice(11);
    const status = typeof entry.Status === 'string' ? entry.Status : undefined;
    if (status && closedStatuses.includes(status)) {
      return { done: false, reason: `Nothing done: the ticket is already ${status}${await lastChange(sql, alert.entryId, 'Status', workspace)}.` };
    }
    let outcome: ActionOutcome;
    switch (action) {
      case 'ack': {
        const missing = requireFields(definition, ['First Response Date']);
        if (missing) return missing;
        if (entry['First Response Date'] instanceof Date) {
          return { done: false, reason: `Already acknowledged: first response recorded${await lastChange(sql, alert.entryId, 'First Response Date', workspace)}.` };
        }
        const values: FieldValues = { 'First Response Date': now };
        const assign = details.assign !== false && findField(definition, 'Assigned To') && !entry['Assigned To'];
        if (assign) values['Assigned To'] = actor.name;
        await updateEntries(workspace, definition.name, [{ id: alert.entryId, values }], { by: actor.by });
        outcome = { done: true, summary: `✅ Acknowledged by ${actor.name} at ${at}${assign ? `, assigned to ${actor.name}` : ''}` };
        break;
      }
      case 'resolve': {
        const values: FieldValues = {};
        if (findField(definition, 'Status')) values.Status = 'Resolved';
        if (findField(definition, 'Resolved Date')) values['Resolved Date'] = now;
        if (Object.keys(values).length === 0) return { done: false, reason: `${definition.name} has no Status or Resolved Date field to resolve with.` };
        await updateEntries(workspace, definition.name, [{ id: alert.entryId, values }], { by: actor.by });
        outcome = { done: true, summary: `✔️ Resolved by ${actor.name} at ${at}` };
        break;
      }
      case 'escalate': {
        const tierField = findField(definition, 'Escalation Tier');
        if (!tierField?.options) return { done: false, reason: `${definition.name} has no Escalation Tier field.` };
        const current = typeof entry['Escalation Tier'] === 'string' ? entry['Escalation Tier'] : undefined;
        const rank = current === undefined ? 0 : tierField.options.indexOf(current);
        if (details.tier !== undefined && !tierField.options.includes(details.tier)) return { done: false, reason: `"${details.tier}" is not a tier (tiers: ${tierField.options.join(', ')}).` };
        if (details.tier !== undefined && tierField.options.indexOf(details.tier) <= rank) return { done: false, reason: `Nothing done: the ticket is already at ${current}, at or above ${details.tier}; an escalation never lowers the tier.` };
        const next = details.tier ?? tierField.options[current === undefined ? 1 : rank + 1];
        if (!next) return { done: false, reason: `Already at the top tier (${current}); nothing higher to escalate to.` };
        const values: FieldValues = { 'Escalation Tier': next };
        if (findField(definition, 'Status')?.options?.includes('Escalated')) values.Status = 'Escalated';
        if (findField(definition, 'Escalated')) values.Escalated = true;
        await updateEntries(workspace, definition.name, [{ id: alert.entryId, values }], { by: actor.by });
        outcome = { done: true, summary: `⬆️ Escalated to ${next} by ${actor.name} at ${at}` };
        break;
      }
      case 'snooze': {
        const [snoozed] = await sql.query<{ until: Date }>(`SELECT until FROM telegram_snoozes WHERE alert_id = $1 AND NOT reminded AND until > $2::TIMESTAMPTZ`, [alert.alertId, now]);
        if (snoozed) return { done: false, reason: `Already snoozed until ${formatTime(snoozed.until, workspace.timeZone).slice(11)}.` };
        const until = laterThanNow(details.until, now) ?? new Date(now.getTime() + snoozeMs);
        await sql.run(
          `INSERT OR REPLACE INTO telegram_snoozes (alert_id, object, entry_id, chat_id, until, snoozed_by, reminded) VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ, $6, FALSE)`,
          [alert.alertId, definition.name, alert.entryId, alert.chatId, until, actor.name],
        );
        outcome = { done: true, summary: `⏰ Snoozed by ${actor.name} at ${at} until ${formatTime(until, workspace.timeZone).slice(11)}` };
        break;
      }
      case 'mute': {
        const [muted] = await sql.query<{ until: Date }>(`SELECT until FROM mutes WHERE object = $1 AND entry_id = $2 AND until > $3::TIMESTAMPTZ`, [definition.name, alert.entryId, now]);
        if (muted) return { done: false, reason: `Already muted until ${formatTime(muted.until, workspace.timeZone)}.` };
        const until = laterThanNow(details.until, now) ?? new Date(now.getTime() + muteMs);
        await muteEntry(workspace, { object: definition.name, entry: alert.entryId, until, by: actor.by, reason: `Mute ${details.until ? `until ${formatTime(until, workspace.timeZone)}` : '24h'} on alert ${alert.alertId}` }, sql);
        outcome = { done: true, summary: `🔕 Muted by ${actor.name} at ${at} until ${formatTime(until, workspace.timeZone)}: no job acts on it or alerts until then` };
        break;
      }
    }
    await sql.run(`INSERT INTO telegram_alert_actions VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ, $7)`, [
      alert.alertId, definition.name, alert.entryId, action, actor.name, now, outcome.summary,
    ]);
    return outcome;
  });
}

/** The actions taken on an alert, oldest first. */
export async function alertActionLog(db: Database, alertId: string): Promise<LoggedAction[]> {
  await ensureAlertTables(db);
  return db.query<LoggedAction & Record<string, unknown>>(`SELECT action, actor, acted_at AS "at", summary FROM telegram_alert_actions WHERE alert_id = $1 ORDER BY acted_at, rowid`, [alertId]);
}

/** Which buttons still make sense for the entry now: none once it is closed or gone. */
export async function offeredActions(workspace: Workspace, alert: AlertRef): Promise<AlertAction[]> {
  const entry = await getEntry(workspace, alert.object, alert.entryId);
  if (!entry || closedStatuses.includes(String(entry.Status ?? ''))) return [];
  const definition = workspace.object(alert.object);
  const offered: AlertAction[] = [];
  if (!(entry['First Response Date'] instanceof Date)) offered.push('ack');
  offered.push('resolve');
  const [snoozed] = await workspace.db.query(`SELECT 1 FROM telegram_snoozes WHERE alert_id = $1 AND NOT reminded`, [alert.alertId]);
  if (!snoozed) offered.push('snooze');
  const tiers = findField(definition, 'Escalation Tier')?.options ?? [];
  if (tiers.length && entry['Escalation Tier'] !== tiers.at(-1)) offered.push('escalate');
  const now = workspace.clock.now();
  if (!(await listMutes(workspace, now)).some((mute) => mute.object === definition.name && mute.entryId === alert.entryId)) offered.push('mute');
  return offered;
}

/** " at 10:05 by telegram:Priya Patel (42)": the last recorded change of a field, for "already" answers. */
async function lastChange(sql: Sql, entryId: string, field: string, workspace: Workspace): Promise<string> {
  const [change] = await sql.query<{ changed_at: Date; changed_by: string }>(
    `SELECT changed_at, changed_by FROM field_changes WHERE entry_id = $1 AND field = $2 ORDER BY changed_at DESC LIMIT 1`,
    [entryId, field],
  );
  return change ? ` at ${formatTime(change.changed_at, workspace.timeZone)} by ${change.changed_by.replace(/^telegram:/, '').replace(/ \(\d+\)$/, '')}` : '';
}

function laterThanNow(until: Date | undefined, now: Date): Date | undefined {
  if (until === undefined) return undefined;
  if (until.getTime() <= now.getTime()) throw new ValidationError(`the end ${until.toISOString()} is not in the future`);
  return until;
}

function requireFields(definition: ObjectDefinition, names: string[]): ActionOutcome | undefined {
  const missing = names.filter((name) => !findField(definition, name));
  return missing.length ? { done: false, reason: `${definition.name} has no ${missing.join(' or ')} field.` } : undefined;
}
