// The Telegram bot with the real agent (the offline brain, no API key) against the fake Bot API: the support lead
// creates the seed's Step 4 job by chatting, and its alerts go to that chat.
import { buildAgent } from '../agent/build-agent';
import { createTelegramBot } from '../channels/telegram/bot';
import { PairingStore } from '../channels/telegram/pairings';
import { TelegramService } from '../channels/telegram/service';
import { readJob } from '../jobs/job-files';
import { listOutbox } from '../jobs/outbox';
import { runJob } from '../jobs/runner';
import { loadDemo } from '../objects/demo';
import { FakeBotApi } from './fakes/telegram-bot-api';
import { seedStep4 } from './fixtures/seed-instructions';
import { createTestWorkspace, type TestWorkspace } from './helpers';

const lead = 1001;

describe('a Telegram conversation with the agent', () => {
  let test: TestWorkspace;
  let fake: FakeBotApi;
  let service: TelegramService;

  beforeEach(async () => {
    test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
    fake = await FakeBotApi.start({ now: () => test.clock.now() });
    const { agent } = buildAgent(test.workspace, { offline: true });
    const telegram = createTelegramBot({
      token: fake.token,
      apiRoot: fake.apiRoot,
      workspace: test.workspace,
      agent,
      allowedChats: new Set([lead]),
      pairings: new PairingStore(test.workspace.db, test.clock),
    });
    service = new TelegramService({ telegram, mode: { kind: 'polling' } });
    await service.start();
  });
  afterEach(async () => {
    await service.stop();
    await fake.close();
    await test.cleanup();
  });

  it("creates the seed's escalation job from the lead's message and sends its alerts to that chat", async () => {
    fake.sendUserMessage(lead, seedStep4);
    const preview = await fake.waitFor(() => fake.botMessages(lead).find((message) => message.text?.includes('Right now it would escalate')), 20_000);
    expect(preview.text).toContain('Unable to export data');
    fake.sendUserMessage(lead, 'yes');
    await fake.waitFor(() => fake.botMessages(lead).length >= 2, 20_000);

    const job = await readJob(test.workspace, 'support-escalation');
    expect(job.created_by).toEqual({ channel: 'telegram', chat: lead });
    expect(job.rules).toHaveLength(3);

    const run = await runJob(test.workspace, 'support-escalation');
    expect(run.notified).toBeGreaterThan(0);
    const alerts = await listOutbox(test.workspace);
    expect(alerts.filter((message) => message.channel === 'telegram').map((message) => message.recipient)).toContain(String(lead));
    expect(alerts.find((message) => /Acme Corp — 'Unable to export data' \(P1\)/.test(message.text))?.channel).toBe('telegram');
  });
});
