// escalator chat [--offline]: the agent in the terminal with the jobs scheduler running in-process; alerts appear
// in the chat as they happen. Claude when ANTHROPIC_API_KEY is set (and not --offline), the offline brain otherwise.
import Anthropic from '@anthropic-ai/sdk';
import { createAgent } from '../../agent/agent';
import type { Brain } from '../../agent/brain';
import { ClaudeBrain, defaultModel } from '../../agent/claude-brain';
import { ConversationStore } from '../../agent/conversation-store';
import { OfflineBrain } from '../../agent/offline-brain';
import { Toolbox } from '../../agent/toolbox';
import { runTerminalChat } from '../../channels/terminal/terminal-chat';
import { terminalDeliverer } from '../../jobs/outbox';
import { jobNames } from '../../jobs/job-files';
import { startJobsRuntime, type JobsRuntime } from '../../jobs/runtime';
import { buildSystemPrompt } from '../../prompts/system-prompt';
import { createTools } from '../../tools';
import type { Workspace } from '../../objects/workspace';
import type { Env } from '../env';
import { parseFlags, type Command } from '../command';

const usage = 'escalator chat [--offline] [--workspace DIR]';

/** The brain the environment asks for: Claude with an API key (unless offline), the offline parser otherwise. */
export function chooseBrain(workspace: Workspace, env: Env, options: { offline: boolean; log: (line: string) => void }): Brain {
  const toolbox = new Toolbox(createTools({ workspace }), options.log);
  if (options.offline || !env.ANTHROPIC_API_KEY) return new OfflineBrain({ workspace, toolbox });
  const client = new Anthropic({ apiKey: env.ANTHROPIC_API_KEY, maxRetries: 0, ...(env.ANTHROPIC_BASE_URL ? { baseURL: env.ANTHROPIC_BASE_URL } : {}) });
  return new ClaudeBrain({
    client,
    model: env.ESCALATOR_MODEL ?? defaultModel,
    toolbox,
    history: new ConversationStore(workspace.db, () => workspace.clock.now()),
    systemPrompt: () => buildSystemPrompt(workspace),
    log: options.log,
  });
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
  async run(context) {
    const { values } = parseFlags(context.argv, { offline: { type: 'boolean' } }, usage);
    const workspace = await context.openWorkspace();
    const log = (line: string) => context.io.stderr(line);
    const brain = chooseBrain(workspace, context.env, { offline: values.offline === true, log });
    const agent = createAgent(brain, { log });
    const runtime = await startJobsRuntime({
      workspace,
      clock: context.clock,
      deliverers: [terminalDeliverer((text) => context.io.stdout(`\n${text}`))],
      log: (line) => context.io.stderr(`[jobs] ${line}`),
    });
    const how = brain.kind === 'claude' ? `Claude (${context.env.ESCALATOR_MODEL ?? defaultModel})` : `offline${values.offline ? '' : ' (no ANTHROPIC_API_KEY)'}`;
    context.io.stdout(`escalator chat on ${workspace.dir} (${workspace.timeZone}) — brain: ${how}. Type "help"; Ctrl-D ends.`);
    try {
      await runTerminalChat({
        agent,
        chat: { channel: 'terminal', id: 'local' },
        input: context.io.stdin,
        write: (text) => context.io.stdout(text),
        interactive: context.io.interactive,
        settle: () => settleJobs(workspace, runtime),
        historyFile: workspace.path('.chat-history'),
      });
    } finally {
      await runtime.stop();
    }
  },
};
