// Test helper: a demo workspace with the offline brain behind an Agent, and `say` to talk to it as one chat.
import { rmSync } from 'node:fs';
import { createAgent } from '../agent/agent';
import type { AgentReply, ChatRef } from '../agent/brain';
import { OfflineBrain } from '../agent/offline-brain';
import { Toolbox } from '../agent/toolbox';
import { loadDemo } from '../objects/demo';
import { Workspace } from '../objects/workspace';
import { createTools } from '../tools';
import { createTestWorkspace, type TestWorkspace } from './helpers';

export interface OfflineChat {
  test: TestWorkspace;
  workspace: Workspace;
  say(text: string, chat?: ChatRef): Promise<AgentReply>;
  /** Says `text` and, when the reply says a write back and waits for "yes", answers yes (returns the last reply). */
  write(text: string): Promise<AgentReply>;
  cleanup(): Promise<void>;
}

/** A demo workspace (optionally without some built-in objects) and the offline agent on it. */
export async function offlineChat(options: { demo?: boolean; without?: string[] } = {}): Promise<OfflineChat> {
  const test = await createTestWorkspace(options.demo === false ? {} : { populate: async (workspace) => void (await loadDemo(workspace)) });
  let workspace = test.workspace;
  if (options.without?.length) {
    await workspace.close();
    for (const name of options.without) rmSync(workspace.objectFile(name));
    workspace = await Workspace.open(test.dir, { clock: test.clock });
  }
  const agent = createAgent(new OfflineBrain({ workspace, toolbox: new Toolbox(createTools({ workspace })) }));
  const chat: ChatRef = { channel: 'terminal', id: 'local' };
  return {
    test,
    workspace,
    say: (text, on = chat) => agent.handle({ chat: on, text }),
    async write(text) {
      const reply = await agent.handle({ chat, text });
      return /Reply "yes"/.test(reply.text) ? agent.handle({ chat, text: 'yes' }) : reply;
    },
    async cleanup() {
      if (workspace !== test.workspace) await workspace.close();
      await test.cleanup();
    },
  };
}
