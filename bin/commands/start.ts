// escalator start (npm start): the main job for a newcomer — creates ./workspace with demo data on first use,
// then opens the chat (or, without one, shows the board).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadDemo } from '../../objects/demo';
import { Workspace } from '../../objects/workspace';
import { createFirstUseTables } from '../first-use-tables';
import type { Command } from '../command';
import { commands } from './index';
import { boardCommand } from './board';

export const startCommand: Command = {
  name: 'start',
  summary: 'first run: create ./workspace with demo data if missing, then open the chat',
  usage: 'escalator start [--offline] [--as NAME]',
  // It opens the chat, which owns the workspace while it is open.
  owns: { nested: 'run' },
  async run(context) {
    if (!existsSync(join(context.workspaceDir, 'workspace.yaml'))) {
      context.io.stdout(`creating a demo workspace in ${context.workspaceDir} …`);
      const workspace = await Workspace.init(context.workspaceDir, {
        clock: context.clock,
        name: 'Demo support team',
        populate: async (staged) => {
          await createFirstUseTables(staged);
          await loadDemo(staged);
        },
      });
      await workspace.close();
    }
    const chat = commands.find((command) => command.name === 'chat');
    if (chat) return chat.load().run(context);
    return boardCommand.run({ ...context, argv: [] });
  },
};
