// escalator mute OBJECT ID|NAME --until TIME | --for DURATION [--reason …], mute list, unmute OBJECT ID|NAME: keep the
// jobs off an entry, or a company and all its tickets, for a while.
import { UsageError } from '../../objects/errors';
import { printable } from '../../objects/printable';
import { formatTime } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';
import { listMutes, muteEnd, muteEntry, unmuteEntry, type Mute } from '../../jobs/mutes';
import { attachCalendar } from '../../jobs/sla-config';
import { parseFlags, type Command } from '../command';
import { formatTable, toJson } from '../format';

const muteUsage = [
  'escalator mute OBJECT ID|NAME --until TIME | --for DURATION [--reason TEXT] [--json]',
  '       escalator mute list [--json]',
  '       escalator unmute OBJECT ID|NAME [--json]',
].join('\n');

function muteJson(mute: Mute): Record<string, unknown> {
  return { object: mute.object, entry_id: mute.entryId, name: mute.name, until: mute.until.toISOString(), by: mute.by, reason: mute.reason, created_at: mute.createdAt.toISOString() };
}

function who(mute: Mute): string {
  return `${mute.object} ${printable(mute.name ?? mute.entryId, { max: 120 })} (${mute.entryId})`;
}

function covers(workspace: Workspace, mute: Mute): string {
  const related = [...workspace.objects.values()].filter((definition) => definition.fields.some((field) => field.type === 'relation' && !field.multiple && field.relatedObject === mute.object));
  return related.length ? ` and its ${related.map((definition) => definition.name.replace(/_/g, ' ')).join(', ')}` : '';
}

export const muteCommand: Command = {
  name: 'mute',
  summary: 'keep jobs off an entry, or a company and its tickets, until a time or for a while; mute list',
  usage: muteUsage,
  async run(context) {
    const { values, positionals } = parseFlags(
      context.argv,
      { until: { type: 'string' }, for: { type: 'string' }, reason: { type: 'string' }, json: { type: 'boolean' } },
      muteUsage,
    );
    const workspace = await context.openWorkspace();
    if (positionals[0] === 'list' && positionals.length === 1) {
      const mutes = await listMutes(workspace, context.clock.now());
      if (values.json) return void context.io.stdout(toJson(mutes.map(muteJson)));
      if (mutes.length === 0) return void context.io.stdout('nothing is muted');
      context.io.stdout(
        formatTable(
          mutes.map((mute) => ({
            object: mute.object,
            entry: printable(mute.name ?? '', { max: 60 }),
            id: mute.entryId,
            until: formatTime(mute.until, workspace.timeZone),
            by: printable(mute.by, { max: 60 }),
            reason: printable(mute.reason ?? '', { max: 120 }),
          })),
          { timeZone: workspace.timeZone, maxWidth: 60 },
        ),
      );
      return;
    }
    const [object, entry, ...extra] = positionals;
    if (!object || !entry || extra.length > 0) throw new UsageError(`mute needs an object and an entry id or name (quote a name with spaces)\nusage: ${muteUsage}`);
    if (values.until === undefined && values.for === undefined) throw new UsageError(`say how long: --until TIME (e.g. "tomorrow 9am") or --for DURATION (e.g. 24h)\nusage: ${muteUsage}`);
    if (values.until !== undefined && values.for !== undefined) throw new UsageError(`give --until or --for, not both\nusage: ${muteUsage}`);
    workspace.calendar ??= attachCalendar(workspace);
    const until = muteEnd(workspace, { until: values.until, for: values.for }, context.clock.now());
    const mute = await muteEntry(workspace, { object, entry, until, by: 'cli', reason: values.reason });
    if (values.json) return void context.io.stdout(toJson(muteJson(mute)));
    context.io.stdout(`muted ${who(mute)}${covers(workspace, mute)} until ${formatTime(mute.until, workspace.timeZone)}: jobs neither act on it nor alert; it is evaluated again when the mute ends`);
  },
};

const unmuteUsage = 'escalator unmute OBJECT ID|NAME [--json]';

export const unmuteCommand: Command = {
  name: 'unmute',
  summary: 'lift a mute now: the jobs evaluate the entry (or the company\'s tickets) at once',
  usage: unmuteUsage,
  async run(context) {
    const { values, positionals } = parseFlags(context.argv, { json: { type: 'boolean' } }, unmuteUsage);
    const [object, entry, ...extra] = positionals;
    if (!object || !entry || extra.length > 0) throw new UsageError(`unmute needs an object and an entry id or name\nusage: ${unmuteUsage}`);
    const workspace = await context.openWorkspace();
    const mute = await unmuteEntry(workspace, { object, entry });
    if (values.json) return void context.io.stdout(toJson(mute ? { unmuted: true, ...muteJson(mute) } : { unmuted: false, object, entry }));
    if (!mute) return void context.io.stdout(`${object} ${printable(entry, { max: 120 })} is not muted`);
    context.io.stdout(`unmuted ${who(mute)}: the jobs evaluate it now`);
  },
};
