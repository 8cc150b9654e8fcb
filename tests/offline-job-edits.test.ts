// Edits to a saved job in words, through update_job / delete_job: each said back as what changes, nothing written
// before "yes", and the job file holding the change afterwards.
import { readFileSync } from 'node:fs';
import { readJob } from '../jobs/job-files';
import { listOutbox } from '../jobs/outbox';
import { runJob } from '../jobs/runner';
import { offlineChat, type OfflineChat } from './offline-chat';

let chat: OfflineChat;
const file = () => readFileSync(chat.workspace.path('jobs', 'support-escalation.job.yaml'), 'utf8');
beforeEach(async () => {
  chat = await offlineChat();
  await chat.write('Every 30 minutes, escalate P1 tickets open more than 30 minutes without a first response to Tier 2 and notify me');
});
afterEach(async () => chat.cleanup());

describe('offline job edits', () => {
  it('says a threshold change back as a diff of the rule, saves nothing before yes, and saves it on yes', async () => {
    const before = file();
    const proposal = await chat.say('make the P1 threshold 20 minutes');
    expect(proposal.text).toMatch(/was .*more than 30 minutes ago.*becomes .*more than 20 minutes ago/s);
    expect(file()).toBe(before);
    await chat.say('yes');
    const job = await readJob(chat.workspace, 'support-escalation');
    expect(JSON.stringify(job.rules[0]!.when)).toContain('"older_than","value":"20m"');
  });

  it('keeps the rule name through a threshold edit, says why, and alerts nobody twice for tickets it already fired on', async () => {
    await runJob(chat.workspace, 'support-escalation');
    const alerted = (await listOutbox(chat.workspace)).map((message) => message.text);
    expect(alerted.length).toBeGreaterThan(0);
    const proposal = await chat.say('make the P1 threshold 20 minutes');
    expect(proposal.text).toMatch(/keeps its name p1-no-first-response-30m/);
    await chat.say('yes');
    const job = await readJob(chat.workspace, 'support-escalation');
    expect(job.rules.map((rule) => rule.name)).toEqual(['p1-no-first-response-30m']);
    await runJob(chat.workspace, 'support-escalation');
    const added = (await listOutbox(chat.workspace)).map((message) => message.text).filter((text) => !alerted.includes(text));
    // Only the ticket the new threshold reaches (Umbrella's, open 25 minutes) is alerted; Acme's and Bluth's are not again.
    expect(added).toHaveLength(1);
    expect(added[0]).toContain('Umbrella Health');
  });

  it('sets, shows and keeps an active window', async () => {
    const proposal = await chat.say('pause it on weekends');
    expect(proposal.text).toContain('active: always → Mon–Fri all day (UTC)');
    await chat.say('yes');
    expect((await readJob(chat.workspace, 'support-escalation')).active).toEqual({ days: ['mon', 'tue', 'wed', 'thu', 'fri'] });
    await chat.write('only during business hours');
    expect((await readJob(chat.workspace, 'support-escalation')).active).toBe('business_hours');
  });

  it('pauses and resumes, and deletes only after a yes', async () => {
    await chat.write('pause it');
    expect((await readJob(chat.workspace, 'support-escalation')).enabled).toBe(false);
    await chat.write('resume the job');
    expect((await readJob(chat.workspace, 'support-escalation')).enabled).toBe(true);
    const proposal = await chat.say('delete that job');
    expect(proposal.text).toMatch(/Delete the job support-escalation .*for good/);
    await chat.say('no');
    expect(file()).toContain('support-escalation');
    await chat.write('delete that job');
    await expect(readJob(chat.workspace, 'support-escalation')).rejects.toThrow();
  });
});
