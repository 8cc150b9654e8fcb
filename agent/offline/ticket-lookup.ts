// Which ticket a person means: an id, a title (quoted or not), or "Acme's export ticket" — the customer's tickets
// whose titles share the words. Several equally good matches are listed back, never picked silently.
import type { Row } from '../../objects/database';
import { findEntries } from '../../objects/entries';
import { viewName } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';
import { displayNames } from './entities';
import { escapeRegExp } from './words';
import { vocabularyOf } from './vocabulary';

export type TicketLookup = { kind: 'one'; row: Row } | { kind: 'many'; rows: Row[] } | { kind: 'none'; message: string };

const noise = new Set('the a an this that ticket tickets issue issues case one problem bug incident from for about with of on at by its their our s please'.split(' '));

/** The object tickets live in: support_tickets, or the one object with a Title, a Priority and a relation. */
export function ticketObject(workspace: Workspace): string | undefined {
  if (workspace.objects.has('support_tickets')) return 'support_tickets';
  return [...workspace.objects.values()].find((definition) => vocabularyOf(definition, workspace.objects).opened && definition.fields.some((field) => /priority/i.test(field.name)))?.name;
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
}

/** Finds the ticket `reference` names; open tickets are preferred over closed ones. */
export async function lookUpTicket(workspace: Workspace, objectName: string, reference: string): Promise<TicketLookup> {
  const definition = workspace.object(objectName);
  const vocabulary = vocabularyOf(definition, workspace.objects);
  const display = definition.displayField;
  let text = reference.trim().replace(/^(?:the|a)\s+/i, '').replace(/[.!?]+$/, '');
  const id = /\b([0-9a-z]{10})\b/.exec(text);
  if (id) {
    const byId = await workspace.db.query(`SELECT * FROM ${viewName(objectName)} WHERE id = $1`, [id[1]]);
    if (byId[0]) return { kind: 'one', row: byId[0] };
  }
  const quoted = /["']([^"']+)["']/.exec(text);
  const all = await findEntries(workspace, objectName, { limit: 5000 });
  const isOpen = (row: Row) => !vocabulary.status || !vocabulary.closedOptions.includes(String(row[vocabulary.status.name] ?? ''));
  const prefer = (rows: Row[]) => (rows.some(isOpen) ? rows.filter(isOpen) : rows);
  const exactTitle = (title: string) => prefer(all.filter((row) => String(row[display] ?? '').toLowerCase() === title.toLowerCase()));
  if (quoted) {
    const rows = exactTitle(quoted[1]!);
    if (rows.length === 1) return { kind: 'one', row: rows[0]! };
    if (rows.length > 1) return { kind: 'many', rows };
    text = text.replace(quoted[0], ` ${quoted[1]} `);
  }
  const whole = exactTitle(text.replace(/\s+ticket$/i, ''));
  if (whole.length === 1) return { kind: 'one', row: whole[0]! };
  let candidates = all;
  const customer = vocabulary.account;
  if (customer) {
    const names = (await displayNames(workspace, customer.relatedObject!)).sort((a, b) => b.length - a.length);
    for (const name of names) {
      const pattern = new RegExp(`\\b${escapeRegExp(name)}(?:'s)?\\b|\\b${escapeRegExp(name.split(/\s+/)[0]!)}(?:'s)?\\b`, 'i');
      if (name.split(/\s+/)[0]!.length >= 4 ? pattern.test(text) : new RegExp(`\\b${escapeRegExp(name)}\\b`, 'i').test(text)) {
        candidates = candidates.filter((row) => String(row[customer.name] ?? '').toLowerCase() === name.toLowerCase());
        text = text.replace(pattern, ' ');
        break;
      }
    }
  }
  const keys = words(text).filter((word) => !noise.has(word));
  if (keys.length === 0 && candidates !== all) {
    const rows = prefer(candidates);
    if (rows.length === 1) return { kind: 'one', row: rows[0]! };
    if (rows.length > 1) return { kind: 'many', rows };
  }
  if (keys.length === 0) return { kind: 'none', message: `I could not tell which ticket "${reference.trim()}" is; give its title or id` };
  const scored = candidates
    .map((row) => {
      const title = words(String(row[display] ?? ''));
      let score = 0;
      for (const key of keys) {
        if (title.includes(key)) score += 2;
        else if (key.length >= 4 && title.some((word) => word.startsWith(key) || (key.startsWith(word) && word.length >= 4))) score += 1;
      }
      return { row, score };
    })
    .filter((entry) => entry.score > 0);
  if (scored.length === 0) return { kind: 'none', message: `no ticket matches "${reference.trim()}"` };
  const best = Math.max(...scored.map((entry) => entry.score));
  const top = prefer(scored.filter((entry) => entry.score === best).map((entry) => entry.row));
  return top.length === 1 ? { kind: 'one', row: top[0]! } : { kind: 'many', rows: top };
}

/** "Which one? 1. Unable to export data — Acme Corp, P1, Open (id …)". */
export function whichOne(rows: Row[], objectName: string, displayField: string): string {
  const lines = rows.slice(0, 6).map((row, index) => `${index + 1}. ${String(row[displayField])}${row.Customer ? ` — ${String(row.Customer)}` : ''}${row.Priority ? `, ${String(row.Priority).split(' - ')[0]}` : ''}${row.Status ? `, ${String(row.Status)}` : ''} (id ${String(row.id)})`);
  return `Several ${objectName.replace(/_/g, ' ')} match; which one? Say its id or more of its title.\n${lines.join('\n')}${rows.length > 6 ? `\n… and ${rows.length - 6} more` : ''}`;
}
