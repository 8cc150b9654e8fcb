import { saveJob } from '../jobs/job-files';
import type { Deliverer, OutboxMessage } from '../jobs/outbox';
import { startJobsRuntime, type JobsRuntime } from '../jobs/runtime';
import { getEntry } from '../objects/entries';
import { FakeTimers } from './fake-time';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { addAccounts, sendZendesk, startTestServer, zendeskTrigger, type RunningServer } from './webhook-fixtures';

describe('ingested tickets are evaluated at once', () => {
  let test: TestWorkspace;
  let runtime: JobsRuntime;
  let running: RunningServer;
  let timers: FakeTimers;
  const delivered: OutboxMessage[] = [];

  beforeEach(async () => {
    test = await createTestWorkspace();
    await addAccounts(test.workspace);
    // A daily job: its schedule cannot be what makes the alert happen during the test.
    await saveJob(test.workspace, {
      name: 'enterprise-p1',
      schedule: '0 6 * * *',
      object: 'support_tickets',
      created_by: { channel: 'telegram', chat: 42 },
      rules: [
        {
          name: 'enterprise-p1',
          when: { all: [{ field: 'Priority', operator: 'is', value: 'P1' }, { field: 'Customer.Account Tier', operator: 'is', value: 'Enterprise' }] },
          then: [{ escalate: { tier: 'Tier 3' } }, { notify: { to: ['me'] } }],
        },
      ],
    });
    timers = new FakeTimers(test.clock, async () => {
      await runtime.scheduler.idle();
      await runtime.outbox.idle();
    });
    const deliverer: Deliverer = {
      channel: 'telegram',
      async deliver(message) {
        delivered.push(message);
        return { remoteId: String(delivered.length) };
      },
    };
    runtime = await startJobsRuntime({ workspace: test.workspace, clock: test.clock, timers, deliverers: [deliverer] });
    await timers.advance(0);
    running = await startTestServer(test.workspace, test.clock);
  });
  afterEach(async () => {
    await running.server.close();
    await runtime.stop();
    await test.cleanup();
  });

  it('alerts on an Enterprise P1 from Zendesk without waiting for a tick, and not on an SMB one', async () => {
    const response = await sendZendesk(running, test.clock, zendeskTrigger({ id: '777', title: 'Unable to export data', priority: 'Urgent' }));
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    // No timer is advanced and the clock stands still: the change itself wakes the job.
    await runtime.scheduler.idle();
    await runtime.outbox.idle();
    expect(test.clock.now().toISOString()).toBe('2026-04-14T10:00:00.000Z');
    expect(delivered).toHaveLength(1);
    expect(delivered[0]).toMatchObject({ recipient: '42', payload: expect.objectContaining({ entryId: id }) });
    expect(delivered[0]!.text).toContain('Acme Corp');
    expect(delivered[0]!.text).toContain('Unable to export data');
    expect(await getEntry(test.workspace, 'support_tickets', id)).toMatchObject({ Status: 'Escalated', 'Escalation Tier': 'Tier 3 - Executive' });

    const globex = await sendZendesk(running, test.clock, zendeskTrigger({ id: '778', organization: 'Globex Industries', priority: 'Urgent' }));
    expect(globex.status).toBe(201);
    await runtime.scheduler.idle();
    await runtime.outbox.idle();
    expect(delivered).toHaveLength(1);
  });
});
