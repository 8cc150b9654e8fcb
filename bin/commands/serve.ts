// escalator serve: the scheduler and the outbox (alerts printed in the terminal), plus the optional services that are
// configured (Telegram bot, webhook server), running until SIGINT or SIGTERM.
import { mkdirSync, watch } from 'node:fs';
import { terminalDeliverer } from '../../jobs/outbox';
import { startJobsRuntime } from '../../jobs/runtime';
import { printable } from '../../objects/printable';
import { formatTime } from '../../objects/values';
import { parseFlags, type Command } from '../command';
import { serveServices, type RunningService, type ServeService } from '../services';

function usageOf(services: readonly ServeService[]): string {
  const flags = services.flatMap((service) => Object.entries(service.flags ?? {}).map(([name, flag]) => `[--${name}${flag.type === 'string' ? ' VALUE' : ''}]`));
  return ['escalator serve', ...flags].join(' ');
}

/**
 * The serve log: one stamped line per event. Lines carry outside text (Telegram names, ticket titles, webhook fields,
 * error messages), so each is made printable: a newline or an escape sequence in it shows as "\n" or "\u001b".
 */
export function serveLog(write: (text: string) => void, stamp: () => string): (line: string) => void {
  return (line) => write(`[${stamp()}] ${printable(line, { max: 4000 })}`);
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const serveCommand: Command = {
  name: 'serve',
  // While serve runs it owns the workspace: other commands are routed to it; a second serve is refused.
  owns: { nested: 'refuse' },
  summary: 'run the jobs (scheduler and outbox) and the configured services until stopped',
  get usage() {
    return usageOf(serveServices);
  },
  async run(context) {
    const options = Object.fromEntries(serveServices.flatMap((service) => Object.entries(service.flags ?? {}).map(([name, flag]) => [name, { type: flag.type }])));
    const { values } = parseFlags(context.argv, options, usageOf(serveServices));
    const workspace = await context.openWorkspace();
    const stamp = () => formatTime(context.clock.now(), workspace.timeZone);
    const log = serveLog(context.io.stderr, stamp);
    const runtime = await startJobsRuntime({
      workspace,
      clock: context.clock,
      // Alerts are several lines of our own layout around ticket text: line breaks stay, escape sequences do not.
      deliverers: [terminalDeliverer((text) => context.io.stdout(printable(text, { keepLineBreaks: true, max: 20_000 })))],
      log,
    });
    const running: RunningService[] = [];
    // Hand edits of jobs/*.job.yaml take effect without a restart.
    let reloadTimer: NodeJS.Timeout | undefined;
    mkdirSync(workspace.path('jobs'), { recursive: true });
    const watcher = watch(workspace.path('jobs'), () => {
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => void runtime.scheduler.reload().catch((error: unknown) => log(`reloading jobs failed: ${String(error)}`)), 300);
    });
    // Keeps the process alive while nothing else is scheduled.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    try {
      for (const service of serveServices) {
        const started = await service.start({ workspace, clock: context.clock, env: context.env, io: context.io, flags: values, runtime, log });
        if (started) running.push(started);
      }
      const jobs = runtime.scheduler.status();
      log(
        `serving ${workspace.dir}: ${jobs.length} job${jobs.length === 1 ? '' : 's'} (${jobs.map((job) => `${job.name}${job.enabled ? '' : ' disabled'}`).join(', ') || 'none yet'}); alerts to the terminal${running.map((service) => `; ${service.description}`).join('')}. Ctrl-C stops.`,
      );
      const signal = await untilSignal();
      log(`${signal}: stopping`);
      // A long read-only query (routed `escalator query`, a chat's query tool) must not hold the shutdown up.
      workspace.db.stopReaders();
    } finally {
      clearInterval(keepAlive);
      watcher.close();
      clearTimeout(reloadTimer);
      for (const service of running.reverse()) await service.stop().catch((error: unknown) => log(`stopping a service failed: ${String(error)}`));
      await runtime.stop();
    }
  },
};
