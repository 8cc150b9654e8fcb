// Builds the Agent for a workspace: Claude when an API key is given (and not offline), the offline brain otherwise,
// both over the same tools. bin/ passes the settings it read from the environment.
import Anthropic from '@anthropic-ai/sdk';
import type { Workspace } from '../objects/workspace';
import { buildSystemPrompt } from '../prompts/system-prompt';
import { createTools } from '../tools';
import { createAgent } from './agent';
import type { Agent } from './brain';
import { ClaudeBrain, defaultModel } from './claude-brain';
import { ConversationStore } from './conversation-store';
import { OfflineBrain } from './offline-brain';
import { Toolbox } from './toolbox';

export interface AgentSettings {
  /** ANTHROPIC_API_KEY; without it the offline brain answers. */
  apiKey?: string | undefined;
  /** ANTHROPIC_BASE_URL. */
  baseURL?: string | undefined;
  /** ESCALATOR_MODEL; default a current Sonnet. */
  model?: string | undefined;
  /** --offline: the offline brain even with a key. */
  offline?: boolean;
  log?: (line: string) => void;
}

/** The agent channels talk to, and which brain answers ("claude (model)" or "offline"). */
export function buildAgent(workspace: Workspace, settings: AgentSettings = {}): { agent: Agent; description: string } {
  const log = settings.log ?? (() => undefined);
  const toolbox = new Toolbox(createTools({ workspace }), log);
  if (settings.offline || !settings.apiKey) {
    return { agent: createAgent(new OfflineBrain({ workspace, toolbox }), { log }), description: `offline${settings.offline ? '' : ' (no ANTHROPIC_API_KEY)'}` };
  }
  const model = settings.model ?? defaultModel;
  const client = new Anthropic({ apiKey: settings.apiKey, maxRetries: 0, ...(settings.baseURL ? { baseURL: settings.baseURL } : {}) });
  const brain = new ClaudeBrain({
    client,
    model,
    toolbox,
    history: new ConversationStore(workspace.db, () => workspace.clock.now()),
    systemPrompt: () => buildSystemPrompt(workspace),
    log,
  });
  return { agent: createAgent(brain, { log }), description: `Claude (${model})` };
}
