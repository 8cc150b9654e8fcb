// send_message: a message to a person, a role or the person chatting, through the outbox (retried, never twice).
import { z } from 'zod';
import { enqueueMessage } from '../jobs/outbox';
import { addressOfCreator, addressOfPerson, knownPerson, resolveRecipients, type Address } from '../jobs/recipients';
import { terminalCreatorWarning, terminalOnlyWarning } from './recipient-preview';
import { EscalatorError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { creatorOf } from './schedule-job';
import { defineTool } from './tool';

export function sendMessageTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'send_message',
    description:
      'Send a message now to "me" (this chat; from the terminal, the Telegram chat workspace.yaml terminal.telegram links, when set), a role ("role:support_lead") or a person ("person:Priya Patel" or the name). Use when asked to tell or alert someone; alerts from rules are sent by jobs. Tell the person any warnings (someone reachable only in the terminal).',
    inputSchema: z.object({
      to: z.array(z.string()).min(1).describe('Recipients: "me", "role:<name>", "person:<name>" or a person\'s full name'),
      text: z.string().min(1).max(3500).describe('The message, plain text'),
    }),
    async run(input, context) {
      const { workspace } = deps;
      const addresses: Address[] = [];
      for (const spec of input.to) {
        if (spec === 'me') addresses.push(addressOfCreator(workspace, creatorOf(context)));
        else if (spec.startsWith('role:')) {
          const role = spec.slice(5).trim();
          if (!workspace.config.roles[role]) throw new EscalatorError(`role "${role}" is not in workspace.yaml (roles: ${Object.keys(workspace.config.roles).join(', ') || 'none'})`);
          addresses.push(...(await resolveRecipients(workspace, [spec], {})));
        } else addresses.push(await addressOfPerson(workspace, await knownPerson(workspace, spec.replace(/^person:/, ''))));
      }
      const creator = addressOfCreator(workspace, creatorOf(context));
      const isCreator = (address: Address) => address.channel === creator.channel && address.recipient === creator.recipient;
      const warnings = addresses.filter((address) => address.channel === 'terminal' && !isCreator(address)).map((address) => terminalOnlyWarning(address));
      if (addresses.some((address) => address.channel === 'terminal' && isCreator(address))) warnings.push(terminalCreatorWarning);
      const queued = [];
      for (const address of addresses) {
        const id = await enqueueMessage(workspace, { to: address, text: input.text, payload: { kind: 'message' } });
        queued.push({ id, channel: address.channel, to: address.name ?? address.recipient });
      }
      return { queued, ...(warnings.length ? { warnings } : {}) };
    },
  });
}
