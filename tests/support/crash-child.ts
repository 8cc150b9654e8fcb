// A separate process that works on a workspace and stops to be killed (SIGKILL) at a chosen point:
//   mid-run       — inside a job run's transaction, after its first rule has changed tickets and queued alerts
//   mid-delivery  — running the jobs runtime; the first alert is delivered, the second never returns
// Deliveries are appended to a file, as a remote that outlives the process would see them.
import { appendFileSync } from 'node:fs';
import { FixedClock } from '../../objects/clock';
import { Workspace } from '../../objects/workspace';
import { runJob } from '../../jobs/runner';
import { startJobsRuntime } from '../../jobs/runtime';

async function main(): Promise<void> {
  const [dir, mode, deliveries, now] = process.argv.slice(2) as [string, string, string, string];
  const clock = new FixedClock(now);
  const workspace = await Workspace.open(dir, { clock });
  const forever = () => new Promise<never>(() => undefined);
  if (mode === 'mid-run') {
    await runJob(workspace, 'support-escalation', {
      trigger: 'schedule',
      slot: clock.now(),
      onProgress: async () => {
        process.stdout.write('MID-RUN\n');
        await forever();
      },
    });
    return;
  }
  let count = 0;
  await startJobsRuntime({
    workspace,
    clock,
    deliverers: [
      {
        channel: 'telegram',
        async deliver(message) {
          count += 1;
          appendFileSync(deliveries, `${JSON.stringify({ process: 'child', key: message.idempotencyKey, acknowledged: count === 1 })}\n`);
          if (count === 1) return { remoteId: 'child-1' };
          process.stdout.write('MID-DELIVERY\n');
          return forever();
        },
      },
    ],
  });
  await forever();
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
