// The one interface both brains (Claude, offline) implement, and the Agent that channels (terminal, Telegram) call.

/** Where a message came from: the channel and its chat id (Telegram's numeric id as text; "local" in the terminal). */
export interface ChatRef {
  channel: 'terminal' | 'telegram';
  id: string;
}

/** One message from a person to the agent. */
export interface AgentRequest {
  chat: ChatRef;
  /** Who wrote it, for the audit trail ("Priya", a Telegram username); optional. */
  user?: string;
  text: string;
}

/** A picture the reply carries: a PNG under <workspace>/exports/. */
export interface ImageAttachment {
  kind: 'image';
  path: string;
  caption?: string;
}

/**
 * The agent's answer. `text` is plain text (no markup): a channel escapes it for its own format — Telegram's HTML
 * mode needs &, < and > escaped. Attachments are files the channel sends (Telegram: sendPhoto; terminal: the path).
 */
export interface AgentReply {
  text: string;
  attachments?: ImageAttachment[];
}

/** A brain turns one message into one reply; it keeps whatever conversation state it needs per chat. */
export interface Brain {
  readonly kind: 'claude' | 'offline';
  reply(request: AgentRequest): Promise<AgentReply>;
}

/** What channels call. `handle` never throws: a failure becomes a reply that says what went wrong. */
export interface Agent {
  readonly brain: Brain['kind'];
  handle(request: AgentRequest): Promise<AgentReply>;
}
