// escalator serve --port N: the webhook server until SIGINT or SIGTERM. A minimal serve for the webhook branch; the
// jobs runtime's serve (scheduler, outbox, services) replaces it and runs the same webhookService.
import { formatTime } from '../../objects/values';
import { UsageError } from '../../objects/errors';
import { parseFlags, type Command } from '../command';
import { webhookService } from '../webhook-service';

const usage = 'escalator serve --port N [--host ADDRESS]';

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
  summary: 'serve the webhook endpoints until stopped',
  usage,
  async run(context) {
    const { values } = parseFlags(context.argv, { port: { type: 'string' }, host: { type: 'string' } }, usage);
    if (values.port === undefined) throw new UsageError(`nothing to serve without --port\nusage: ${usage}`);
    const workspace = await context.openWorkspace();
    const log = (line: string) => context.io.stderr(`[${formatTime(context.clock.now(), workspace.timeZone)}] ${line}`);
    const service = await webhookService.start({ workspace, clock: context.clock, env: context.env, flags: values, log });
    try {
      log(`serving ${workspace.dir}: ${service?.description ?? 'nothing'}. Ctrl-C stops.`);
      log(`${await untilSignal()}: stopping`);
    } finally {
      await service?.stop();
    }
  },
};
