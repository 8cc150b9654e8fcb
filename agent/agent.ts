// The Agent channels call: one turn at a time per chat, and a failure becomes a plain reply instead of a throw.
import { errorMessage, EscalatorError } from '../objects/errors';
import type { Agent, AgentReply, AgentRequest, Brain } from './brain';

export interface AgentOptions {
  /** Where unexpected errors are logged with their stack (the terminal's stderr, the server log). */
  log?: (line: string) => void;
}

/** Wraps a brain: turns of one chat run in order (a second message waits for the first reply). */
export function createAgent(brain: Brain, options: AgentOptions = {}): Agent {
  const queues = new Map<string, Promise<unknown>>();
  return {
    brain: brain.kind,
    handle(request: AgentRequest): Promise<AgentReply> {
      const key = `${request.chat.channel}:${request.chat.id}`;
      const previous = queues.get(key) ?? Promise.resolve();
      const turn = previous.then(() => safely(brain, request, options));
      const tail = turn.catch(() => undefined);
      queues.set(key, tail);
      void tail.then(() => {
        if (queues.get(key) === tail) queues.delete(key);
      });
      return turn;
    },
  };
}

async function safely(brain: Brain, request: AgentRequest, options: AgentOptions): Promise<AgentReply> {
  const text = request.text.trim();
  if (text === '') return { text: 'Say what you need: for example "show the board" or "help".' };
  try {
    return await brain.reply({ ...request, text });
  } catch (error) {
    if (error instanceof EscalatorError) return { text: errorMessage(error) };
    options.log?.(`agent: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return { text: `Something went wrong on my side (${errorMessage(error)}); nothing more was changed. Try again, or rephrase.` };
  }
}
