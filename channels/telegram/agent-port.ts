// What the Telegram channel needs from the agent (agent/brain.ts's Agent has this shape): one turn in, one reply out.

export interface TelegramAgentRequest {
  chat: { channel: 'telegram'; id: string };
  /** Who wrote, for the audit trail. */
  user?: string;
  text: string;
}

export interface TelegramAgentReply {
  /** Plain text: the channel escapes it. */
  text: string;
  /** PNG files (charts) to send as photos. */
  attachments?: { kind: 'image'; path: string; caption?: string }[];
}

export interface TelegramAgent {
  handle(request: TelegramAgentRequest): Promise<TelegramAgentReply>;
}
