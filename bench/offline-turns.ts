// How long an offline turn takes: every instruction the offline brain's tests use (the seed's, verbatim, and their
// variations, each write answered "yes" after its say-back), each on the demo workspace through the Agent, timed. Prints p50 / p90 / max and the slowest turns.
// Run: npm run bench:offline
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent } from '../agent/agent';
import { OfflineBrain } from '../agent/offline-brain';
import { Toolbox } from '../agent/toolbox';
import { FixedClock, seededIds } from '../objects/clock';
import { loadDemo } from '../objects/demo';
import { Workspace } from '../objects/workspace';
import { createTools } from '../tools';
import { seedBackupOwner, seedMonthlyReport, seedQ1Question, seedStep3, seedStep4, seedStep7 } from '../tests/fixtures/seed-instructions';

/** Conversations (each on a fresh demo workspace), as the tests hold them. */
const conversations: string[][] = [
  // Issue 12, round 3: job edits in words, a company mute by text.
  [
    'Every 30 minutes, escalate P1 tickets open more than 30 minutes without a first response to Tier 2 and notify me',
    'yes',
    'make the P1 threshold 20 minutes',
    'yes',
    'only during business hours',
    'yes',
    'pause it',
    'resume it',
    'stop messaging me',
    'yes',
    'snooze alerts for Initech until tomorrow 9am',
    'yes',
    'delete that job',
    'yes',
  ],
  [seedStep4, 'yes', seedBackupOwner, 'yes', 'list jobs'],
  ["Every half hour, escalate critical tickets that haven't been answered for 30 minutes to engineering and notify me", 'yes'],
  ['Hourly: if a P2 ticket from an Enterprise customer has been open for over 4 hours, bump it to Tier 1 and alert the support lead', 'yes'],
  ['every day at 9am check support tickets: - unresolved for more than 2 days: escalate to tier 3, notify the account owner and backup owner', 'yes'],
  ['Every 15 minutes, check for tickets that meet these criteria:\n- P1 tickets open more than 20 minutes without a first response: escalate to Tier 2\n- P2 tickets from Enterprise accounts open more than 6 hours: escalate to Tier 1\nNotify me.', 'yes'],
  ['check for P1 tickets without a first response: escalate to Tier 2', 'every 10 minutes', 'yes'],
  // People by name and report jobs in words (issue 12, round 4).
  ['Every 30 minutes, escalate P1 tickets with no first response after 30 minutes to Tier 2 and message Priya', 'yes', 'also tell Marcus', 'yes', 'on the 1st of every month at 9am send me the escalation report', 'yes', 'make the report weekly', 'yes', 'pause the monthly report', 'every Monday at 8: Enterprise accounts with escalations last week', 'yes'],
  ['Every weekday at 8:30, check tickets for P1s without a first response', 'escalate to Tier 2 and notify me', 'yes'],
  [
    seedStep3,
    'yes',
    'Create a view called "Hot P1s" showing open P1 tickets from Enterprise accounts sorted by opened date',
    'yes',
    'save a view named Waiting on customers of tickets waiting on customer, sorted by opened date newest first',
    'yes',
    "make a view 'Unassigned critical' listing critical tickets that are unassigned",
    'yes',
    'build a view called Escalated Enterprise for escalated tickets from enterprise customers sorted by priority then opened date',
    'yes',
    'create a view called Stale of tickets open more than 2 days',
    'yes',
  ],
  [
    'Make an object called escalation_reviews with fields: ticket (relation to support_tickets), summary (richtext), severity (enum: Minor, Major, Critical), review_date (date), follow_up_done (boolean)',
    'yes',
    'Set up a renewals object with: account (relation to companies), renewal_date (date), amount (currency), stage (select: Upcoming, In Negotiation, Won, Lost), notes (long text)',
    'yes',
    'add a Renewal Risk field (enum: Low, Medium, High) to company',
    'yes',
    'Add fields Region (enum: EMEA, AMER, APAC) and Seats (number) to the company object',
    'yes',
    'company needs a CSM field',
    'yes',
    'put a Churn Date field (date) on company',
    'yes',
  ],
  [
    'new P1 ticket from Acme Corp: Login page returns 502',
    'yes',
    'log a critical ticket for Globex: SSO broken after IdP change',
    'yes',
    'create a high priority ticket for Initech "Exports time out", assigned to Priya',
    'yes',
    'we responded to the Acme export ticket',
    'yes',
    'assign Checkout page returns 500 to Marcus',
    'yes',
    'mark "Checkout page returns 500" as resolved',
    'yes',
    seedStep7,
    'yes',
    "Write a post-incident review for Initech's data sync ticket: cause: a stuck queue consumer. Fixed by restarting the workers. To prevent it: alert on queue lag. Next steps: call Initech's IT admin.",
    'yes',
  ],
  [
    seedQ1Question,
    'Which Enterprise customers had at least 3 escalated tickets last quarter, with their health?',
    'list Mid-Market accounts with more than 0 escalations this year and their contract value',
    'show all accounts that had more than 3 escalated tickets in Q4 2025',
    'how many open P1 tickets',
    "how many critical tickets haven't been answered?",
    'escalated tickets for Acme Corp',
    'which tickets breach SLA',
    'show the board',
    seedMonthlyReport,
    'monthly escalation report for the last 6 months',
  ],
];

async function main(): Promise<void> {
  const times: { ms: number; text: string }[] = [];
  for (const conversation of conversations) {
    const dir = mkdtempSync(join(tmpdir(), 'escalator-bench-'));
    const workspace = await Workspace.init(join(dir, 'workspace'), {
      clock: new FixedClock('2026-04-14T10:00:00Z'),
      ids: seededIds(7),
      timezone: 'UTC',
      populate: async (staged) => void (await loadDemo(staged)),
    });
    const agent = createAgent(new OfflineBrain({ workspace, toolbox: new Toolbox(createTools({ workspace })) }));
    try {
      for (const text of conversation) {
        const started = performance.now();
        await agent.handle({ chat: { channel: 'terminal', id: 'local' }, text });
        times.push({ ms: performance.now() - started, text });
      }
    } finally {
      await workspace.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const sorted = times.map((time) => time.ms).sort((a, b) => a - b);
  const at = (fraction: number) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
  console.log(`offline turns: ${sorted.length} over ${conversations.length} conversations on the demo workspace`);
  console.log(`p50 ${at(0.5).toFixed(1)} ms · p90 ${at(0.9).toFixed(1)} ms · max ${sorted[sorted.length - 1]!.toFixed(1)} ms`);
  console.log('slowest:');
  for (const time of [...times].sort((a, b) => b.ms - a.ms).slice(0, 5)) console.log(`  ${time.ms.toFixed(1)} ms  ${time.text.split('\n')[0]!.slice(0, 90)}`);
}

void main();
