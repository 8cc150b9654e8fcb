// Demo data for `init --demo`: a dozen accounts across the four tiers and ~200 tickets over the last 12 months,
// all relative to now and the same on every run, so the seed's questions have real answers — including its
// example, Acme Corp's P1 "Unable to export data" opened 47 minutes ago.
import { DateTime } from 'luxon';
import { seededIds, seededRandom } from './clock';
import { asText, createEntries, recordChanges, type FieldValues } from './entries';
import type { EntryChange, Workspace } from './workspace';

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

interface DemoCompany {
  name: string;
  domain: string;
  value: number;
  health: 'Green' | 'Yellow' | 'Red';
  renewalDays: number;
  tier: 'Enterprise' | 'Mid-Market' | 'SMB' | 'Trial';
  owner: string;
  backup: string;
  executive: string;
  /** Escalated tickets per quarter over the last four quarters. */
  escalationsPerQuarter: number;
}

const companies: DemoCompany[] = [
  { name: 'Acme Corp', domain: 'acme.example', value: 180000, health: 'Yellow', renewalDays: 62, tier: 'Enterprise', owner: 'Sarah Chen', backup: 'Diego Alvarez', executive: 'Tom Becker', escalationsPerQuarter: 4 },
  { name: 'Initech', domain: 'initech.example', value: 150000, health: 'Red', renewalDays: 140, tier: 'Enterprise', owner: 'Diego Alvarez', backup: 'Sarah Chen', executive: 'Tom Becker', escalationsPerQuarter: 3 },
  { name: 'Globex Industries', domain: 'globex.example', value: 240000, health: 'Green', renewalDays: 210, tier: 'Enterprise', owner: 'Sarah Chen', backup: 'Diego Alvarez', executive: 'Nina Okafor', escalationsPerQuarter: 1 },
  { name: 'Umbrella Health', domain: 'umbrella.example', value: 320000, health: 'Yellow', renewalDays: 95, tier: 'Enterprise', owner: 'Diego Alvarez', backup: 'Sarah Chen', executive: 'Nina Okafor', escalationsPerQuarter: 2 },
  { name: 'Stark Logistics', domain: 'stark.example', value: 60000, health: 'Green', renewalDays: 180, tier: 'Mid-Market', owner: 'Lena Fischer', backup: 'Sarah Chen', executive: 'Tom Becker', escalationsPerQuarter: 1 },
  { name: 'Wayne Analytics', domain: 'wayne.example', value: 45000, health: 'Yellow', renewalDays: 30, tier: 'Mid-Market', owner: 'Lena Fischer', backup: 'Diego Alvarez', executive: 'Nina Okafor', escalationsPerQuarter: 1 },
  { name: 'Hooli Retail', domain: 'hooli.example', value: 75000, health: 'Green', renewalDays: 300, tier: 'Mid-Market', owner: 'Diego Alvarez', backup: 'Lena Fischer', executive: 'Tom Becker', escalationsPerQuarter: 0 },
  { name: 'Pied Piper', domain: 'piedpiper.example', value: 12000, health: 'Green', renewalDays: 75, tier: 'SMB', owner: 'Lena Fischer', backup: 'Sarah Chen', executive: 'Nina Okafor', escalationsPerQuarter: 0 },
  { name: 'Bluth Foods', domain: 'bluth.example', value: 6000, health: 'Red', renewalDays: 20, tier: 'SMB', owner: 'Lena Fischer', backup: 'Diego Alvarez', executive: 'Tom Becker', escalationsPerQuarter: 0 },
  { name: 'Dunder Paper', domain: 'dunder.example', value: 9000, health: 'Yellow', renewalDays: 160, tier: 'SMB', owner: 'Sarah Chen', backup: 'Lena Fischer', executive: 'Nina Okafor', escalationsPerQuarter: 0 },
  { name: 'Vandelay Imports', domain: 'vandelay.example', value: 0, health: 'Green', renewalDays: 14, tier: 'Trial', owner: 'Lena Fischer', backup: 'Sarah Chen', executive: 'Tom Becker', escalationsPerQuarter: 0 },
  { name: 'Soylent Labs', domain: 'soylent.example', value: 0, health: 'Yellow', renewalDays: 9, tier: 'Trial', owner: 'Diego Alvarez', backup: 'Lena Fischer', executive: 'Nina Okafor', escalationsPerQuarter: 0 },
];

/** Our own team: who owns accounts, leads support and engineering. */
const team = [
  { name: 'Priya Patel', role: 'Support Lead' },
  { name: 'Marcus Reid', role: 'Engineering Lead' },
  { name: 'Hannah Kim', role: 'VP Customer Success' },
  { name: 'Sarah Chen', role: 'Account Manager' },
  { name: 'Diego Alvarez', role: 'Account Manager' },
  { name: 'Lena Fischer', role: 'Account Manager' },
  { name: 'Tom Becker', role: 'Account Executive' },
  { name: 'Nina Okafor', role: 'Account Executive' },
  { name: 'Sam Ortiz', role: 'Support Engineer' },
  { name: 'Jordan Lee', role: 'Support Engineer' },
];

const contactNames = ['Alex Morgan', 'Jamie Rivera', 'Casey Nguyen', 'Robin Shah', 'Taylor Brooks', 'Morgan Diaz', 'Jordan Patel', 'Drew Kowalski', 'Sky Tanaka', 'Reese Carter', 'Quinn Hayes', 'Avery Stone'];

const titles = [
  'Unable to export data', 'SSO login loop for EU users', 'Invoices show wrong currency', 'API rate limits hit after upgrade',
  'Dashboard widgets blank', 'Webhook deliveries delayed', 'CSV import drops rows', 'Password reset email not arriving',
  'Report totals do not match', 'Mobile app crashes on launch', 'Search returns stale results', 'Slow page loads in EU region',
  'Data sync stalled', 'Permissions reset after update', 'Scheduled reports not sent', 'Duplicate records after merge',
  'Billing page shows 404', 'Audit log missing entries', 'Integration token expired unexpectedly', 'Charts render empty on Safari',
  'Bulk update times out', 'Timezone wrong on exported dates', 'Attachments fail to upload', 'Two-factor codes rejected',
];

const priorities = ['P1 - Critical', 'P2 - High', 'P3 - Medium', 'P4 - Low'] as const;
const tiers = ['Tier 1 - Support Lead', 'Tier 2 - Engineering', 'Tier 3 - Executive'] as const;
const engineers = ['Sam Ortiz', 'Jordan Lee', 'Priya Patel', 'Marcus Reid'];

/** A ticket to create, then the later changes that made it what it is now. */
interface DemoTicket {
  values: FieldValues;
  openedAt: number;
  later: { at: number; values: FieldValues }[];
}

/** Loads the demo into a new workspace. Returns how many entries of each object it made. */
export async function loadDemo(workspace: Workspace): Promise<{ companies: number; people: number; tickets: number }> {
  const random = seededRandom(20260414);
  const ids = seededIds(42);
  const now = workspace.clock.now().getTime();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const between = (low: number, high: number) => low + random() * (high - low);

  await addSeedView(workspace);
  workspace.saveConfig({
    ...workspace.config,
    people: team.map((member) => ({ name: member.name })),
    roles: {
      support_lead: ['Priya Patel'],
      engineering_lead: ['Marcus Reid'],
      cs_vp: ['Hannah Kim'],
      account_executive: ['Tom Becker', 'Nina Okafor'],
    },
  });

  return workspace.db.transaction(async () => {
    const companyIds = await createEntries(
      workspace,
      'company',
      companies.map((company) => ({
        id: ids(),
        created_at: new Date(now - 400 * day),
        Name: company.name,
        Domain: company.domain,
        'Contract Value': company.value,
        Health: company.health,
        'Renewal Date': DateTime.fromMillis(now + company.renewalDays * day).setZone(workspace.timeZone).startOf('day').toJSDate(),
        'Account Tier': company.tier,
        'Account Owner': company.owner,
        'Backup Owner': company.backup,
        'Account Executive': company.executive,
      })),
      { by: 'demo' },
    );
    const people: FieldValues[] = team.map((member) => ({
      id: ids(),
      created_at: new Date(now - 400 * day),
      'Full Name': member.name,
      Email: `${member.name.toLowerCase().replace(/\s+/g, '.')}@escalator.example`,
      Role: member.role,
    }));
    companies.forEach((company, index) => {
      people.push({
        id: ids(),
        created_at: new Date(now - 380 * day),
        'Full Name': contactNames[index]!,
        Email: `${contactNames[index]!.split(' ')[0]!.toLowerCase()}@${company.domain}`,
        Company: companyIds[index],
        Role: index % 2 === 0 ? 'IT Admin' : 'Operations Manager',
      });
    });
    const peopleIds = await createEntries(workspace, 'people', people, { by: 'demo' });
    const contactOf = (companyIndex: number) => peopleIds[team.length + companyIndex];

    const tickets: DemoTicket[] = [];
    const ticket = (companyIndex: number, title: string, priority: string, openedAt: number, values: FieldValues, later: DemoTicket['later'] = []) => {
      const company = companies[companyIndex]!;
      tickets.push({
        openedAt,
        later,
        values: {
          Title: title,
          Description: `${title}. Reported by ${contactNames[companyIndex]} at ${company.name}.`,
          Customer: companyIds[companyIndex],
          Contact: contactOf(companyIndex),
          Priority: priority,
          Status: 'Open',
          'Opened Date': new Date(openedAt),
          Escalated: false,
          'Escalation Tier': 'None',
          'Account Tier': company.tier,
          ...values,
        },
      });
    };
    const index = (name: string) => companies.findIndex((company) => company.name === name);
    const responded = (openedAt: number, after: number, assignee: string, status = 'In Progress'): { at: number; values: FieldValues } => ({
      at: openedAt + after,
      values: { 'First Response Date': new Date(openedAt + after), 'Assigned To': assignee, Status: status },
    });

    // Open now: the seed's example, and tickets that meet each of the seed's escalation rules or SLA states.
    ticket(index('Acme Corp'), 'Unable to export data', 'P1 - Critical', now - 47 * minute, {});
    ticket(index('Umbrella Health'), 'API rate limits hit after upgrade', 'P1 - Critical', now - 25 * minute, {});
    ticket(index('Bluth Foods'), 'Checkout page returns 500', 'P1 - Critical', now - 3 * hour, {});
    ticket(index('Globex Industries'), 'SSO login loop for EU users', 'P2 - High', now - 5 * hour, {});
    ticket(index('Stark Logistics'), 'Webhook deliveries delayed', 'P2 - High', now - 3.5 * hour, {});
    const sync = now - 6 * hour;
    ticket(index('Initech'), 'Data sync stalled', 'P1 - Critical', sync, {}, [
      responded(sync, 12 * minute, 'Marcus Reid'),
      { at: sync + 40 * minute, values: { Status: 'Escalated', Escalated: true, 'Escalation Tier': 'Tier 2 - Engineering' } },
    ]);
    const invoices = now - 52 * hour;
    ticket(index('Initech'), 'Invoices show wrong currency', 'P3 - Medium', invoices, {}, [responded(invoices, 3 * hour, 'Sam Ortiz')]);
    const dashboards = now - 30 * hour;
    ticket(index('Wayne Analytics'), 'Dashboard widgets blank', 'P2 - High', dashboards, {}, [
      responded(dashboards, 50 * minute, 'Jordan Lee'),
      { at: dashboards + 4 * hour, values: { Status: 'Waiting on Customer' } },
    ]);
    const xlsx = now - 10 * day;
    ticket(index('Hooli Retail'), 'Feature request: export to XLSX', 'P4 - Low', xlsx, {}, [
      responded(xlsx, 20 * hour, 'Sam Ortiz'),
      { at: xlsx + 2 * day, values: { Status: 'Waiting on Customer' } },
    ]);
    // Acme's other tickets this month (the seed: "Support tickets this month: 4").
    for (const [daysAgo, title, priority] of [[3, 'Report totals do not match', 'P3 - Medium'], [9, 'Scheduled reports not sent', 'P2 - High'], [16, 'Bulk update times out', 'P3 - Medium'], [24, 'Search returns stale results', 'P4 - Low']] as const) {
      const opened = now - daysAgo * day - 2 * hour;
      const later = [responded(opened, 40 * minute, pick(engineers))];
      if (daysAgo > 5) later.push({ at: opened + 2 * day, values: { Status: 'Resolved', 'Resolved Date': new Date(opened + 2 * day) } });
      ticket(index('Acme Corp'), title, priority, opened, {}, later);
    }
    // More open tickets, mostly answered and recent.
    while (tickets.filter((candidate) => candidate.later.every((change) => !change.values['Resolved Date'])).length < 25) {
      const companyIndex = Math.floor(random() * companies.length);
      const opened = now - between(1 * hour, 40 * hour);
      const status = pick(['In Progress', 'In Progress', 'Waiting on Customer', 'Open']);
      const later = status === 'Open' ? [] : [responded(opened, between(10 * minute, 50 * minute), pick(engineers), status)];
      ticket(companyIndex, pick(titles), pick(priorities.slice(1)), opened, {}, later);
    }

    // History: escalated tickets in each of the last four quarters, then ordinary resolved and closed ones.
    const currentQuarter = DateTime.fromMillis(now).setZone(workspace.timeZone).startOf('quarter');
    const resolvedTicket = (companyIndex: number, openedAt: number, escalation?: string) => {
      const priority = escalation === 'Tier 2 - Engineering' ? 'P1 - Critical' : pick(priorities);
      const firstResponse = openedAt + between(5 * minute, 3 * hour);
      const resolvedAt = Math.min(now - hour, firstResponse + between(2 * hour, 5 * day));
      const later: DemoTicket['later'] = [responded(openedAt, firstResponse - openedAt, pick(engineers))];
      if (escalation) later.push({ at: firstResponse + 30 * minute, values: { Status: 'Escalated', Escalated: true, 'Escalation Tier': escalation } });
      const closed = now - resolvedAt > 14 * day && random() < 0.6;
      later.push({ at: resolvedAt, values: { Status: closed ? 'Closed' : 'Resolved', 'Resolved Date': new Date(resolvedAt) } });
      ticket(companyIndex, pick(titles), priority, openedAt, {}, later);
    };
    for (let quarter = 0; quarter < 4; quarter++) {
      const start = currentQuarter.minus({ quarters: quarter }).toMillis();
      const end = quarter === 0 ? now - 8 * hour : currentQuarter.minus({ quarters: quarter - 1 }).toMillis() - 6 * day;
      companies.forEach((company, companyIndex) => {
        for (let count = 0; count < company.escalationsPerQuarter; count++) {
          const span = Math.max(end - start, hour);
          resolvedTicket(companyIndex, start + (span * (count + 0.5)) / (company.escalationsPerQuarter + 0.5), pick(tiers));
        }
      });
    }
    const weights = companies.map((company) => ({ Enterprise: 5, 'Mid-Market': 3, SMB: 2, Trial: 1 })[company.tier]);
    const weighted = (): number => {
      let roll = random() * weights.reduce((sum, weight) => sum + weight, 0);
      for (let companyIndex = 0; companyIndex < weights.length; companyIndex++) {
        roll -= weights[companyIndex]!;
        if (roll < 0) return companyIndex;
      }
      return 0;
    };
    while (tickets.length < 200) resolvedTicket(weighted(), now - between(2 * day, 360 * day), random() < 0.04 ? 'Tier 1 - Support Lead' : undefined);

    // Write each ticket as it is now, with its field history as it happened: the opening values, then each change.
    tickets.sort((a, b) => a.openedAt - b.openedAt);
    const history: EntryChange[] = [];
    const historyAt: Date[] = [];
    const records = tickets.map((demo) => {
      const id = ids();
      const state: FieldValues = { ...demo.values };
      for (const [field, value] of Object.entries(demo.values)) {
        history.push({ object: 'support_tickets', entryId: id, field, oldValue: null, newValue: asText(value), by: 'demo' });
        historyAt.push(new Date(demo.openedAt));
      }
      for (const change of demo.later) {
        for (const [field, value] of Object.entries(change.values)) {
          history.push({ object: 'support_tickets', entryId: id, field, oldValue: asText(state[field]), newValue: asText(value), by: 'demo' });
          historyAt.push(new Date(change.at));
          state[field] = value;
        }
      }
      const lastChange = Math.max(demo.openedAt, ...demo.later.map((change) => change.at));
      return { id, created_at: new Date(demo.openedAt), updated_at: new Date(lastChange), ...state };
    });
    const ticketIds = await createEntries(workspace, 'support_tickets', records, { by: 'demo', recordHistory: false });
    await recordChanges(workspace.db, history, historyAt);
    return { companies: companyIds.length, people: peopleIds.length, tickets: ticketIds.length };
  });
}

/** The seed's Step 3 view, exactly as written there. */
async function addSeedView(workspace: Workspace): Promise<void> {
  // A JSON copy, not structuredClone: under jest the clone comes from another realm and js-yaml refuses to dump it.
  const raw = JSON.parse(JSON.stringify(workspace.object('support_tickets').raw)) as Record<string, unknown>;
  raw.views = [
    {
      name: 'Open Tickets with Account Context',
      filters: [{ field: 'Status', operator: 'in', values: ['Open', 'In Progress', 'Escalated'] }],
      sort: [
        { field: 'Priority', direction: 'asc' },
        { field: 'Opened Date', direction: 'asc' },
      ],
    },
  ];
  await workspace.saveObject(raw);
}
