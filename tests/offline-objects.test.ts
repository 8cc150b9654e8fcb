// The offline brain on objects and fields: the seed's Step 1 and the FAQ's Backup Owner as written, and variations,
// checked by the definitions that got saved.
import { findField } from '../objects/object-schema';
import { createEntries, findEntries } from '../objects/entries';
import { offlineChat, type OfflineChat } from './offline-chat';
import { seedBackupOwner, seedStep1 } from './fixtures/seed-instructions';

let chat: OfflineChat;
afterEach(async () => chat.cleanup());

function fieldsOf(chatValue: OfflineChat, object: string) {
  return chatValue.workspace.object(object).fields.map((field) => ({
    name: field.name,
    type: field.type,
    ...(field.options ? { options: field.options } : {}),
    ...(field.relatedObject ? { related: field.relatedObject } : {}),
  }));
}

describe('offline brain: creating objects', () => {
  it("creates the seed's support_tickets object from Step 1 as written, with the seed's option lists and a Status board", async () => {
    chat = await offlineChat({ demo: false, without: ['support_tickets'] });
    expect(chat.workspace.objects.has('support_tickets')).toBe(false);
    await chat.write(seedStep1);
    const definition = chat.workspace.object('support_tickets');
    expect(fieldsOf(chat, 'support_tickets')).toEqual([
      { name: 'Title', type: 'text' },
      { name: 'Description', type: 'richtext' },
      { name: 'Customer', type: 'relation', related: 'company' },
      { name: 'Contact', type: 'relation', related: 'people' },
      { name: 'Priority', type: 'enum', options: ['P1 - Critical', 'P2 - High', 'P3 - Medium', 'P4 - Low'] },
      { name: 'Status', type: 'enum', options: ['Open', 'In Progress', 'Waiting on Customer', 'Escalated', 'Resolved', 'Closed'] },
      { name: 'Assigned To', type: 'text' },
      { name: 'Opened Date', type: 'date' },
      { name: 'First Response Date', type: 'date' },
      { name: 'Resolved Date', type: 'date' },
      { name: 'Escalated', type: 'boolean' },
      { name: 'Escalation Tier', type: 'enum', options: ['None', 'Tier 1 - Support Lead', 'Tier 2 - Engineering', 'Tier 3 - Executive'] },
      { name: 'Account Tier', type: 'enum', options: ['Enterprise', 'Mid-Market', 'SMB', 'Trial'] },
    ]);
    expect(definition.kanbanField).toBe('Status');
    await createEntries(chat.workspace, 'support_tickets', [{ Title: 'works', Priority: 'P1', Escalated: 'no', 'Opened Date': '2026-04-14 09:00' }], { by: 'test' });
    expect(await findEntries(chat.workspace, 'support_tickets')).toHaveLength(1);
  });

  it('saying Step 1 again on a workspace that has support_tickets changes nothing', async () => {
    chat = await offlineChat({ demo: false });
    const before = JSON.stringify(fieldsOf(chat, 'support_tickets'));
    await chat.write(seedStep1);
    expect(JSON.stringify(fieldsOf(chat, 'support_tickets'))).toBe(before);
  });

  it('creates other objects with inline options, relations by plural name and type synonyms', async () => {
    chat = await offlineChat({ demo: false });
    await chat.write('Make an object called escalation_reviews with fields: ticket (relation to support_tickets), summary (richtext), severity (enum: Minor, Major, Critical), review_date (date), follow_up_done (boolean)');
    expect(fieldsOf(chat, 'escalation_reviews')).toEqual([
      { name: 'Ticket', type: 'relation', related: 'support_tickets' },
      { name: 'Summary', type: 'richtext' },
      { name: 'Severity', type: 'enum', options: ['Minor', 'Major', 'Critical'] },
      { name: 'Review Date', type: 'date' },
      { name: 'Follow Up Done', type: 'boolean' },
    ]);
    await chat.write('Set up a renewals object with: account (relation to companies), renewal_date (date), amount (currency), stage (select: Upcoming, In Negotiation, Won, Lost), notes (long text)');
    expect(fieldsOf(chat, 'renewals')).toEqual([
      { name: 'Account', type: 'relation', related: 'company' },
      { name: 'Renewal Date', type: 'date' },
      { name: 'Amount', type: 'number' },
      { name: 'Stage', type: 'enum', options: ['Upcoming', 'In Negotiation', 'Won', 'Lost'] },
      { name: 'Notes', type: 'richtext' },
    ]);
    await chat.write('add a feature_requests table with fields title (text); votes (number); requester (relation to people); shipped (yes/no)');
    expect(fieldsOf(chat, 'feature_requests')).toEqual([
      { name: 'Title', type: 'text' },
      { name: 'Votes', type: 'number' },
      { name: 'Requester', type: 'relation', related: 'people' },
      { name: 'Shipped', type: 'boolean' },
    ]);
  });

  it('takes a known field\'s options from the standard definition and puts a Status field on the board', async () => {
    chat = await offlineChat({ demo: false });
    await chat.write('create a bug_reports object with these fields: title (text), severity (enum: Sev1, Sev2, Sev3), reported_date (date), customer (relation to company), status (enum)');
    const definition = chat.workspace.object('bug_reports');
    expect(findField(definition, 'Status')?.options).toEqual(['Open', 'In Progress', 'Waiting on Customer', 'Escalated', 'Resolved', 'Closed']);
    expect(definition.kanbanField).toBe('Status');
  });

  it('asks for the options of an enum it cannot know, and creates the object with the answer', async () => {
    chat = await offlineChat({ demo: false });
    const question = await chat.write('Create an incidents object with fields: title (text), impact (enum), started_at (date)');
    expect(chat.workspace.objects.has('incidents')).toBe(false);
    expect(question.text).toMatch(/options should Impact have/);
    await chat.write('Low, Medium, High');
    expect(findField(chat.workspace.object('incidents'), 'Impact')?.options).toEqual(['Low', 'Medium', 'High']);
    expect(findField(chat.workspace.object('incidents'), 'Started At')?.type).toBe('date');
  });

  it('does not take a bare "yes" as the options it asked for, and asks again', async () => {
    chat = await offlineChat({ demo: false });
    await chat.write('Create an incidents object with fields: title (text), impact (enum)');
    const again = await chat.write('yes');
    expect(again.text).toMatch(/options should Impact have/);
    expect(chat.workspace.objects.has('incidents')).toBe(false);
    await chat.write('Minor, Major');
    expect(findField(chat.workspace.object('incidents'), 'Impact')?.options).toEqual(['Minor', 'Major']);
  });

  it('refuses an unknown field type or a relation to a missing object, creating nothing', async () => {
    chat = await offlineChat({ demo: false });
    const reply = await chat.write('create a gadgets object with fields: name (text), blob (binary)');
    expect(reply.text).toMatch(/"binary" is not a field type I know for Blob/);
    const relation = await chat.write('create a gizmos object with fields: name (text), maker (relation to vendors)');
    expect(relation.text).toMatch(/"vendors", which is not an object here/);
    expect(chat.workspace.objects.has('gadgets') || chat.workspace.objects.has('gizmos')).toBe(false);
  });
});

describe('offline brain: adding fields', () => {
  async function withoutBackupOwner(): Promise<OfflineChat> {
    const value = await offlineChat();
    const raw = JSON.parse(JSON.stringify(value.workspace.object('company').raw)) as { fields: { name: string }[] };
    raw.fields = raw.fields.filter((field) => field.name !== 'Backup Owner');
    await value.workspace.saveObject(raw);
    return value;
  }

  it("adds the FAQ's Backup Owner field to company as written (text, existing data kept)", async () => {
    chat = await withoutBackupOwner();
    expect(findField(chat.workspace.object('company'), 'Backup Owner')).toBeUndefined();
    await chat.write(seedBackupOwner);
    expect(findField(chat.workspace.object('company'), 'Backup Owner')?.type).toBe('text');
    const [acme] = await findEntries(chat.workspace, 'company', { filter: { field: 'Name', operator: 'is', value: 'Acme Corp' } });
    expect(acme).toMatchObject({ 'Backup Owner': 'Diego Alvarez', 'Account Owner': 'Sarah Chen' });
  });

  it('adds fields phrased other ways: with a type, an enum with options, several at once, "needs", "put … on"', async () => {
    chat = await withoutBackupOwner();
    await chat.write('add backup owner (text) to the company object');
    expect(findField(chat.workspace.object('company'), 'Backup Owner')?.type).toBe('text');
    await chat.write('add a Renewal Risk field (enum: Low, Medium, High) to company');
    expect(findField(chat.workspace.object('company'), 'Renewal Risk')).toMatchObject({ type: 'enum', options: ['Low', 'Medium', 'High'] });
    await chat.write('Add fields Region (enum: EMEA, AMER, APAC) and Seats (number) to the company object');
    expect(findField(chat.workspace.object('company'), 'Region')?.options).toEqual(['EMEA', 'AMER', 'APAC']);
    expect(findField(chat.workspace.object('company'), 'Seats')?.type).toBe('number');
    await chat.write('company needs a CSM field');
    expect(findField(chat.workspace.object('company'), 'CSM')?.type).toBe('text');
    await chat.write('put a Churn Date field (date) on company');
    expect(findField(chat.workspace.object('company'), 'Churn Date')?.type).toBe('date');
    await chat.write('add an Escalation Notes (richtext) field to support tickets');
    expect(findField(chat.workspace.object('support_tickets'), 'Escalation Notes')?.type).toBe('richtext');
  });

  it('says a new field back and adds it only after yes; no keeps the object as it was', async () => {
    chat = await offlineChat({ demo: false });
    const proposal = await chat.say('add a date field named Last QBR to company');
    expect(proposal.text).toMatch(/I would add to company: Last QBR \(date\)/);
    expect(findField(chat.workspace.object('company'), 'Last QBR')).toBeUndefined();
    await chat.say('yes');
    expect(findField(chat.workspace.object('company'), 'Last QBR')?.type).toBe('date');
    await chat.say('Add a Segment field to companies: an enum of Startup, Growth, Corporate');
    await chat.say('no');
    expect(findField(chat.workspace.object('company'), 'Segment')).toBeUndefined();
  });

  it('says plainly when the object does not exist, changing nothing', async () => {
    chat = await offlineChat({ demo: false });
    const reply = await chat.write('add a Region field to the vendors object');
    expect(reply.text).toMatch(/no object "vendors"/);
  });
});
