// escalator pair list|approve CODE|revoke CHAT_ID: who may talk to the Telegram bot besides TELEGRAM_ALLOWED_CHATS.
import { PairingStore } from '../../channels/telegram/pairings';
import { UsageError } from '../../objects/errors';
import { printable } from '../../objects/printable';
import { formatTime } from '../../objects/values';
import { parseFlags, type Command } from '../command';
import { formatTable, toJson } from '../format';

/** " (Name)" for a chat's Telegram name — the chat's own text, so escaped — or nothing. */
function named(name: string | null): string {
  return name ? ` (${printable(name, { max: 130 })})` : '';
}

const usage = 'escalator pair list [--json] | escalator pair approve CODE | escalator pair revoke CHAT_ID';

export const pairCommand: Command = {
  name: 'pair',
  summary: 'Telegram chats waiting for approval; approve a pairing code, revoke a chat',
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(context.argv, { json: { type: 'boolean' } }, usage);
    const [action, argument, ...extra] = positionals;
    if (!action || extra.length > 0) throw new UsageError(`usage: ${usage}`);
    const workspace = await context.openWorkspace();
    const store = new PairingStore(workspace.db, workspace.clock);
    switch (action) {
      case 'list': {
        const pairings = await store.list();
        if (values.json) return void context.io.stdout(toJson(pairings));
        const allowed = (context.env.TELEGRAM_ALLOWED_CHATS ?? '').split(',').map((id) => id.trim()).filter(Boolean);
        const rows = pairings.map((pairing) => ({
          chat: pairing.chatId,
          name: printable(pairing.name ?? '', { max: 130 }),
          status: pairing.status === 'pending' && !store.isFresh(pairing) ? 'expired' : pairing.status,
          code: pairing.status === 'pending' ? pairing.code : '',
          asked: formatTime(pairing.requestedAt, workspace.timeZone),
          decided: pairing.decidedAt ? `${formatTime(pairing.decidedAt, workspace.timeZone)} by ${pairing.decidedBy ?? '?'}` : '',
        }));
        const lines = [rows.length ? formatTable(rows, { timeZone: workspace.timeZone }) : 'No chat has asked to pair yet.'];
        if (allowed.length) lines.push(`Always allowed (TELEGRAM_ALLOWED_CHATS): ${allowed.join(', ')}`);
        context.io.stdout(lines.join('\n'));
        return;
      }
      case 'approve': {
        if (!argument) throw new UsageError(`approve needs the code the chat was given\nusage: ${usage}`);
        const pairing = await store.approve(argument, 'cli');
        context.io.stdout(`approved chat ${pairing.chatId}${named(pairing.name)}: it can talk to the bot now`);
        return;
      }
      case 'revoke': {
        if (!argument || !/^-?\d+$/.test(argument)) throw new UsageError(`revoke needs a numeric chat id (see "escalator pair list")\nusage: ${usage}`);
        const pairing = await store.revoke(Number(argument), 'cli');
        context.io.stdout(`revoked chat ${pairing.chatId}${named(pairing.name)}: it gets a new pairing code if it writes again`);
        return;
      }
      default:
        throw new UsageError(`unknown pair action "${action}"\nusage: ${usage}`);
    }
  },
};
