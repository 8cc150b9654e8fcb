// The board's SLA of the shown cards is the same clock as `escalator sla` (jobs/sla.ts): for every open ticket, with
// a pause while waiting on the customer.
import { slaStatus } from '../jobs/sla';
import { updateEntries } from '../objects/entries';
import { loadEntry } from '../web/entry-data';
import { slaForRows } from '../web/card-sla';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { createDesk, type Desk } from './web-fixtures';

describe('the SLA clocks of board cards and ticket pages', () => {
  let test: TestWorkspace;
  let desk: Desk;

  afterEach(() => test.cleanup());

  async function deskWithPause(): Promise<void> {
    test = await createTestWorkspace();
    desk = await createDesk(test.workspace);
    // Globex's P3 waits on the customer for 20 minutes, then is worked on again; the clock must not count those 20.
    test.clock.advance(10 * 60_000);
    await updateEntries(test.workspace, 'support_tickets', [{ id: desk.openP3, values: { Status: 'Waiting on Customer' } }], { by: 'test' });
    test.clock.advance(20 * 60_000);
    await updateEntries(test.workspace, 'support_tickets', [{ id: desk.openP3, values: { Status: 'In Progress' } }], { by: 'test' });
    // Its SMB neighbour waits now: its resolution clock is paused.
    await updateEntries(test.workspace, 'support_tickets', [{ id: desk.hostile, values: { Status: 'Waiting on Customer' } }], { by: 'test' });
    test.clock.advance(15 * 60_000);
  }

  it('gives each open ticket the clocks escalator sla gives it, pauses included', async () => {
    await deskWithPause();
    const now = test.clock.now();
    const expected = await slaStatus(test.workspace, { now });
    expect(expected.length).toBe(5);
    // The board's rows: v_ view rows (the desk's tickets carry their own Account Tier).
    const rows = await test.workspace.db.query('SELECT * FROM v_support_tickets');
    const cards = await slaForRows(test.workspace, 'support_tickets', rows, now);
    for (const ticket of expected) {
      expect({ id: ticket.id, firstResponse: cards.get(ticket.id)?.firstResponse, resolution: cards.get(ticket.id)?.resolution }).toEqual({ id: ticket.id, firstResponse: ticket.firstResponse, resolution: ticket.resolution });
    }
    const paused = expected.find((ticket) => ticket.id === desk.openP3)!;
    expect(paused.resolution).toMatchObject({ pausedMs: 20 * 60_000, paused: false });
    expect(cards.get(desk.hostile)?.resolution).toMatchObject({ pausedMs: 15 * 60_000, paused: true });
    // Closed tickets have no clock on the board.
    expect(cards.has(desk.reopened)).toBe(false);
    // The ticket page shows the same clock.
    expect((await loadEntry(test.workspace, 'support_tickets', desk.openP3))?.sla?.resolution).toEqual(paused.resolution);
  });
});
