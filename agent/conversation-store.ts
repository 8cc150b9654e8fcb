// Conversation history per chat in DuckDB, read back trimmed to a budget so a long chat never overflows the model.
import type Anthropic from '@anthropic-ai/sdk';
import type { Database } from '../objects/database';
import type { ChatRef } from './brain';

/** A turn of the conversation: the person's (and tool results) or the model's. */
export type ChatMessage = Anthropic.UserMessageParam | Anthropic.AssistantMessageParam;
type MessageParam = ChatMessage;

const ready = new WeakSet<Database>();

async function ensureTable(db: Database): Promise<void> {
  if (ready.has(db)) return;
  await db.run(`CREATE TABLE IF NOT EXISTS agent_messages (
    chat VARCHAR NOT NULL,
    seq BIGINT NOT NULL,
    role VARCHAR NOT NULL,
    content VARCHAR NOT NULL,
    chars INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (chat, seq)
  )`);
  ready.add(db);
}

export function chatKey(chat: ChatRef): string {
  return `${chat.channel}:${chat.id}`;
}

/** Stores messages per chat; `load` returns the latest that fit `budgetChars`, starting at a plain user message. */
export class ConversationStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => Date,
  ) {}

  async load(chat: ChatRef, budgetChars: number): Promise<MessageParam[]> {
    await ensureTable(this.db);
    const rows = await this.db.query<{ role: string; content: string; chars: number }>(
      `SELECT role, content, chars FROM agent_messages WHERE chat = $1 ORDER BY seq DESC LIMIT 400`,
      [chatKey(chat)],
    );
    const kept: MessageParam[] = [];
    let used = 0;
    for (const row of rows) {
      if (used + row.chars > budgetChars) break;
      used += row.chars;
      kept.unshift({ role: row.role === 'assistant' ? 'assistant' : 'user', content: JSON.parse(row.content) as Anthropic.MessageContentParam });
    }
    // The model needs the history to open with the person's words, not with a tool result or a reply.
    while (kept.length > 0 && !isPlainUserMessage(kept[0]!)) kept.shift();
    return kept;
  }

  /** Appends messages to the chat's history in one transaction. */
  async append(chat: ChatRef, messages: readonly MessageParam[]): Promise<void> {
    if (messages.length === 0) return;
    await ensureTable(this.db);
    const key = chatKey(chat);
    await this.db.transaction(async (sql) => {
      const [last] = await sql.query<{ seq: number | null }>(`SELECT max(seq) AS seq FROM agent_messages WHERE chat = $1`, [key]);
      let seq = Number(last?.seq ?? 0);
      for (const message of messages) {
        const content = JSON.stringify(message.content);
        await sql.run(`INSERT INTO agent_messages VALUES ($1, $2, $3, $4, $5, $6::TIMESTAMPTZ)`, [key, ++seq, message.role, content, content.length, this.now()]);
      }
    });
  }

  /** Forgets a chat's history ("/reset"). */
  async clear(chat: ChatRef): Promise<void> {
    await ensureTable(this.db);
    await this.db.run(`DELETE FROM agent_messages WHERE chat = $1`, [chatKey(chat)]);
  }
}

function isPlainUserMessage(message: MessageParam): boolean {
  if (message.role !== 'user') return false;
  if (typeof message.content === 'string') return true;
  return message.content.every((block) => block.type !== 'tool_result');
}
