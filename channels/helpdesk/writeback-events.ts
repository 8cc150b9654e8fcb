// What a committed change of a help-desk ticket means to the help desk: escalated (and to which tier), acknowledged
// (first response recorded), resolved, assigned. Changes the help desk made itself (its webhooks), imports and the
// demo mean nothing here, so the desk's own echo of a write-back can never cause another one.
import type { EntryChange } from '../../objects/workspace';
import type { WritebackSettings } from '../../objects/workspace-config';

export type WritebackEvent = 'escalated' | 'acknowledged' | 'resolved' | 'assigned';

export interface TicketEvents {
  entryId: string;
  /** Who made the changes ("job:support-escalation", "telegram:Priya Shah (42)", "cli"). */
  by: string;
  events: WritebackEvent[];
  /** "Tier 2 - Engineering" when escalated to a tier. */
  tier?: string;
  /** The new Assigned To when assigned. */
  assignee?: string;
}

/** `by` values whose changes are never written back: the help desks' own webhooks, imports, the demo. */
export function isFromHelpdesk(by: string): boolean {
  return by.startsWith('webhook:') || by.startsWith('import:') || by === 'demo';
}

/** Groups committed changes of support tickets per ticket and author, in order, keeping those that mean something. */
export function ticketEvents(changes: readonly EntryChange[]): TicketEvents[] {
  const groups = new Map<string, TicketEvents>();
  for (const change of changes) {
    if (change.object !== 'support_tickets' || isFromHelpdesk(change.by)) continue;
    const key = `${change.entryId}\u0000${change.by}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { entryId: change.entryId, by: change.by, events: [] }));
    const add = (event: WritebackEvent) => {
      if (!group.events.includes(event)) group.events.push(event);
    };
    const value = change.newValue;
    switch (change.field) {
      case 'Escalation Tier':
        if (value && value !== 'None' && value !== change.oldValue) {
          add('escalated');
          group.tier = value;
        }
        break;
      case 'Escalated':
        if (value === 'true' && change.oldValue !== 'true') add('escalated');
        break;
      case 'Status':
        if (value === 'Escalated' && change.oldValue !== 'Escalated') add('escalated');
        if ((value === 'Resolved' || value === 'Closed') && change.oldValue !== 'Resolved' && change.oldValue !== 'Closed') add('resolved');
        break;
      case 'First Response Date':
        if (value && !change.oldValue) add('acknowledged');
        break;
      case 'Assigned To':
        if (value && value !== change.oldValue) {
          add('assigned');
          group.assignee = value;
        }
        break;
    }
  }
  return [...groups.values()].filter((group) => group.events.length > 0);
}

/** The help-desk tags for the events: escalated, the tier's own tag, acknowledged, resolved, assigned. */
export function tagsFor(events: TicketEvents, tags: WritebackSettings['tags']): string[] {
  const names: string[] = [];
  for (const event of events.events) {
    names.push(tags[event]);
    if (event === 'escalated' && events.tier) {
      const tier = /tier\s*(\d)/i.exec(events.tier)?.[1];
      if (tier === '1' || tier === '2' || tier === '3') names.push(tags[`tier_${tier}`]);
    }
  }
  return [...new Set(names)];
}
