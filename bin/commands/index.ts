// Every command of the escalator command line, in the order `escalator help` lists them. A command's module (and
// what it pulls in: DuckDB, the Anthropic SDK, grammY, hono, chrono-node …) loads only when that command runs, so
// `escalator --help` or `escalator objects list` pays for nothing else. The summary here is the command's own
// (a test checks they agree). CommonJS `require` loads them lazily and synchronously.
import type { Command } from '../command';
import { serveServices } from '../services';

/** A command as the dispatcher knows it before loading it. */
export interface CommandEntry {
  name: string;
  /** One line for `escalator help` (the same as the command's own summary). */
  summary: string;
  load(): Command;
}

let servicesRegistered = false;

/** serve's services (the Telegram bot, the webhook server), registered once, when serve is loaded. */
function loadServe(): Command {
  const { serveCommand } = require('./serve') as typeof import('./serve.js');
  const { telegramServeService } = require('../telegram-serve') as typeof import('../telegram-serve.js');
  const { webhookService } = require('../webhook-service') as typeof import('../webhook-service.js');
  const { helpdeskService } = require('../helpdesk-service') as typeof import('../helpdesk-service.js');
  if (!servicesRegistered) {
    servicesRegistered = true;
    // The bot runs inside serve when TELEGRAM_BOT_TOKEN is set; the webhook server with --port.
    serveServices.push(telegramServeService, webhookService, helpdeskService);
  }
  return serveCommand;
}

export const commands: CommandEntry[] = [
  { name: 'init', summary: 'create a workspace with company, people and support_tickets (--demo adds sample accounts and tickets)', load: () => (require('./init') as typeof import('./init.js')).initCommand },
  { name: 'start', summary: 'first run: create ./workspace with demo data if missing, then open the chat', load: () => (require('./start') as typeof import('./start.js')).startCommand },
  { name: 'query', summary: 'read-only SQL over the workspace (v_<object> views have display-named columns)', load: () => (require('./query') as typeof import('./query.js')).queryCommand },
  { name: 'objects', summary: 'list object definitions, or show one with its fields and views', load: () => (require('./objects') as typeof import('./objects.js')).objectsCommand },
  { name: 'entries', summary: 'list, show, create and update entries of an object; write an entry document', load: () => (require('./entries') as typeof import('./entries.js')).entriesCommand },
  { name: 'docs', summary: 'workspace documents (docs/<name>.md) such as the escalation policy: list, show, write', load: () => (require('./docs') as typeof import('./docs.js')).docsCommand },
  { name: 'board', summary: 'the kanban board in text (Escalated cards sorted by account tier, then priority)', load: () => (require('./board') as typeof import('./board.js')).boardCommand },
  // Jobs, SLA, outbox, action fields, and serve (which other services plug into through bin/services.ts).
  { name: 'jobs', summary: 'monitoring jobs: list, show, run now (--dry-run), enable, disable', load: () => (require('./jobs') as typeof import('./jobs.js')).jobsCommand },
  { name: 'mute', summary: 'keep jobs off an entry, or a company and its tickets, until a time or for a while; mute list', load: () => (require('./mute') as typeof import('./mute.js')).muteCommand },
  { name: 'unmute', summary: 'lift a mute now: the jobs evaluate the entry (or the company\'s tickets) at once', load: () => (require('./mute') as typeof import('./mute.js')).unmuteCommand },
  { name: 'sla', summary: 'SLA state of open tickets: first response and resolution, within / at risk / breached', load: () => (require('./sla') as typeof import('./sla.js')).slaCommand },
  { name: 'outbox', summary: 'outgoing messages (alerts) and their delivery state: pending, sending, sent, failed, covered (by a digest)', load: () => (require('./outbox') as typeof import('./outbox.js')).outboxCommand },
  { name: 'action', summary: "run an entry's action field (a script under actions/) and show its status line", load: () => (require('./action') as typeof import('./action.js')).actionCommand },
  { name: 'serve', summary: 'run the jobs (scheduler and outbox) and the configured services until stopped', load: loadServe },
  // The agent in the terminal (`escalator start` opens it).
  { name: 'chat', summary: 'talk to the agent in the terminal (Claude with ANTHROPIC_API_KEY, else offline); jobs run and alert here', load: () => (require('./chat') as typeof import('./chat.js')).chatCommand },
  // Who may talk to the Telegram bot; the bot itself runs inside serve when TELEGRAM_BOT_TOKEN is set.
  { name: 'pair', summary: 'Telegram chats waiting for approval; approve a pairing code, revoke a chat', load: () => (require('./pair') as typeof import('./pair.js')).pairCommand },
  // The CSV backfill of tickets, and a DenchClaw workspace brought over.
  { name: 'import', summary: 'backfill support tickets from a CSV file, or bring a DenchClaw workspace over, with progress and a summary', load: () => (require('./import') as typeof import('./import.js')).importCommand },
  // The web board's sign-in links (the board itself is served by serve --port).
  { name: 'web', summary: 'a one-time sign-in link to the web board (10 minutes); "web revoke" signs everyone out', load: () => (require('./web') as typeof import('./web.js')).webCommand },
];
