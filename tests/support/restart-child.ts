// A `serve`-like process (jobs runtime and webhook server on a workspace) that receives one signed Zendesk delivery
// and then stops dead to be killed with SIGKILL:
//   after-commit — right after the ticket's transaction commits, before any job has seen it (its immediate run never starts)
//   after-run    — once the jobs have evaluated it and queued its alert (nothing is left to do)
// Alerts are not delivered here (no deliverer), so whatever was queued is still in the outbox at restart.
import { FixedClock } from '../../objects/clock';
import { Workspace } from '../../objects/workspace';
import { startJobsRuntime } from '../../jobs/runtime';
import { sendZendesk, startTestServer } from '../webhook-fixtures';

/** Blocks the thread for good without returning to the event loop: no timer, callback or job run happens after it. */
function stopDead(signal: string): never {
  process.stdout.write(`${signal}\n`); // synchronous on a pipe
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  throw new Error('unreachable');
}

async function main(): Promise<void> {
  const [dir, mode, now, ticket] = process.argv.slice(2) as [string, 'after-commit' | 'after-run', string, string];
  const clock = new FixedClock(now);
  const workspace = await Workspace.open(dir, { clock });
  let armed = false;
  // Subscribed before the scheduler, so it hears of the commit first and the scheduler never does.
  workspace.onEntriesChanged(() => {
    if (armed && mode === 'after-commit') stopDead('COMMITTED');
  });
  const runtime = await startJobsRuntime({ workspace, clock, deliverers: [] });
  await runtime.scheduler.idle();
  const server = await startTestServer(workspace, clock);
  armed = true;
  const response = await sendZendesk(server, clock, JSON.parse(ticket));
  if (response.status !== 201) throw new Error(`the delivery was answered ${response.status}: ${await response.text()}`);
  await runtime.scheduler.idle();
  stopDead('EVALUATED');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
