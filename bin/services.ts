// Optional services `escalator serve` runs beside the jobs runtime (the Telegram bot, the webhook server): each
// says which flags it adds and starts only when configured. Other layers add theirs to `serveServices`.
import type { Clock } from '../objects/clock';
import type { Workspace } from '../objects/workspace';
import type { JobsRuntime } from '../jobs/runtime';
import type { CliIo } from './command';
import type { Env } from './env';

export interface ServeContext {
  workspace: Workspace;
  clock: Clock;
  env: Env;
  io: CliIo;
  /** Values of the flags the services declared (`--port 8080` → { port: '8080' }). */
  flags: Record<string, string | boolean | undefined>;
  /** The scheduler and the outbox: register a Deliverer with `runtime.outbox.register(…)`. */
  runtime: JobsRuntime;
  log(line: string): void;
}

export interface RunningService {
  /** One line for the start banner: "Telegram bot @escalator_bot", "webhooks on :8080". */
  description: string;
  stop(): Promise<void>;
}

export interface ServeService {
  name: string;
  flags?: Record<string, { type: 'string' | 'boolean'; description: string }>;
  /** Starts the service, or returns undefined when it is not configured (no token, no --port). */
  start(context: ServeContext): Promise<RunningService | undefined>;
}

/** The optional services, in start order. */
export const serveServices: ServeService[] = [];
