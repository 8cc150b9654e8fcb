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
}

export interface Command {
  name: string;
  /** One line for `escalator help`. */
  summary: string;
  /** Usage lines shown with --help and on bad usage. */
  usage: string;
  /** Returns the exit code (0 when omitted). */
  run(context: CommandContext): Promise<number | void>;
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
