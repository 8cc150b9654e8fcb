// The tools a brain may call: their JSON schemas (computed once) and one call path that validates input and turns
// every failure into an error message instead of a throw.
import { z } from 'zod';
import { errorMessage, EscalatorError } from '../objects/errors';
import { resultForModel } from '../tools/results';
import { type AnyTool, type ToolAttachment, type ToolContext, type ToolResult, toolJsonSchema } from '../tools/tool';

export interface ToolDefinitionForModel {
  name: string;
  description: string;
  input_schema: { type: 'object'; [key: string]: unknown };
}

export type ToolOutcome =
  | { ok: true; result: ToolResult; attachments: ToolAttachment[] }
  | { ok: false; error: string };

export class Toolbox {
  private readonly byName = new Map<string, AnyTool>();
  readonly definitions: ToolDefinitionForModel[];

  constructor(
    tools: readonly AnyTool[],
    private readonly log?: (line: string) => void,
  ) {
    for (const tool of tools) {
      if (this.byName.has(tool.name)) throw new Error(`two tools are named ${tool.name}`);
      this.byName.set(tool.name, tool);
    }
    this.definitions = tools.map((tool) => ({
      name: tool.name,
      description: tool.description,
      input_schema: toolJsonSchema(tool) as ToolDefinitionForModel['input_schema'],
    }));
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The JSON text of a tool's result for the model, its quotes of outside text marked as untrusted data. */
  resultText(name: string, result: ToolResult): string {
    return resultForModel(result, this.byName.get(name)?.outsideText);
  }

  /** Validates `input` against the tool's schema and runs it. Never throws. */
  async call(name: string, input: unknown, context: ToolContext): Promise<ToolOutcome> {
    const tool = this.byName.get(name);
    if (!tool) return { ok: false, error: `there is no tool "${name}"; tools: ${[...this.byName.keys()].join(', ')}` };
    const parsed = tool.inputSchema.safeParse(input);
    if (!parsed.success) return { ok: false, error: `invalid input for ${name}: ${z.prettifyError(parsed.error).replace(/\n+/g, '; ')}` };
    try {
      const { attachments = [], ...result } = await tool.run(parsed.data, context);
      return { ok: true, result: attachments.length ? { ...result, attached: attachments.map((file) => file.path) } : result, attachments };
    } catch (error) {
      if (!(error instanceof EscalatorError)) this.log?.(`tool ${name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return { ok: false, error: errorMessage(error) };
    }
  }
}
