// mute: keep the monitoring jobs off an entry — or a company and all its tickets — until a time or for a while,
// lift a mute, or list what is muted ("snooze alerts for Initech until tomorrow 9am").
import { z } from 'zod';
import { listMutes, muteEnd, muteEntry, unmuteEntry, type Mute } from '../jobs/mutes';
import { attachCalendar } from '../jobs/sla-config';
import { EscalatorError } from '../objects/errors';
import { formatTime } from '../objects/values';
import type { Workspace } from '../objects/workspace';
import { defineTool } from './tool';

export function muteTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'mute',
    description:
      'Mute an entry or a company so no job escalates or alerts on it (a muted company covers all its tickets) until a time or for a duration; unmute it (evaluated at once); or list the mutes. Use for "snooze alerts for Initech until tomorrow 9am", "stop alerting on ticket X for 2 days". Not for pausing a whole job (update_job with enabled or an active window).',
    inputSchema: z.object({
      action: z.enum(['mute', 'unmute', 'list']).describe('mute, unmute, or list the mutes in force'),
      object: z.string().optional().describe('The object of the entry, e.g. company or support_tickets (mute and unmute)'),
      entry: z.string().optional().describe('The entry id or its name, e.g. Initech (mute and unmute)'),
      until: z.string().optional().describe('When the mute ends, as the person said it: "tomorrow 9am", "2026-04-15 09:00" (workspace time zone)'),
      for: z.string().optional().describe('Or how long: "24h", "2 days", "4 business hours"'),
      reason: z.string().max(500).optional().describe('Why, in the person\'s words'),
    }),
    outsideText: ['mutes.*.name', 'mutes.*.reason', 'name', 'reason'],
    async run(input, context) {
      const { workspace } = deps;
      const shown = (mute: Mute) => ({
        object: mute.object,
        entry_id: mute.entryId,
        name: mute.name,
        until: formatTime(mute.until, workspace.timeZone),
        by: mute.by,
        reason: mute.reason,
      });
      if (input.action === 'list') return { mutes: (await listMutes(workspace)).map(shown) };
      if (!input.object || !input.entry) throw new EscalatorError(`${input.action} needs object and entry (an id or a name)`);
      if (input.action === 'unmute') {
        const mute = await unmuteEntry(workspace, { object: input.object, entry: input.entry });
        return mute ? { unmuted: true, ...shown(mute), note: 'the jobs evaluate it now' } : { unmuted: false, note: `${input.object} ${input.entry} was not muted` };
      }
      workspace.calendar ??= attachCalendar(workspace);
      const until = muteEnd(workspace, { until: input.until, for: input.for });
      const by = context.user ?? `chat:${context.chat.channel}:${String(context.chat.id)}`;
      const mute = await muteEntry(workspace, { object: input.object, entry: input.entry, until, by, reason: input.reason });
      return { muted: true, ...shown(mute), note: 'no job acts on it or alerts until then; it is evaluated when the mute ends' };
    },
  });
}
