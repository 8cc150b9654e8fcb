// Every command of the escalator command line, in the order `escalator help` lists them.
import type { Command } from '../command';
import { actionCommand } from './action';
import { boardCommand } from './board';
import { chatCommand } from './chat';
import { entriesCommand } from './entries';
import { importCommand } from './import';
import { initCommand } from './init';
import { jobsCommand } from './jobs';
import { objectsCommand } from './objects';
import { outboxCommand } from './outbox';
import { pairCommand } from './pair';
import { serveServices } from '../services';
import { telegramServeService } from '../telegram-serve';
import { webhookService } from '../webhook-service';
import { queryCommand } from './query';
import { serveCommand } from './serve';
import { slaCommand } from './sla';
import { startCommand } from './start';
import { webCommand } from './web';

export const commands: Command[] = [initCommand, startCommand, queryCommand, objectsCommand, entriesCommand, boardCommand];
// Jobs, SLA, outbox, action fields, and serve (which other services plug into through bin/services.ts).
commands.push(jobsCommand, slaCommand, outboxCommand, actionCommand, serveCommand);
// The agent in the terminal (`escalator start` opens it).
commands.push(chatCommand);
// Who may talk to the Telegram bot; the bot itself runs inside serve when TELEGRAM_BOT_TOKEN is set.
commands.push(pairCommand);
serveServices.push(telegramServeService);
// Ticket ingestion: the webhook server inside serve (--port), and the CSV backfill.
serveServices.push(webhookService);
commands.push(importCommand);
// The web board's sign-in links (the board itself is served by serve --port).
commands.push(webCommand);
