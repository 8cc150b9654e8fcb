// What every command receives, and the flag parsing they share.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { Clock } from '../objects/clock';
import { UsageError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import type { Env } from './env';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  stdin: NodeJS.ReadableStream;
  /** Whether stdin is an interactive terminal. */
  interactive: boolean;
  /** stderr, when it is a terminal that progress bars may draw on; absent for pipes, files and tests. */
  stderrTerminal?: NodeJS.WritableStream;
}

export interface CommandContext {
  /** The arguments after the command's name (global flags removed). */
  argv: string[];
  env: Env;
  io: CliIo;
  workspaceDir: string;
  clock: Clock;
  /** Opens the workspace once per command; the CLI closes it at the end. */
  openWorkspace(): Promise<Workspace>;
  /**
   * True when this command was routed to a running `serve` or `chat`, which owns the workspace and already runs the
   * scheduler and the bot: a command that would start them must not start them again.
   */
  insideOwner: boolean;
}

export interface Command {
  name: string;
  /** One line for `escalator help`. */
  summary: string;
  /** Usage lines shown with --help and on bad usage. */
  usage: string;
  /** Returns the exit code (0 when omitted). */
  run(context: CommandContext): Promise<number | void>;
  /**
   * Set on long-running commands that own the workspace while they run (serve, chat): once they open it, every
   * other command on the workspace is routed to them over `<workspace>/.escalator.sock`. `nested` says what a second
   * one started meanwhile does: 'run' inside the owner (with `insideOwner`), or 'refuse'.
   */
  owns?: { nested: 'run' | 'refuse' };
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses a command's flags strictly; unknown flags and missing values are usage errors. */
export function parseFlags<T extends Options>(argv: string[], options: T, usage: string) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(`${(error as Error).message.replace(/\. To specify a positional.*$/s, '')}\nusage: ${usage}`);
  }
}
