// How a command reaches the process that owns a workspace (serve, chat): a Unix socket in the workspace (or in a
// private folder, see `owner-socket-path.ts`), carrying newline-delimited JSON frames — the owner's token, the
// command line and stdin in; stdout, stderr and the exit code out.
import { z } from 'zod';

export { ownerSocketPath } from './owner-socket-path';

/**
 * The caller's variables a routed command takes with it; everything else — above all the API keys, bot tokens and
 * webhook secrets — comes from the owner's own environment and never travels over the socket.
 */
export const routedVariableNames: readonly string[] = ['ESCALATOR_WORKSPACE', 'ESCALATOR_NOW', 'ESCALATOR_MODEL', 'ESCALATOR_DEBUG', 'TZ', 'NO_COLOR'];

/** Names that hold secrets by convention; never routed, whatever the list above says. */
const secretName = /(KEY|TOKEN|SECRET|PASSWORD|CREDENTIALS?)$/i;

/** The allow-listed variables of the caller's environment, for the run frame. */
export function callerVariables(source: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of routedVariableNames) {
    const value = source[name];
    if (value !== undefined && !secretName.test(name)) picked[name] = value;
  }
  return picked;
}

/**
 * The environment a routed command runs with: the owner's own, with the allow-listed variables taken from the
 * caller (set or unset as the caller had them). Anything else the caller sent is ignored.
 */
export function routedEnvironment(ownerEnvironment: NodeJS.ProcessEnv, callerEnvironment: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...ownerEnvironment };
  for (const name of routedVariableNames) delete environment[name];
  return { ...environment, ...callerVariables(callerEnvironment) };
}

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run'),
    /** The owner's token, read from its 0600 file: proves the caller is the owner's user. */
    token: z.string().max(200),
    argv: z.array(z.string()),
    cwd: z.string(),
    /** The caller's allow-listed variables (`routedVariableNames`); never secrets. */
    env: z.record(z.string(), z.string()),
    interactive: z.boolean(),
  }),
  z.object({ type: z.literal('stdin'), data: z.string().describe('base64') }),
  z.object({ type: z.literal('stdin-end') }),
]);

export const ownerFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), pid: z.number(), command: z.string() }),
  z.object({ type: z.literal('stdout'), text: z.string() }),
  z.object({ type: z.literal('stderr'), text: z.string() }),
  z.object({ type: z.literal('exit'), code: z.number().int() }),
]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type OwnerFrame = z.infer<typeof ownerFrameSchema>;
export type RunRequest = Extract<ClientFrame, { type: 'run' }>;

/** Splits a byte stream into lines and hands each parsed frame on; a line that does not parse ends the stream. */
export function frameReader<T>(schema: z.ZodType<T>, onFrame: (frame: T) => void, onBadFrame: (problem: string) => void): (chunk: Buffer) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk.toString('utf8');
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (!line.trim()) continue;
      let parsed: z.ZodSafeParseResult<T>;
      try {
        parsed = schema.safeParse(JSON.parse(line));
      } catch {
        onBadFrame('a frame is not JSON');
        return;
      }
      if (!parsed.success) {
        onBadFrame(z.prettifyError(parsed.error));
        return;
      }
      onFrame(parsed.data);
    }
  };
}

export function frame(value: ClientFrame | OwnerFrame): string {
  return `${JSON.stringify(value)}\n`;
}
