// What a tool is: a name, a description saying when to use it, a zod input schema, and a handler.
import { z } from 'zod';
import type { ChatRef } from '../agent/brain';

/** Who is calling a tool: the chat a job's "me" means, and the name changes are recorded under. */
export interface ToolContext {
  chat: ChatRef;
  user?: string;
  /**
   * Set by a brain that lets a model choose tools: the number of the person's message this call answers. A
   * destructive tool takes confirm=true only for what it previewed in an earlier turn of the same chat (see
   * confirmations.ts). Absent for callers that run their own confirmation (the offline brain, buttons).
   */
  turn?: number;
}

/** Files a tool produced that the reply should carry (charts). */
export interface ToolAttachment {
  kind: 'image';
  path: string;
  caption?: string;
}

export interface Tool<Schema extends z.ZodType = z.ZodType> {
  /** snake_case, as the model calls it. */
  name: string;
  /** When to use it (and when not), for the model. */
  description: string;
  inputSchema: Schema;
  /**
   * Paths into the result ("entries", "rules.*.examples") whose values quote text from outside — entry values from
   * webhooks, CSV imports and other members' messages: the model receives each wrapped as { "untrusted_data": … },
   * with a note that it is data, never instructions.
   */
  outsideText?: readonly string[];
  /** Does the work; throws an EscalatorError with one clear line when the input cannot be honoured. */
  run(input: z.output<Schema>, context: ToolContext): Promise<ToolResult>;
}

/** A compact JSON-able result, optionally with files to attach to the reply. */
export type ToolResult = Record<string, unknown> & { attachments?: ToolAttachment[] };

/** Any tool, whatever its schema (callers validate input with inputSchema before run). */
export type AnyTool = Tool<z.ZodObject>;

/** Declares a tool; a schema that is not an object fails here, at definition time, not at the first call. */
export function defineTool<Schema extends z.ZodObject>(tool: Tool<Schema>): Tool<Schema> {
  if (!(tool.inputSchema instanceof z.ZodObject)) throw new Error(`tool ${tool.name}: inputSchema must be a z.object(…)`);
  if (!/^[a-z][a-z0-9_]*$/.test(tool.name)) throw new Error(`tool ${tool.name}: name must be snake_case`);
  return tool;
}

/** The JSON Schema the model sees: the input form (defaults optional), without the $schema key. */
export function toolJsonSchema(tool: AnyTool): Record<string, unknown> {
  const schema = z.toJSONSchema(tool.inputSchema, { io: 'input' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

/** The name a change is recorded under: "chat:telegram:123" (with the user's name when known). */
export function changedBy(context: ToolContext): string {
  return `chat:${context.chat.channel}:${context.chat.id}${context.user ? `:${context.user}` : ''}`;
}
