// The offline corpus: every instruction in tests/fixtures/offline-corpus driven through the offline brain on a fresh
// demo workspace (answering "yes" at the end, where a say-back waits for it), and checked by what got persisted —
// never by the reply's wording. Prints the pass rate; the floor is the rate measured when the corpus last changed.
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAgent } from '../agent/agent';
import type { ChatRef } from '../agent/brain';
import { OfflineBrain } from '../agent/offline-brain';
import { Toolbox } from '../agent/toolbox';
import { FixedClock } from '../objects/clock';
import { loadDemo } from '../objects/demo';
import { Workspace } from '../objects/workspace';
import { createTools } from '../tools';
import { createTestWorkspace, testNow, type TestWorkspace } from './helpers';
import { loadJobs } from '../jobs/job-files';
import { isReportJob, type JobDefinition, type ReportSpec } from '../jobs/job-schema';
import { reportPeriod, reportSql, type ReportPeriod } from '../jobs/report-period';
import { readOnlyQuery } from '../objects/read-only-query';
import { listOutbox } from '../jobs/outbox';
import { runJob } from '../jobs/runner';
import { ensureJobTables } from '../jobs/tables';
import { lastSlotBetween, nextRuns, scheduleOf } from '../jobs/schedule';
import type { Row } from '../objects/database';
import { listWorkspaceDocuments, readDocument, readWorkspaceDocument } from '../objects/documents';
import { findEntries } from '../objects/entries';
import { findField } from '../objects/object-schema';
import { corpus } from './fixtures/offline-corpus';
import { probes, type CorpusCase, type Expectation, type JobExpectation, type Probe } from './fixtures/offline-corpus/types';

/** What a case talks to: a copy of one demo workspace (made once; a fresh demo per case takes a second). */
interface OfflineChat {
  workspace: Workspace;
  say(text: string, chatId?: string): Promise<{ text: string }>;
  cleanup(): Promise<void>;
}

let template: TestWorkspace;
beforeAll(async () => {
  template = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
  await template.workspace.close();
}, 120_000);
afterAll(async () => {
  rmSync(join(template.dir, '..'), { recursive: true, force: true });
});

async function offlineChat(options: { without?: string[] } = {}): Promise<OfflineChat> {
  const root = mkdtempSync(join(tmpdir(), 'escalator-corpus-'));
  const dir = join(root, 'workspace');
  cpSync(template.dir, dir, { recursive: true });
  for (const name of options.without ?? []) rmSync(join(dir, 'objects', name), { recursive: true, force: true });
  const workspace = await Workspace.open(dir, { clock: new FixedClock(testNow) });
  const agent = createAgent(new OfflineBrain({ workspace, toolbox: new Toolbox(createTools({ workspace })) }));
  const chat: ChatRef = { channel: 'terminal', id: 'local' };
  return {
    workspace,
    say: (text, chatId) => agent.handle({ chat: chatId ? { ...chat, id: chatId } : chat, text }),
    async cleanup() {
      await workspace.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * The pass rate this corpus reached when last measured: 559/563 (99.3 %; 557/561 before the two option-list cases of the lead's blind run) with issue 12's round 6 (34 phrasings of
 * the classes a second blind run missed — rules stated about a class of tickets, renewal periods, tickets without an
 * owner, documents called/named/titled X, an SLA horizon ahead, follow-ups on the one saved job in a fresh chat:
 * 6/34 before their code, 34/34 after). Before it: 523/527 (99.2 %) with issue 12's round 5 (62 phrasings of
 * the classes a blind run missed — dropped conditions, account questions, implied view objects and view deletion,
 * job edits in words, SLA filters and escalations in a period, workspace documents, entry changes and end-of-day
 * mutes, scheduled SLA lists: the first 50 passed 10/50 before their code; 6 on scheduled SLA lists, 1 more
 * escalation question and 3 without a schedule were written beside their code, 2 probed after it and seen failing
 * before their fix; 62/62 after). Before it: 461/465 (99.1 %) with issue 12's round 4 (31 phrasings of
 * people as recipients by name, report jobs in words and their edits, and a new request typed while a question
 * waits: 1/31 before their code, 31/31 after; 5 more probed after it, 3 of them seen failing before their fix;
 * two earlier cases that expected "message Priya/Marcus" to be refused or read as a role now expect person:<name>). The 4 failures left are known misses. A change that lowers it fails.
 */
const floor = 0.99;

const tierNames = { T1: 'Tier 1 - Support Lead', T2: 'Tier 2 - Engineering', T3: 'Tier 3 - Executive' } as const;
const closed = ['Resolved', 'Closed'];

type Check = string | undefined;

async function prepare(chat: OfflineChat, expectation: Expectation): Promise<void> {
  const { workspace } = chat;
  if ('view' in expectation) {
    const raw = JSON.parse(JSON.stringify(workspace.object(expectation.view.object ?? 'support_tickets').raw)) as Record<string, unknown>;
    delete raw.views;
    await workspace.saveObject(raw);
  }
  if ('object' in expectation && workspace.objects.has(expectation.object)) {
    const raw = JSON.parse(JSON.stringify(workspace.object(expectation.object).raw)) as { fields: { name: string }[] };
    const names = Object.keys(expectation.fields).map((name) => name.toLowerCase());
    const kept = raw.fields.filter((field) => !names.includes(field.name.toLowerCase()));
    if (kept.length !== raw.fields.length && kept.length > 0) await workspace.saveObject({ ...raw, fields: kept });
  }
}

async function tickets(chat: OfflineChat): Promise<Row[]> {
  return findEntries(chat.workspace, 'support_tickets', { limit: 5000 });
}

function probeRow(rows: Row[], probe: Probe): Row | undefined {
  const { title, customer } = probes[probe];
  const matching = rows.filter((row) => row.Title === title && row.Customer === customer);
  return matching.find((row) => !closed.includes(String(row.Status))) ?? matching[0];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a instanceof Date ? a.toISOString() : a) === JSON.stringify(b instanceof Date ? b.toISOString() : b);

async function checkJob(chat: OfflineChat, expectation: JobExpectation, before: Row[]): Promise<Check> {
  const { workspace } = chat;
  const jobs = await loadJobs(workspace);
  if (jobs.length === 0) return 'no job was saved';
  if (expectation.jobs !== undefined && jobs.length !== expectation.jobs) return `expected ${expectation.jobs} jobs, found ${jobs.length} (${jobs.map((job) => job.name).join(', ')})`;
  const newest = (list: JobDefinition[]) => [...list].sort((a, b) => statSync(workspace.path('jobs', `${b.name}.job.yaml`)).mtimeMs - statSync(workspace.path('jobs', `${a.name}.job.yaml`)).mtimeMs)[0]!;
  const target = expectation.name ? jobs.find((job) => job.name === expectation.name) : newest(jobs);
  if (!target) return `no job named ${expectation.name} (jobs: ${jobs.map((job) => job.name).join(', ')})`;
  if (expectation.schedule) {
    const now = workspace.clock.now();
    const want = nextRuns({ schedule: expectation.schedule }, now, 3, workspace.timeZone).map((at) => at.toISOString());
    const got = nextRuns(target, now, 3, workspace.timeZone).map((at) => at.toISOString());
    if (!same(want, got)) return `schedule "${target.schedule}" is not "${expectation.schedule}"`;
  }
  if (expectation.notify) {
    const named = [...new Set(jobs.flatMap((job) => job.rules.flatMap((rule) => rule.then.flatMap((action) => ('notify' in action ? action.notify.to : [])))))].sort();
    if (!same(named, [...expectation.notify].sort())) return `recipients ${JSON.stringify(named)}, expected ${JSON.stringify([...expectation.notify].sort())}`;
  }
  if (expectation.active !== undefined && !same(target.active ?? null, expectation.active)) return `active ${JSON.stringify(target.active ?? null)}, expected ${JSON.stringify(expectation.active)}`;
  if (expectation.enabled !== undefined && target.enabled !== expectation.enabled) return `enabled is ${String(target.enabled)}, expected ${String(expectation.enabled)}`;
  for (const job of jobs) await runJob(workspace, job.name);
  const after = await tickets(chat);
  const byId = new Map(after.map((row) => [String(row.id), row]));
  for (const row of before) {
    if (!closed.includes(String(row.Status))) continue;
    const now = byId.get(String(row.id));
    if (!now || now['Escalation Tier'] !== row['Escalation Tier'] || now.Status !== row.Status) return `closed ticket "${String(row.Title)}" (${String(row.Customer)}) was changed`;
  }
  if (expectation.tiers) {
    for (const probe of Object.keys(probes) as Probe[]) {
      const was = probeRow(before, probe)!;
      const is = probeRow(after, probe)!;
      const code = expectation.tiers[probe];
      const want = code ? tierNames[code] : was['Escalation Tier'];
      if (is['Escalation Tier'] !== want) return `${probe}: tier ${String(is['Escalation Tier'])}, expected ${String(want)}`;
    }
  }
  if (expectation.values) {
    for (const [probe, values] of Object.entries(expectation.values) as [Probe, Record<string, unknown>][]) {
      const is = probeRow(after, probe)!;
      for (const [field, value] of Object.entries(values)) if (!same(is[field], value)) return `${probe}: ${field} is ${String(is[field])}, expected ${String(value)}`;
    }
  }
  if (expectation.alerts) {
    const texts = (await listOutbox(workspace)).map((message) => message.text);
    for (const probe of Object.keys(probes) as Probe[]) {
      const alerted = texts.some((text) => text.includes(probes[probe].title) && text.includes(probes[probe].customer));
      if (alerted !== expectation.alerts.includes(probe)) return `${probe}: ${alerted ? 'alerted, but should not be' : 'not alerted'}`;
    }
  }
  return undefined;
}

/** A report job as saved, and what its last slot's report holds (a dry run: nothing is sent). */
async function checkReport(chat: OfflineChat, expectation: Extract<Expectation, { report: unknown }>['report']): Promise<Check> {
  const { workspace } = chat;
  const jobs = await loadJobs(workspace);
  if (expectation.jobs !== undefined && jobs.length !== expectation.jobs) return `expected ${expectation.jobs} jobs, found ${jobs.length} (${jobs.map((job) => job.name).join(', ')})`;
  const reports = jobs.filter(isReportJob);
  const target = expectation.name ? reports.find((job) => job.name === expectation.name) : reports[reports.length - 1];
  if (!target) return `no report job was saved (jobs: ${jobs.map((job) => job.name).join(', ') || 'none'})`;
  const now = workspace.clock.now();
  if (expectation.schedule) {
    const want = nextRuns({ schedule: expectation.schedule }, now, 3, workspace.timeZone).map((at) => at.toISOString());
    const got = nextRuns(target, now, 3, workspace.timeZone).map((at) => at.toISOString());
    if (!same(want, got)) return `schedule "${target.schedule}" is not "${expectation.schedule}"`;
  }
  if (expectation.to && !same([...target.report.to].sort(), [...expectation.to].sort())) return `report to ${JSON.stringify(target.report.to)}, expected ${JSON.stringify(expectation.to)}`;
  if (expectation.chart !== undefined && Boolean(target.report.chart) !== expectation.chart) return `chart is ${String(Boolean(target.report.chart))}, expected ${String(expectation.chart)}`;
  if (expectation.enabled !== undefined && target.enabled !== expectation.enabled) return `enabled is ${String(target.enabled)}, expected ${String(expectation.enabled)}`;
  // What the report of its last slot holds: the customers escalated in that period (those matching `customers`).
  const slot = lastSlotBetween(scheduleOf(target, workspace.timeZone), new Date(0), now) ?? now;
  const period = reportPeriod(scheduleOf(target, workspace.timeZone), slot);
  const got = (await reportCustomers(workspace, target.report, period)).sort();
  const where = expectation.customers ? `AND customer IN (SELECT "Name" FROM v_company WHERE ${expectation.customers})` : '';
  const wanted = (await workspace.db.query<{ customer: string }>(`SELECT DISTINCT customer FROM v_escalations WHERE escalated_at >= $1::TIMESTAMPTZ AND escalated_at < $2::TIMESTAMPTZ AND customer IS NOT NULL ${where}`, [period.start, period.end])).map((row) => row.customer).sort();
  return same(got, wanted) ? undefined : `the report names customers ${JSON.stringify(got)}, expected ${JSON.stringify(wanted)}`;
}

/** The customers a report's rows name: the built-in report's, or the `customer` column of its SQL's rows. */
async function reportCustomers(workspace: Workspace, report: ReportSpec, period: ReportPeriod): Promise<string[]> {
  const rows = report.builtin === 'escalations'
    ? await workspace.db.query(`SELECT DISTINCT customer FROM v_escalations WHERE escalated_at >= $1::TIMESTAMPTZ AND escalated_at < $2::TIMESTAMPTZ AND customer IS NOT NULL`, [period.start, period.end])
    : await readOnlyQuery(workspace.db, reportSql(report.sql!, period));
  return [...new Set(rows.map((row) => Object.entries(row).find(([column]) => /^customer$/i.test(column))?.[1]).filter((value) => value !== null && value !== undefined).map(String))];
}

/** The entry of a probe, or of the newest alert in the outbox ('last'). */
async function alertedEntry(chat: OfflineChat, rows: Row[], probe: Probe | 'last'): Promise<Row | undefined> {
  if (probe !== 'last') return probeRow(rows, probe);
  const [latest] = await chat.workspace.db.query<{ id: string }>(`SELECT json_extract_string(payload, '$.entryId') AS id FROM outbox WHERE json_extract_string(payload, '$.kind') = 'alert' ORDER BY sequence DESC LIMIT 1`);
  return rows.find((row) => String(row.id) === latest?.id);
}

async function check(chat: OfflineChat, expectation: Expectation, before: Row[], replies: string[]): Promise<Check> {
  const { workspace } = chat;
  if ('job' in expectation) return checkJob(chat, expectation.job, before);
  if ('report' in expectation) return checkReport(chat, expectation.report);
  if ('deletedJob' in expectation) {
    const jobs = await loadJobs(workspace);
    return jobs.length ? `jobs still saved: ${jobs.map((job) => job.name).join(', ')}` : undefined;
  }
  if ('noView' in expectation) {
    const views = workspace.object(expectation.noView.object ?? 'support_tickets').views.map((view) => view.name);
    return views.some((name) => name.toLowerCase() === expectation.noView.name.toLowerCase()) ? `the view "${expectation.noView.name}" is still there` : undefined;
  }
  if ('workspaceDocument' in expectation) {
    const words = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
    const names = listWorkspaceDocuments(workspace);
    const name = names.find((candidate) => (expectation.workspaceDocument.exact ? words(candidate) === words(expectation.workspaceDocument.name) : words(candidate).includes(words(expectation.workspaceDocument.name))));
    if (!name) return `no document named like "${expectation.workspaceDocument.name}" (documents: ${names.join(', ') || 'none'})`;
    const text = readWorkspaceDocument(workspace, name) ?? '';
    const missing = expectation.workspaceDocument.contains.filter((words) => !text.toLowerCase().includes(words.toLowerCase()));
    return missing.length ? `the document ${name} lacks ${JSON.stringify(missing)}` : undefined;
  }
  if ('alert' in expectation) {
    const { probe, action, values, snoozeHours } = expectation.alert;
    // The probe as it was before (the open one), read again by id: once resolved it is no longer the open one.
    const was = await alertedEntry(chat, before, probe);
    const row = was ? (await tickets(chat)).find((candidate) => String(candidate.id) === String(was.id)) : undefined;
    if (!row) return `no entry for ${probe}`;
    const logged = await workspace.db.query<{ action: string }>(`SELECT action FROM telegram_alert_actions WHERE entry_id = $1`, [String(row.id)]).catch(() => []);
    if (!logged.some((entry) => entry.action === action)) return `no ${action} logged on "${String(row.Title)}" (logged: ${logged.map((entry) => entry.action).join(', ') || 'none'})`;
    for (const [field, value] of Object.entries(values ?? {})) {
      if (value === 'set' ? row[field] === null || row[field] === undefined : !same(row[field] ?? null, value)) return `${field} is ${String(row[field])}, expected ${String(value)}`;
    }
    if (snoozeHours !== undefined) {
      const [snooze] = await workspace.db.query<{ until: Date }>(`SELECT until FROM telegram_snoozes WHERE entry_id = $1`, [String(row.id)]);
      const want = workspace.clock.now().getTime() + snoozeHours * 3_600_000;
      if (!snooze || snooze.until.getTime() !== want) return `snoozed until ${snooze ? snooze.until.toISOString() : 'never'}, expected ${new Date(want).toISOString()}`;
    }
    if (action === 'mute') {
      const [mute] = await workspace.db.query<{ until: Date }>(`SELECT until FROM mutes WHERE entry_id = $1 AND until > $2::TIMESTAMPTZ`, [String(row.id), workspace.clock.now()]);
      if (!mute) return 'not muted';
    }
    return undefined;
  }
  if ('mute' in expectation) {
    const { object, entry, until, hours } = expectation.mute;
    await ensureJobTables(workspace.db);
    const definition = workspace.object(object);
    const [target] = await findEntries(workspace, object, { filter: { field: definition.displayField, operator: 'is', value: entry }, limit: 1 });
    if (!target) return `no ${object} "${entry}"`;
    const [mute] = await workspace.db.query<{ until: Date }>(`SELECT until FROM mutes WHERE object = $1 AND entry_id = $2`, [definition.name, String(target.id)]);
    const want = until ?? new Date(workspace.clock.now().getTime() + (hours ?? 0) * 3_600_000).toISOString();
    return mute?.until.toISOString() === want ? undefined : `muted until ${mute ? mute.until.toISOString() : 'never'}, expected ${want}`;
  }
  if ('object' in expectation) {
    const definition = workspace.objects.get(expectation.object);
    if (!definition) return `no object ${expectation.object}`;
    for (const [name, wanted] of Object.entries(expectation.fields)) {
      const field = findField(definition, name);
      const want = typeof wanted === 'string' ? { type: wanted } : wanted;
      if (!field) return `${expectation.object} has no field ${name} (fields: ${definition.fields.map((candidate) => candidate.name).join(', ')})`;
      if (field.type !== want.type) return `${name} is ${field.type}, expected ${want.type}`;
      if (want.options && !same(field.options, want.options)) return `${name} options ${JSON.stringify(field.options)}, expected ${JSON.stringify(want.options)}`;
      if (want.related && field.relatedObject !== want.related) return `${name} relates to ${field.relatedObject}, expected ${want.related}`;
    }
    return undefined;
  }
  if ('entry' in expectation) {
    const { title, customer, values } = expectation.entry;
    const rows = (await findEntries(workspace, expectation.entry.object ?? 'support_tickets', { filter: { field: workspace.object(expectation.entry.object ?? 'support_tickets').displayField, operator: 'is', value: title }, limit: 50 })).filter((row) => !customer || row.Customer === customer);
    // The entry that was open before the case, read again by id (once resolved, another closed one may share its title).
    const wasOpen = (expectation.entry.object ?? 'support_tickets') === 'support_tickets' ? before.find((candidate) => candidate.Title === title && (!customer || candidate.Customer === customer) && !closed.includes(String(candidate.Status))) : undefined;
    const row = (wasOpen && rows.find((candidate) => String(candidate.id) === String(wasOpen.id))) ?? rows.find((candidate) => !closed.includes(String(candidate.Status))) ?? rows[0];
    if (!row) return `no entry "${title}"`;
    if (!customer && rows.length !== 1) return `${rows.length} entries "${title}"`;
    for (const [field, value] of Object.entries(values)) {
      if (value === 'set' ? row[field] === null || row[field] === undefined : !same(row[field] ?? null, value)) return `${field} is ${String(row[field])}, expected ${String(value)}`;
    }
    return undefined;
  }
  if ('view' in expectation) {
    const objectName = expectation.view.object ?? 'support_tickets';
    if (!workspace.object(objectName).views.some((view) => view.name === expectation.view.name)) return `no view "${expectation.view.name}" (views: ${workspace.object(objectName).views.map((view) => view.name).join(', ')})`;
    const shown = (await findEntries(workspace, objectName, { view: expectation.view.name, limit: 5000 })).map((row) => String(row.id)).sort();
    const wanted = (await workspace.db.query<{ id: string }>(`SELECT id FROM v_${objectName} WHERE ${expectation.view.where}`)).map((row) => String(row.id)).sort();
    return same(shown, wanted) ? undefined : `view shows ${shown.length} entries, expected ${wanted.length}`;
  }
  if ('document' in expectation) {
    const row = probeRow(before, expectation.document.probe)!;
    const document = readDocument(workspace, 'support_tickets', String(row.id)) ?? '';
    const missing = expectation.document.contains.filter((words) => !document.toLowerCase().includes(words.toLowerCase()));
    return missing.length ? `the document lacks ${JSON.stringify(missing)}` : undefined;
  }
  const jobs = await loadJobs(workspace);
  if (jobs.length) return `a job was saved: ${jobs.map((job) => job.name).join(', ')}`;
  const after = await tickets(chat);
  if (after.length !== before.length) return 'tickets were added';
  const byId = new Map(before.map((row) => [String(row.id), row]));
  const watched = ['Status', 'Escalation Tier', 'First Response Date', 'Assigned To', 'Priority'];
  if (after.some((row) => watched.some((field) => !same(row[field] ?? null, byId.get(String(row.id))?.[field] ?? null)))) return 'a ticket was changed';
  const text = replies.join('\n');
  const missing = (expectation.replyHas ?? []).filter((words) => !text.includes(words));
  if (missing.length) return `the answer lacks ${JSON.stringify(missing)}`;
  const extra = (expectation.replyLacks ?? []).filter((words) => text.includes(words));
  return extra.length ? `the answer names ${JSON.stringify(extra)}` : undefined;
}

async function runCase(item: CorpusCase): Promise<Check> {
  const chat = await offlineChat(item.without ? { without: item.without } : {});
  try {
    await prepare(chat, item.expect);
    if (item.setup) {
      for (const message of item.setup.say) await chat.say(message, item.setup.otherChat ? 'setup' : undefined);
      if (item.setup.run) for (const job of await loadJobs(chat.workspace)) await runJob(chat.workspace, job.name);
      if (item.setup.holds && (await chat.workspace.db.query(item.setup.holds)).length === 0) return `the setup did not take: ${item.setup.holds}`;
    }
    const before = item.without?.includes('support_tickets') ? [] : await tickets(chat);
    const messages = typeof item.say === 'string' ? [item.say] : item.say;
    const replies: string[] = [];
    for (const message of messages) replies.push((await chat.say(message)).text);
    if (messages[messages.length - 1] !== 'yes') replies.push((await chat.say('yes')).text);
    try {
      const problem = await check(chat, item.expect, before, replies);
      // CORPUS_REPLIES=1 shows what was answered beside each failure (for reading a miss, never for checking).
      return problem && process.env.CORPUS_REPLIES ? `${problem}\n        replies: ${replies.join(' ⏎ ').replace(/\n/g, ' ¶ ').slice(0, 600)}` : problem;
    } catch (error) {
      return `check failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  } catch (error) {
    return `error: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await chat.cleanup();
  }
}

describe('offline corpus', () => {
  it(`reads at least ${Math.round(floor * 100)} % of the corpus's instructions into the right persisted result`, async () => {
    const only = process.env.CORPUS_ONLY;
    const source = process.env.CORPUS_SOURCE;
    const cases = only ? corpus.filter((item) => JSON.stringify(item.say).toLowerCase().includes(only.toLowerCase())) : source ? corpus.filter((item) => item.source === source) : corpus;
    const failures: string[] = [];
    const healed: string[] = [];
    let passed = 0;
    const passedItems = new Set<CorpusCase>();
    for (const item of cases) {
      const problem = await runCase(item);
      if (!problem) passedItems.add(item);
      const first = (typeof item.say === 'string' ? item.say : item.say.join(' ⏎ ')).replace(/\s+/g, ' ').slice(0, 110);
      if (!problem) {
        passed++;
        if (item.knownMiss) healed.push(first);
      } else failures.push(`${item.knownMiss ? '[known miss] ' : ''}${first}\n      → ${problem}`);
    }
    const seed = cases.filter((item) => item.source === 'seed');
    const later = cases.filter((item) => item.source === 'later');
    const laterPassed = later.filter((item) => !failures.some((failure) => failure.includes((typeof item.say === 'string' ? item.say : item.say.join(' ⏎ ')).replace(/\s+/g, ' ').slice(0, 110)))).length;
    const round3 = cases.filter((item) => item.source === 'round3');
    const round3Passed = round3.filter((item) => passedItems.has(item)).length;
    const round3b = cases.filter((item) => item.source === 'round3b');
    const round3bPassed = round3b.filter((item) => passedItems.has(item)).length;
    const round4 = cases.filter((item) => item.source === 'round4');
    const round4Passed = round4.filter((item) => passedItems.has(item)).length;
    const round5 = cases.filter((item) => item.source === 'round5');
    const round5Passed = round5.filter((item) => passedItems.has(item)).length;
    const round6 = cases.filter((item) => item.source === 'round6');
    const round6Passed = round6.filter((item) => passedItems.has(item)).length;
    const rate = passed / cases.length;
    const lines = [`offline corpus: ${passed}/${cases.length} passed (${(rate * 100).toFixed(1)} %); the seed's own ${seed.length - failures.filter((failure) => seed.some((item) => failure.includes((typeof item.say === 'string' ? item.say : item.say.join(' ⏎ ')).replace(/\s+/g, ' ').slice(0, 110)))).length}/${seed.length}; written after the rework ${laterPassed}/${later.length}; round 3 ${round3Passed}/${round3.length}, written after its code ${round3bPassed}/${round3b.length}; round 4 ${round4Passed}/${round4.length}; round 5 ${round5Passed}/${round5.length}; round 6 ${round6Passed}/${round6.length}`, ...failures.map((failure) => `  ✗ ${failure}`)];
    if (healed.length) lines.push('known misses that now pass:', ...healed.map((text) => `  ✓ ${text}`));
    lines.push(lines[0]!);
    console.log(lines.join('\n'));
    expect(rate).toBeGreaterThanOrEqual(only || source ? 0 : floor);
  }, 1_800_000);
});
