// What every offline intent works with: the workspace, the tools (the same ones Claude calls), who is asking, and
// what an intent answers — a reply, a question awaiting an answer, or a proposal awaiting "yes".
import type { Workspace } from '../../objects/workspace';
import type { ToolContext } from '../../tools/tool';
import type { AgentReply } from '../brain';
import type { ToolOutcome, Toolbox } from '../toolbox';
import { EscalatorError } from '../../objects/errors';
import type { JobData } from './job-instruction';

/** What the conversation was just about, so follow-ups ("add a field to it", "make it hourly") apply to it. */
export interface ChatMemory {
  lastObject?: string;
  /** The job saved last in this chat. */
  lastJob?: string;
  /** The job said back and waiting for "yes". */
  pendingJob?: JobData;
}

export interface Turn {
  workspace: Workspace;
  toolbox: Toolbox;
  context: ToolContext;
  memory: ChatMemory;
}

export type IntentResult =
  | { kind: 'reply'; reply: AgentReply }
  /** A needed part is missing: ask, and build the full request from the answer. */
  | { kind: 'ask'; question: string; resume: (answer: string) => string }
  /** Said back before saving: "yes" runs `confirm`. */
  | { kind: 'confirm'; text: string; confirm: () => Promise<AgentReply | IntentResult>; what: string };

export function reply(text: string, attachments?: AgentReply['attachments']): IntentResult {
  return { kind: 'reply', reply: attachments?.length ? { text, attachments } : { text } };
}

/** Calls a tool and returns its result, or throws its error as one line for the person. */
export async function callTool(turn: Turn, name: string, input: unknown): Promise<Record<string, unknown> & { attachments?: unknown }> {
  const outcome: ToolOutcome = await turn.toolbox.call(name, input, turn.context);
  if (!outcome.ok) throw new EscalatorError(outcome.error);
  return outcome.attachments.length ? { ...outcome.result, attachments: outcome.attachments } : outcome.result;
}

/**
 * A write said back before it happens (the reader is liberal, so nothing is written on a guess): "yes" runs `run`
 * and answers with its reply.
 */
export function sayBack(what: string, text: string, run: () => Promise<IntentResult>): IntentResult {
  return {
    kind: 'confirm',
    what,
    text: `${text}\nReply "yes" to save it, or tell me what to change.`,
    confirm: run,
  };
}
