// The Claude brain: the tool-use loop on @anthropic-ai/sdk with an iteration cap, prompt caching of tools and the
// system prompt, retries with backoff on 429/529/5xx, and history per chat that survives failures.
import type Anthropic from '@anthropic-ai/sdk';
import type { AgentReply, AgentRequest, Brain } from './brain';
import type { ChatMessage, ConversationStore } from './conversation-store';
import { explainFailure, isRetryable, retryAfterMilliseconds } from './claude-errors';
import type { Toolbox } from './toolbox';
import type { ToolAttachment, ToolContext } from '../tools/tool';

type MessageParam = ChatMessage;
type ContentBlockParam = Anthropic.ContentBlockParam;

/** The default model: a current Sonnet. ESCALATOR_MODEL overrides it. */
export const defaultModel = 'claude-sonnet-5-5';

export interface SystemPrompt {
  /** Instructions that do not change between turns: cached. */
  stable: string;
  /** The live workspace (objects, jobs, now): rebuilt every turn. */
  live: string;
}

export interface ClaudeBrainOptions {
  /** A client built with maxRetries: 0 — this brain retries itself, on the injected clock. */
  client: Anthropic;
  model: string;
  toolbox: Toolbox;
  history: ConversationStore;
  systemPrompt: () => Promise<SystemPrompt>;
  /** Model calls per turn at most; the loop stops there and says so. Default 12. */
  maxIterations?: number;
  maxTokens?: number;
  /** History kept for the model, in characters of JSON (about 4 per token). Default 120,000. */
  historyBudgetChars?: number;
  /** Retries of a failed call (429/529/5xx/connection). Default 3. */
  retries?: number;
  /** Waits between retries; tests pass one that does not sleep. */
  sleep?: (milliseconds: number) => Promise<void>;
  now?: () => Date;
  log?: (line: string) => void;
}

const realSleep = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

export class ClaudeBrain implements Brain {
  readonly kind = 'claude' as const;
  private readonly maxIterations: number;
  private readonly retries: number;
  private readonly sleep: (milliseconds: number) => Promise<void>;
  private readonly now: () => Date;
  private turns = 0;

  constructor(private readonly options: ClaudeBrainOptions) {
    this.maxIterations = options.maxIterations ?? 12;
    this.retries = options.retries ?? 3;
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? (() => new Date());
  }

  async reply(request: AgentRequest): Promise<AgentReply> {
    const { history, toolbox } = this.options;
    const earlier = await history.load(request.chat, this.options.historyBudgetChars ?? 120_000);
    const turn: MessageParam[] = [{ role: 'user', content: request.text }];
    const attachments: ToolAttachment[] = [];
    // The turn number lets destructive tools tell a confirmation the person gave in a later message from one the
    // model (or text it read) made up in the same turn.
    const turnNumber = ++this.turns;
    const context: ToolContext = request.user === undefined ? { chat: request.chat, turn: turnNumber } : { chat: request.chat, user: request.user, turn: turnNumber };
    try {
      for (let iteration = 0; iteration < this.maxIterations; iteration++) {
        const response = await this.call([...earlier, ...turn]);
        turn.push({ role: 'assistant', content: response.content as ContentBlockParam[] });
        const toolUses = response.content.filter((block): block is Anthropic.ToolUseBlock => block.type === 'tool_use');
        if (response.stop_reason !== 'tool_use' || toolUses.length === 0) {
          return this.finish(request, turn, textOf(response.content) || closingText(response.stop_reason), attachments);
        }
        const results: Anthropic.ToolResultBlockParam[] = [];
        for (const use of toolUses) {
          const outcome = await toolbox.call(use.name, use.input, context);
          if (outcome.ok) {
            attachments.push(...outcome.attachments);
            results.push({ type: 'tool_result', tool_use_id: use.id, content: toolbox.resultText(use.name, outcome.result) });
          } else {
            results.push({ type: 'tool_result', tool_use_id: use.id, content: outcome.error, is_error: true });
          }
        }
        turn.push({ role: 'user', content: results });
      }
      const done = summarizeToolCalls(turn);
      return this.finish(
        request,
        turn,
        `I stopped after ${this.maxIterations} steps without finishing${done ? ` (done so far: ${done})` : ''}. Tell me how to continue, or ask for a smaller step.`,
        attachments,
      );
    } catch (error) {
      if (!(error instanceof ClaudeCallError)) throw error;
      const text = explainFailure(error.cause, this.options.model, error.attempts);
      // Keep what happened (tools may have changed data) and close the turn, so the next message starts cleanly.
      if (turn.length > 1) await this.finish(request, turn, `(This turn was cut short: ${text})`, attachments);
      return { text };
    }
  }

  /** Saves the turn (closing it with the reply when the model's last word was a tool call) and builds the reply. */
  private async finish(request: AgentRequest, turn: MessageParam[], text: string, attachments: ToolAttachment[]): Promise<AgentReply> {
    const last = turn[turn.length - 1]!;
    if (last.role === 'user') turn.push({ role: 'assistant', content: text });
    await this.options.history.append(request.chat, turn);
    return attachments.length ? { text, attachments } : { text };
  }

  /** One Messages API call, retried with exponential backoff (or the server's retry-after) on transient failures. */
  private async call(messages: MessageParam[]): Promise<Anthropic.Message> {
    const { client, model, toolbox } = this.options;
    const prompt = await this.options.systemPrompt();
    const tools = toolbox.definitions.map((tool, index, all) =>
      index === all.length - 1 ? { ...tool, cache_control: { type: 'ephemeral' as const } } : tool,
    );
    const body: Anthropic.MessageCreateParamsNonStreaming = {
      model,
      max_tokens: this.options.maxTokens ?? 4096,
      system: [
        { type: 'text', text: prompt.stable, cache_control: { type: 'ephemeral' } },
        { type: 'text', text: prompt.live },
      ],
      tools,
      messages: withCacheBreakpoint(messages),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.messages.create(body);
      } catch (error) {
        if (!isRetryable(error) || attempt > this.retries) {
          throw new ClaudeCallError(error, attempt);
        }
        const backoff = Math.min(30_000, 1000 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
        const wait = Math.min(60_000, retryAfterMilliseconds(error, this.now()) ?? backoff);
        this.options.log?.(`claude: ${explainFailure(error, model, attempt)} — retrying in ${Math.round(wait / 100) / 10} s`);
        await this.sleep(wait);
      }
    }
  }
}

/** A Messages API call that failed for good, after `attempts` tries. */
class ClaudeCallError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly attempts: number,
  ) {
    super('Claude call failed', { cause });
  }
}

/** Marks the last block of the last message for caching, so a tool loop re-reads its growing prefix from cache. */
function withCacheBreakpoint(messages: MessageParam[]): MessageParam[] {
  const copy = messages.slice();
  const last = copy[copy.length - 1];
  if (!last) return copy;
  const blocks: ContentBlockParam[] = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : last.content.slice();
  const final = blocks[blocks.length - 1];
  if (final && (final.type === 'text' || final.type === 'tool_result')) {
    blocks[blocks.length - 1] = { ...final, cache_control: { type: 'ephemeral' } };
    copy[copy.length - 1] = last.role === 'user' ? { role: 'user', content: blocks } : { role: 'assistant', content: blocks };
  }
  return copy;
}

function textOf(content: readonly Anthropic.ContentBlock[]): string {
  return content
    .filter((block): block is Anthropic.TextBlock => block.type === 'text')
    .map((block) => block.text)
    .join('\n')
    .trim();
}

function closingText(stopReason: Anthropic.StopReason | null): string {
  if (stopReason === 'refusal') return 'Claude declined to answer that request.';
  if (stopReason === 'max_tokens') return 'The answer was cut off at its length limit; ask for a shorter answer.';
  return '(no answer)';
}

/** "create_object, schedule_job ×2": the tools this turn called, for the cap message. */
function summarizeToolCalls(turn: MessageParam[]): string {
  const counts = new Map<string, number>();
  for (const message of turn) {
    if (message.role !== 'assistant' || typeof message.content === 'string') continue;
    for (const block of message.content) if (block.type === 'tool_use') counts.set(block.name, (counts.get(block.name) ?? 0) + 1);
  }
  return [...counts].map(([name, count]) => (count > 1 ? `${name} ×${count}` : name)).join(', ');
}
