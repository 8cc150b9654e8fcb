// The bot's slash commands, answered by code from the workspace (no model call): /start /help /board /open /sla
// /jobs /ticket /web. `botCommands` is what setMyCommands registers.
import { Composer, type Context } from 'grammy';
import { buildBoard, renderBoard } from '../../objects/board';
import { formatDuration } from '../../objects/duration';
import { errorMessage, EscalatorError, ValidationError } from '../../objects/errors';
import { findEntries, resolveEntryId } from '../../objects/entries';
import type { Workspace } from '../../objects/workspace';
import { formatTime } from '../../objects/values';
import { webAddress } from '../../web/address';
import { WebSessions } from '../../web/sessions';
import { escapeHtml, splitPlainText } from './html';
import { jobsText, slaText } from './status-commands';
import { loadTicketContext, renderTicketCard } from './ticket-card';

export const botCommands = [
  { command: 'start', description: 'What this bot does' },
  { command: 'help', description: 'What you can ask and the commands' },
  { command: 'board', description: 'The escalation board (tickets by status)' },
  { command: 'open', description: 'Open tickets, most urgent first' },
  { command: 'sla', description: 'SLA state of open tickets' },
  { command: 'jobs', description: 'Monitoring jobs and their next runs' },
  { command: 'ticket', description: 'One ticket with its account context: /ticket ID or title' },
  { command: 'web', description: 'A one-time sign-in link to the web board' },
] as const;

/** What each command answers with, as plain text (escaped and split by the caller) or ready HTML. */
export type CommandAnswer = { plain: string; monospace?: boolean } | { html: string };

export interface CommandsOptions {
  workspace: Workspace;
  /** Extra commands from other layers (sla, jobs), keyed by name; each returns its answer. */
  extra?: Record<string, (workspace: Workspace, argument: string) => Promise<CommandAnswer>>;
}

const ticketsObject = 'support_tickets';

export function commandsComposer(options: CommandsOptions): Composer<Context> {
  const composer = new Composer<Context>();
  const answers: Record<string, (argument: string, ctx: Context) => Promise<CommandAnswer>> = {
    start: async () => ({ plain: startText(options.workspace) }),
    help: async () => ({ plain: helpText() }),
    board: async () => board(options.workspace),
    open: async () => openTickets(options.workspace),
    ticket: async (argument) => ticket(options.workspace, argument),
    sla: async () => ({ plain: await slaText(options.workspace) }),
    jobs: async () => ({ plain: await jobsText(options.workspace) }),
    web: async (_argument, ctx) => webLink(options.workspace, ctx),
  };
  for (const [name, answer] of Object.entries(options.extra ?? {})) answers[name] = (argument) => answer(options.workspace, argument);
  composer.command(Object.keys(answers), async (ctx) => {
    const name = ctx.message?.text?.match(/^\/([a-z_]+)/i)?.[1]?.toLowerCase() ?? '';
    const answer = answers[name]!;
    let result: CommandAnswer;
    try {
      result = await answer(ctx.match.trim(), ctx);
    } catch (error) {
      if (!(error instanceof EscalatorError)) throw error;
      result = { plain: errorMessage(error) };
    }
    const chunks = 'html' in result ? [result.html] : splitPlainText(result.plain, result.monospace ? { wrap: 'pre' } : {});
    for (const chunk of chunks) await ctx.reply(chunk, { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
  });
  return composer;
}

function startText(workspace: Workspace): string {
  return [
    `escalator for ${workspace.config.name}.`,
    'Tell me what to track and when to escalate, in plain words; I keep the rules and run them myself, and alert you here with the account context.',
    'Alerts come with buttons: Acknowledge, Resolve, Snooze 1 h, Escalate.',
    '',
    helpText(),
  ].join('\n');
}

function helpText(): string {
  return [
    'Ask in plain words, for example:',
    '• "Every 30 minutes, check for P1 tickets open more than 30 minutes without a first response and escalate them to Tier 2"',
    '• "Show me Enterprise accounts with more than 2 escalated tickets in Q1"',
    '',
    'Commands:',
    ...botCommands.map((command) => `/${command.command} — ${command.description}`),
  ].join('\n');
}

async function board(workspace: Workspace): Promise<CommandAnswer> {
  const built = await buildBoard(workspace, ticketsObject);
  return { plain: renderBoard(built, { now: workspace.clock.now(), perColumn: 6, displayField: workspace.object(ticketsObject).displayField }), monospace: true };
}

async function openTickets(workspace: Workspace): Promise<CommandAnswer> {
  const definition = workspace.object(ticketsObject);
  const sort = [...definition.cardSort, 'Opened Date'].filter((field) => definition.fields.some((candidate) => candidate.name === field));
  const rows = await findEntries(workspace, ticketsObject, {
    filter: { field: 'Status', operator: 'is_none_of', value: ['Resolved', 'Closed'] },
    sort: [{ field: 'Priority', direction: 'asc' }, ...sort.map((field) => ({ field, direction: 'asc' as const }))],
  });
  if (rows.length === 0) return { plain: 'No open tickets.' };
  const now = workspace.clock.now();
  const shown = rows.slice(0, 25).map((row) => {
    const parts = [`[${String(row.Priority ?? '?').split(' - ')[0]}] ${String(row[definition.displayField] ?? row.id)}`];
    if (row.Customer) parts.push(String(row.Customer));
    if (row['Opened Date'] instanceof Date) parts.push(`open ${formatDuration(now.getTime() - row['Opened Date'].getTime())}`);
    if (row.Status) parts.push(String(row.Status));
    parts.push(row['Assigned To'] ? `→ ${String(row['Assigned To'])}` : 'unassigned');
    return `${parts.join(' · ')} (${String(row.id)})`;
  });
  if (rows.length > shown.length) shown.push(`… ${rows.length - shown.length} more (escalator board on the command line)`);
  return { plain: [`${rows.length} open ticket${rows.length === 1 ? '' : 's'}:`, ...shown].join('\n') };
}

/**
 * /web: a one-time sign-in link to the board this process serves (the access composer has already turned away
 * unpaired chats). Only in a private chat: a link posted in a group would sign in whoever opens it first.
 */
async function webLink(workspace: Workspace, ctx: Context): Promise<CommandAnswer> {
  if (ctx.chat?.type !== 'private') return { plain: 'Sign-in links are sent only in a private chat: write /web to me directly.' };
  const base = webAddress(workspace);
  if (!base) return { plain: 'The web board is not running: it is served by "escalator serve --port 8080". Start it with a port, then send /web again.' };
  const person = telegramPerson(ctx);
  const { token, expiresAt } = await new WebSessions(workspace.db, workspace.clock).createLoginToken(person);
  const link = `${base}/login?token=${token}`;
  return {
    html: [
      `<a href="${escapeHtml(link)}">Sign in to the web board</a>`,
      `<code>${escapeHtml(link)}</code>`,
      `Signs in ${escapeHtml(person)} once; valid until ${escapeHtml(formatTime(expiresAt, workspace.timeZone))} ${escapeHtml(workspace.timeZone)}. Do not forward it.`,
    ].join('\n'),
  };
}

/** The web person a Telegram user becomes (field history says web:<name>): their name, kept to printable letters. */
function telegramPerson(ctx: Context): string {
  const from = ctx.from;
  const name = [from?.first_name, from?.last_name].filter(Boolean).join(' ').replace(/[^\p{L}\p{N} ._@'-]/gu, '').replace(/\s+/g, ' ').trim().slice(0, 64).trim();
  return name || `telegram ${from?.id ?? ctx.chat?.id ?? 'user'}`;
}

async function ticket(workspace: Workspace, reference: string): Promise<CommandAnswer> {
  if (!reference) return { plain: 'Which ticket? Send /ticket followed by its id or title, e.g. /ticket Unable to export data' };
  const id = await ticketId(workspace, reference);
  if (typeof id !== 'string') return id;
  const context = await loadTicketContext(workspace, ticketsObject, id);
  if (!context) return { plain: `No ticket ${reference}.` };
  return { html: renderTicketCard(context, { now: workspace.clock.now(), timeZone: workspace.timeZone, heading: 'TICKET' }) };
}

/** The ticket a reference names; a title shared by several tickets picks the one still open, or lists them. */
async function ticketId(workspace: Workspace, reference: string): Promise<string | CommandAnswer> {
  const definition = workspace.object(ticketsObject);
  try {
    return await resolveEntryId(workspace.db, definition, reference);
  } catch (error) {
    if (!(error instanceof ValidationError) || !/ matches \d+ /.test(error.message)) throw error;
  }
  const open = (await findEntries(workspace, ticketsObject, { filter: { field: 'Status', operator: 'is_none_of', value: ['Resolved', 'Closed'] } })).filter(
    (row) => String(row[definition.displayField] ?? '').toLowerCase() === reference.toLowerCase(),
  );
  if (open.length === 1) return String(open[0]!.id);
  const lines = open.map((row) => `/ticket ${String(row.id)} — ${String(row.Customer ?? '')} (${String(row.Status ?? '')})`);
  return { plain: open.length ? [`${open.length} open tickets are titled "${reference}":`, ...lines].join('\n') : `Several closed tickets are titled "${reference}" and none is open; send /ticket with an id.` };
}
