// How a command reaches the process that owns a workspace (serve, chat): a Unix socket in the workspace, carrying
// newline-delimited JSON frames — the command line, stdin in; stdout, stderr and the exit code out.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** Longest Unix socket path Linux and macOS accept (sun_path is 108 and 104 bytes with the terminator). */
const maxSocketPath = 100;

/** `<workspace>/.escalator.sock`, or a hashed name in the temp folder when that path is too long for a socket. */
export function ownerSocketPath(workspaceDir: string): string {
  const inWorkspace = join(workspaceDir, '.escalator.sock');
  if (Buffer.byteLength(inWorkspace) <= maxSocketPath) return inWorkspace;
  return join(tmpdir(), `escalator-${createHash('sha256').update(workspaceDir).digest('hex').slice(0, 20)}.sock`);
}

export const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('run'),
    argv: z.array(z.string()),
    cwd: z.string(),
    /** The escalator variables of the caller's environment (ANTHROPIC_API_KEY …). */
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
