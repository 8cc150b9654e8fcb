// escalator chat [--offline] [--as NAME]: the agent in the terminal with the jobs scheduler running in-process; alerts appear
// in the chat as they happen. Claude when ANTHROPIC_API_KEY is set (and not --offline), the offline brain otherwise.
import { buildAgent, type AgentSettings } from '../../agent/build-agent';
import { runTerminalChat } from '../../channels/terminal/terminal-chat';
import { terminalDeliverer } from '../../jobs/outbox';
import { jobNames } from '../../jobs/job-files';
import { startJobsRuntime, type JobsRuntime } from '../../jobs/runtime';
import { printable } from '../../objects/printable';
import type { Workspace } from '../../objects/workspace';
import { wantsHelpdeskWriteback, type Env } from '../env';
import { parseFlags, type Command } from '../command';
import { UsageError } from '../../objects/errors';
import { findField, quoteIdentifier, tableName } from '../../objects/object-schema';

const usage = 'escalator chat [--offline] [--as NAME] [--workspace DIR]';

/**
 * The person `--as` names, as the workspace spells them ("priya" → "Priya Patel" when one person starts so): recorded
 * as the author of the chat's changes (chat:terminal:local:<name>) and as who acknowledged an alert.
 */
export async function chatPerson(workspace: Workspace, given: string): Promise<string> {
  const wanted = given.trim().toLowerCase();
  const people = new Set(workspace.config.people.map((person) => person.name));
  const peopleObject = workspace.objects.get('people');
  if (peopleObject) {
    for (const row of await workspace.db.query<{ name: string | null }>(`SELECT ${quoteIdentifier(findField(peopleObject, peopleObject.displayField)!.column)} AS name FROM ${tableName(peopleObject.name)}`)) {
      if (row.name) people.add(row.name);
    }
  }
  const known = [...people];
  const exact = known.find((name) => name.toLowerCase() === wanted);
  if (exact) return exact;
  const starts = known.filter((name) => name.toLowerCase().startsWith(`${wanted} `));
  const team = starts.filter((name) => workspace.config.people.some((person) => person.name === name));
  if (starts.length === 1 || team.length === 1) return (starts.length === 1 ? starts[0] : team[0])!;
  if (starts.length > 1) throw new UsageError(`--as: "${given}" could be ${starts.slice(0, 5).join(' or ')}; give the full name`);
  if (known.length > 0) throw new UsageError(`--as: no person named "${given}" in this workspace (workspace.yaml people or the people object), e.g. ${known.slice(0, 3).join(', ')}`);
  // No people are kept here: a plain name is accepted (it becomes part of the changes' author, "chat:terminal:local:<name>").
  if (!/^[\p{L}\p{M}][\p{L}\p{M}' .-]{0,79}$/u.test(given.trim())) throw new UsageError('--as: a name is letters, spaces, apostrophes, dots or hyphens (at most 80)');
  return given.trim();
}

/** The agent settings the environment gives (only bin/ reads it). */
export function agentSettings(env: Env, options: { offline: boolean; log: (line: string) => void }): AgentSettings {
  return { apiKey: env.ANTHROPIC_API_KEY, baseURL: env.ANTHROPIC_BASE_URL, model: env.ESCALATOR_MODEL, offline: options.offline, log: options.log };
}

/**
 * Waits until the scheduler has picked up every job file (a job saved this turn is installed a moment later and
 * runs at once) and until runs and deliveries are done, so a turn's alerts print before the next turn.
 */
async function settleJobs(workspace: Workspace, runtime: JobsRuntime): Promise<void> {
  for (let round = 0; round < 2000; round++) {
    const installed = new Set(runtime.scheduler.status().map((job) => job.name));
    if (jobNames(workspace).every((name) => installed.has(name))) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  for (let round = 0; round < 3; round++) await new Promise((resolve) => setImmediate(resolve));
  await runtime.scheduler.idle();
  await runtime.outbox.idle();
}

export const chatCommand: Command = {
  name: 'chat',
  summary: 'talk to the agent in the terminal (Claude with ANTHROPIC_API_KEY, else offline); jobs run and alert here',
  usage,
  // While the chat is open it owns the workspace as serve does: other commands are routed to it; a second chat runs
  // inside it.
  owns: { nested: 'run' },
  async run(context) {
    const { values } = parseFlags(context.argv, { offline: { type: 'boolean' }, as: { type: 'string' } }, usage);
    const workspace = await context.openWorkspace();
    const user = values.as === undefined ? undefined : await chatPerson(workspace, values.as);
    // Log lines carry outside text (ticket titles, error messages): one printable line each.
    const log = (line: string) => context.io.stderr(printable(line, { max: 4000 }));
    const { agent, description } = buildAgent(workspace, agentSettings(context.env, { offline: values.offline === true, log }));
    let print = (text: string) => context.io.stdout(`
${text}`);
    // Inside a running serve or chat the jobs already run there (and alert through its channels): not a second time.
    const runtime = context.insideOwner
      ? undefined
      : await startJobsRuntime({
          workspace,
          clock: context.clock,
          deliverers: [terminalDeliverer((text) => print(printable(text, { keepLineBreaks: true, max: 20_000 })))],
          log: (line) => log(`[jobs] ${line}`),
        });
    if (runtime && context.env.TELEGRAM_BOT_TOKEN) {
      // Send-only (the bot answers chats under serve): messages for Telegram — "me" linked by workspace.yaml
      // terminal.telegram, people with a chat id — leave from the chat instead of waiting for serve.
      const { telegramDeliverer } = require('../../channels/telegram/deliverer') as typeof import('../../channels/telegram/deliverer.js');
      const apiRoot = context.env.TELEGRAM_API_ROOT?.replace(/\/+$/, '');
      runtime.outbox.register(telegramDeliverer({ token: context.env.TELEGRAM_BOT_TOKEN, ...(apiRoot ? { apiRoot } : {}) }));
    }
    if (runtime && wantsHelpdeskWriteback(context.env)) {
      // chat runs the outbox while it owns the workspace: it sends the help-desk write-back too.
      const { registerHelpdeskDeliverers } = require('../helpdesk-service') as typeof import('../helpdesk-service.js');
      registerHelpdeskDeliverers(runtime.outbox, workspace, context.env, (line) => log(`[jobs] ${line}`));
    }
    const where = context.insideOwner ? `, inside the running escalator (pid ${process.pid}) that runs its jobs` : '';
    const link = workspace.config.terminal?.telegram;
    const linked =
      link === undefined ? '' : `; "me" is Telegram chat ${link} (terminal.telegram)${runtime && !context.env.TELEGRAM_BOT_TOKEN ? ', sent once serve runs with TELEGRAM_BOT_TOKEN' : ''}`;
    context.io.stdout(`escalator chat on ${workspace.dir} (${workspace.timeZone})${where} — brain: ${description}${user ? `; you are ${user}` : ''}${linked}. Type "help"; Ctrl-D ends.`);
    try {
      const chat: Parameters<typeof runTerminalChat>[0] = {
        agent,
        chat: { channel: 'terminal', id: 'local' },
        input: context.io.stdin,
        write: (text) => context.io.stdout(text),
        interactive: context.io.interactive,
        historyFile: workspace.path('.chat-history'),
        onPrinter: (printer) => {
          print = printer;
        },
      };
      if (user) chat.user = user;
      if (runtime) chat.settle = () => settleJobs(workspace, runtime);
      await runTerminalChat(chat);
    } finally {
      await runtime?.stop();
    }
  },
};
