import { loadDemo } from '../objects/demo';
import { countEntries, createEntries, findEntries } from '../objects/entries';
import { normalizeFilter, type Filter } from '../objects/filter';
import { compileFilter, SqlParameters } from '../objects/filter-compiler';
import { createTestWorkspace, type TestWorkspace } from './helpers';

describe('the filter language on the demo workspace', () => {
  let test: TestWorkspace;
  beforeAll(async () => {
    test = await createTestWorkspace({ populate: async (workspace) => void (await loadDemo(workspace)) });
  });
  afterAll(async () => test.cleanup());

  const titles = async (filter: unknown) =>
    (await findEntries(test.workspace, 'support_tickets', { filter: normalizeFilter(filter) })).map((row) => String(row.Title)).sort();

  it("finds the seed's P1 tickets open more than 30 minutes without a first response", async () => {
    const found = await titles({
      all: [
        { field: 'Priority', operator: 'is', value: 'P1 - Critical' },
        { field: 'Status', operator: 'is_none_of', value: ['Resolved', 'Closed'] },
        { field: 'First Response Date', operator: 'is_empty' },
        { field: 'Opened Date', operator: 'older_than', value: '30m' },
      ],
    });
    expect(found).toEqual(['Checkout page returns 500', 'Unable to export data']);
  });

  it('goes one hop through a relation: P2 tickets from Enterprise accounts open more than 4 hours', async () => {
    const found = await titles({
      all: [
        { field: 'Priority', operator: 'is', value: 'P2' },
        { field: 'Customer.Account Tier', operator: 'is', value: 'Enterprise' },
        { field: 'Status', operator: 'is_any_of', value: ['Open', 'In Progress', 'Escalated'] },
        { field: 'Opened Date', operator: 'older_than', value: '4h' },
      ],
    });
    expect(found).toContain('SSO login loop for EU users');
    expect(found).not.toContain('Webhook deliveries delayed');
  });

  it('older_than includes the exact threshold instant, newer_than excludes it', async () => {
    const acme = { all: [{ field: 'Title', operator: 'is', value: 'Unable to export data' }, { field: 'Customer', operator: 'is', value: 'acme corp' }, { field: 'Status', operator: 'is', value: 'Open' }] };
    expect(await titles({ all: [acme, { field: 'Opened Date', operator: 'older_than', value: '47m' }] })).toEqual(['Unable to export data']);
    expect(await titles({ all: [acme, { field: 'Opened Date', operator: 'older_than', value: '48 minutes' }] })).toEqual([]);
    expect(await titles({ all: [acme, { field: 'Opened Date', operator: 'newer_than', value: '47m' }] })).toEqual([]);
  });

  it("accepts the seed's {operator: in, values} and DenchClaw's {conjunction, rules}", async () => {
    const seed = await countEntries(test.workspace, 'support_tickets', normalizeFilter([{ field: 'Status', operator: 'in', values: ['Open', 'Escalated'] }]));
    const dench = await countEntries(test.workspace, 'support_tickets', normalizeFilter({ conjunction: 'or', rules: [{ field: 'Status', operator: 'is', value: 'Open' }, { field: 'Status', operator: 'equals', value: 'escalated' }] }));
    expect(seed).toBe(dench);
    expect(seed).toBeGreaterThan(5);
  });

  it('treats a missing value as not matching inside not, so not(is Resolved) includes empty statuses', async () => {
    const [id] = await createEntries(test.workspace, 'support_tickets', [{ Title: 'no status yet' }], { by: 'test' });
    const found = await findEntries(test.workspace, 'support_tickets', { filter: { not: { field: 'Status', operator: 'is', value: 'Resolved' } } });
    expect(found.map((row) => row.id)).toContain(id);
  });

  it('counts escalated tickets per Enterprise account in Q1 with a period value', async () => {
    const filter: Filter = normalizeFilter({
      all: [
        { field: 'Escalated', operator: 'is_true' },
        { field: 'Customer.Account Tier', operator: 'is', value: 'Enterprise' },
        { field: 'Opened Date', operator: 'on', value: 'Q1 2026' },
      ],
    });
    const rows = await findEntries(test.workspace, 'support_tickets', { filter });
    const perCustomer = new Map<string, number>();
    for (const row of rows) perCustomer.set(String(row.Customer), (perCustomer.get(String(row.Customer)) ?? 0) + 1);
    expect([...perCustomer].filter(([, count]) => count > 2).map(([name]) => name).sort()).toEqual(['Acme Corp', 'Initech']);
  });

  it('never splices values into SQL', async () => {
    const parameters = new SqlParameters();
    const compiled = compileFilter(test.workspace.object('support_tickets'), normalizeFilter({ field: 'Title', operator: 'contains', value: "'; DROP TABLE obj_company; --" }), test.workspace.compileContext(), parameters);
    expect(compiled.where).not.toContain('DROP');
    expect(parameters.values).toContain("'; DROP TABLE obj_company; --");
    expect(await titles({ field: 'Title', operator: 'contains', value: "'; DROP TABLE obj_company; --" })).toEqual([]);
    expect(await countEntries(test.workspace, 'company')).toBe(12);
  });

  it('refuses an unknown field with a suggestion and an operator that does not fit the type', async () => {
    expect(() => compileFilter(test.workspace.object('support_tickets'), normalizeFilter({ field: 'Customer.Acount Tier', operator: 'is', value: 'SMB' }), test.workspace.compileContext(), new SqlParameters()))
      .toThrow(/unknown field "Customer.Acount Tier" on company; did you mean "Customer.Account Tier"\?/);
    expect(() => compileFilter(test.workspace.object('support_tickets'), normalizeFilter({ field: 'Opened Date', operator: 'contains', value: 'x' }), test.workspace.compileContext(), new SqlParameters()))
      .toThrow(/operator contains does not apply to date field Opened Date/);
    expect(() => normalizeFilter({ field: 'Status', operator: 'resembles', value: 'x' })).toThrow(/unknown operator "resembles"/);
  });

  it('compares enums by option order with gt/lt and numbers with between', async () => {
    const belowTier2 = await countEntries(test.workspace, 'support_tickets', normalizeFilter({ field: 'Escalation Tier', operator: 'lt', value: 'Tier 2' }));
    const none = await countEntries(test.workspace, 'support_tickets', normalizeFilter({ field: 'Escalation Tier', operator: 'is_any_of', value: ['None', 'Tier 1'] }));
    expect(belowTier2).toBe(none);
    const mid = await findEntries(test.workspace, 'company', { filter: normalizeFilter({ field: 'Contract Value', operator: 'between', value: ['40k', '$80,000'] }) });
    expect(mid.map((row) => row.Name).sort()).toEqual(['Hooli Retail', 'Stark Logistics', 'Wayne Analytics']);
  });
});

describe('paths through a relation', () => {
  let test: TestWorkspace;
  beforeAll(async () => {
    test = await createTestWorkspace();
    await createEntries(test.workspace, 'company', [{ Name: 'Big', 'Account Tier': 'Enterprise' }, { Name: 'Small', 'Account Tier': 'SMB' }, { Name: 'Unknown' }], { by: 'test' });
    await createEntries(test.workspace, 'support_tickets', [
      { Title: 'big', Customer: 'Big' },
      { Title: 'small', Customer: 'Small' },
      { Title: 'unknown tier', Customer: 'Unknown' },
      { Title: 'no customer' },
    ], { by: 'test' });
  });
  afterAll(async () => test.cleanup());

  const titles = async (filter: unknown) =>
    (await findEntries(test.workspace, 'support_tickets', { filter: normalizeFilter(filter) })).map((row) => String(row.Title)).sort();

  it('match only entries whose related entry meets the condition', async () => {
    expect(await titles({ field: 'Customer.Account Tier', operator: 'is', value: 'Enterprise' })).toEqual(['big']);
    expect(await titles({ field: 'Customer.Account Tier', operator: 'is_any_of', value: ['Enterprise', 'SMB'] })).toEqual(['big', 'small']);
  });

  it('count a missing related entry as empty', async () => {
    expect(await titles({ field: 'Customer.Account Tier', operator: 'is_empty' })).toEqual(['no customer', 'unknown tier']);
    expect(await titles({ field: 'Customer.Account Tier', operator: 'is_not', value: 'Enterprise' })).toEqual(['no customer', 'small', 'unknown tier']);
    expect(await titles({ not: { field: 'Customer.Account Tier', operator: 'is', value: 'Enterprise' } })).toEqual(['no customer', 'small', 'unknown tier']);
  });
});
