// Help-desk ids beyond 2^53 stay exact from the raw JSON to the ticket's External Id.
import { findEntries } from '../objects/entries';
import { parseJsonKeepingBigIntegers } from '../channels/webhooks/big-integers';
import { createTestWorkspace, type TestWorkspace } from './helpers';
import { addAccounts, sendZendesk, startTestServer, zendeskTrigger, type RunningServer } from './webhook-fixtures';

describe('parseJsonKeepingBigIntegers', () => {
  it('keeps the digits of integers too long for a double and leaves everything else as JSON.parse reads it', () => {
    const text = '{"id": 9007199254740993, "n": -12345678901234567, "small": 42, "f": 1.5, "e": 1e300, "s": "9007199254740993 \\" 12345678901234567", "a": [9007199254740992]}';
    expect(parseJsonKeepingBigIntegers(text)).toEqual({
      id: '9007199254740993',
      n: '-12345678901234567',
      small: 42,
      f: 1.5,
      e: 1e300,
      s: '9007199254740993 " 12345678901234567',
      a: ['9007199254740992'],
    });
  });

  it('still refuses malformed JSON', () => {
    expect(() => parseJsonKeepingBigIntegers('{"id": 9007199254740993,')).toThrow();
  });
});

describe('big help-desk ids over HTTP', () => {
  let test: TestWorkspace;
  let running: RunningServer;

  beforeEach(async () => {
    test = await createTestWorkspace();
    await addAccounts(test.workspace);
    running = await startTestServer(test.workspace, test.clock);
  });
  afterEach(async () => {
    await running.server.close();
    await test.cleanup();
  });

  it('creates two tickets for Zendesk ids 9007199254740993 and 9007199254740992, with those exact external ids', async () => {
    for (const id of ['9007199254740993', '9007199254740992']) {
      const body = JSON.stringify(zendeskTrigger({ id: 0 })).replace('"id":0', `"id":${id}`);
      const response = await sendZendesk(running, test.clock, body);
      expect(response.status).toBe(201);
      expect(((await response.json()) as { external_id: string }).external_id).toBe(id);
    }
    const tickets = await findEntries(test.workspace, 'support_tickets', {});
    expect(tickets.map((ticket) => ticket['External Id']).sort()).toEqual(['9007199254740992', '9007199254740993']);
  });
});
