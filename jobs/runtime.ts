// The jobs runtime in one call, for `chat` and `serve`: the business calendar attached, the outbox delivering and
// the scheduler running.
import type { Clock } from '../objects/clock';
import type { Workspace } from '../objects/workspace';
import { type Deliverer, Outbox } from './outbox';
import { Scheduler } from './scheduler';
import { attachCalendar } from './sla-config';
import type { Timers } from './timers';

export interface JobsRuntimeOptions {
  workspace: Workspace;
  clock?: Clock;
  timers?: Timers;
  /** One per channel ("terminal", "telegram" …); more can be added later with `outbox.register`. */
  deliverers?: Deliverer[];
  log?: (line: string) => void;
}

export interface JobsRuntime {
  scheduler: Scheduler;
  outbox: Outbox;
  stop(): Promise<void>;
}

/** Starts delivering queued messages and running jobs; `stop()` ends both (waiting for work in flight). */
export async function startJobsRuntime(options: JobsRuntimeOptions): Promise<JobsRuntime> {
  const { workspace } = options;
  attachCalendar(workspace);
  const log = options.log ?? (() => undefined);
  const common = { workspace, log, ...(options.clock ? { clock: options.clock } : {}), ...(options.timers ? { timers: options.timers } : {}) };
  const outbox = new Outbox({ ...common, deliverers: options.deliverers ?? [] });
  await outbox.start();
  const scheduler = new Scheduler(common);
  try {
    await scheduler.start();
  } catch (error) {
    await outbox.stop();
    throw error;
  }
  return {
    scheduler,
    outbox,
    async stop() {
      await scheduler.stop();
      await outbox.stop();
    },
  };
}
