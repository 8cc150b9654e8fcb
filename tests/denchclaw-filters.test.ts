// DenchClaw's own filter and view tests, translated to escalator's terms. Each case names the DenchClaw test it
// comes from (DenchHQ/DenchClaw @ 920bb1d12a6e0cd4011c2bfd9830e85164d581f4, apps/web/...). Cases marked
// "semantics" come from what DenchClaw's filter code does (apps/web/lib/object-filters.ts buildRuleSQL), for which
// its tests have no case. A case DenchClaw answers that escalator deliberately does not is listed at the end.
import { createEntries, findEntries } from '../objects/entries';
import { normalizeFilter } from '../objects/filter';
import { compileFilter, SqlParameters } from '../objects/filter-compiler';
import { definitionFrom } from '../objects/object-files';
import { activeViewOf, kanbanFieldOf, viewSettingsOf, viewTypeOf, viewTypes, type ObjectDefinition } from '../objects/object-schema';
import { createTestWorkspace, type TestWorkspace } from './helpers';

const filtersTest = 'object-filters.test.ts';
const viewTypesTest = 'object-view-types.test.ts';
const activeViewTest = 'object-view-active-view.test.ts';
const semantics = 'object-filters.ts buildRuleSQL (semantics)';

const definition = (data: Record<string, unknown>): ObjectDefinition => definitionFrom({ fields: [{ name: 'Name', type: 'text' }], ...data }, 'test');

describe(`DenchClaw ${filtersTest}`, () => {
  let test: TestWorkspace;
  beforeAll(async () => {
    test = await createTestWorkspace();
    await test.workspace.saveObject({
      name: 'task',
      fields: [{ name: 'Title', type: 'text' }, { name: 'Due Date', type: 'date' }, { name: 'Score', type: 'number' }],
    });
    await createEntries(test.workspace, 'task', ['2026-03-10', '2026-02-28', '2026-04-01', '2026-03-01', '2026-03-31'].map((day, index) => ({ Title: day, 'Due Date': day, Score: [5, 10, 30, 50, 51][index] })), { by: 'test' });
  });
  afterAll(async () => test.cleanup());
  // Compared as sets: DenchClaw's matchesFilter keeps the input order, its SQL lists newest first.
  const titles = async (filter: unknown) => (await findEntries(test.workspace, 'task', { filter: normalizeFilter(filter) })).map((row) => String(row.Title)).sort();

  it(`normalizeFilterRule › splits array value into value/valueTo for date_between (${filtersTest})`, () => {
    expect(normalizeFilter({ id: 'r1', field: 'Due Date', operator: 'date_between', value: ['2026-03-01', '2026-03-31'] })).toMatchObject({ operator: 'date_between', value: ['2026-03-01', '2026-03-31'] });
  });
  it(`normalizeFilterRule › splits array value into value/valueTo for numeric between (${filtersTest})`, () => {
    expect(normalizeFilter({ id: 'r2', field: 'Score', operator: 'between', value: ['10', '50'] })).toMatchObject({ operator: 'between', value: ['10', '50'] });
  });
  it(`normalizeFilterRule › does not touch date_between when valueTo already set (${filtersTest})`, () => {
    expect(normalizeFilter({ id: 'r3', field: 'Due Date', operator: 'date_between', value: '2026-03-01', valueTo: '2026-03-31' })).toMatchObject({ value: ['2026-03-01', '2026-03-31'] });
  });
  it(`normalizeFilterRule › does not touch non-range operators (${filtersTest})`, () => {
    const rule = normalizeFilter({ id: 'r4', field: 'Status', operator: 'is_any_of', value: ['In Progress', 'Done'] });
    expect(rule).toMatchObject({ operator: 'is_any_of', value: ['In Progress', 'Done'] });
    expect(rule).not.toHaveProperty('valueTo');
  });
  it(`normalizeFilterGroup › recursively normalizes nested groups (${filtersTest})`, () => {
    const group = normalizeFilter({
      id: 'root', conjunction: 'and',
      rules: [
        { id: 'f1', field: 'Due Date', operator: 'date_between', value: ['2026-03-01', '2026-03-31'] },
        { id: 'nested', conjunction: 'or', rules: [{ id: 'f2', field: 'Score', operator: 'between', value: ['1', '100'] }] },
      ],
    });
    expect(group).toMatchObject({ all: [{ value: ['2026-03-01', '2026-03-31'] }, { any: [{ value: ['1', '100'] }] }] });
  });
  it(`matchesFilter with array-style date_between › correctly filters with normalized value/valueTo (${filtersTest})`, async () => {
    expect(await titles({ id: 'root', conjunction: 'and', rules: [{ id: 'f1', field: 'Due Date', operator: 'date_between', value: '2026-03-01', valueTo: '2026-03-31' }] })).toEqual(['2026-03-01', '2026-03-10', '2026-03-31']);
  });
  it(`matchesFilter with array-style date_between › correctly filters with array-style value (defensive fallback) (${filtersTest})`, async () => {
    expect(await titles({ id: 'root', conjunction: 'and', rules: [{ id: 'f1', field: 'Due Date', operator: 'date_between', value: ['2026-03-01', '2026-03-31'] }] })).toEqual(['2026-03-01', '2026-03-10', '2026-03-31']);
  });
  it(`buildWhereClause with array-style date_between › builds correct SQL with value/valueTo (${filtersTest})`, () => {
    const parameters = new SqlParameters();
    const compiled = compileFilter(test.workspace.object('task'), normalizeFilter({ id: 'root', conjunction: 'and', rules: [{ id: 'f1', field: 'Due Date', operator: 'date_between', value: '2026-03-01', valueTo: '2026-03-31' }] }), test.workspace.compileContext(), parameters);
    // Both ends inclusive by day, as CAST(… AS DATE) BETWEEN '2026-03-01' AND '2026-03-31'; values as parameters.
    expect(compiled.where).not.toContain('2026');
    expect(parameters.values).toEqual(['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
  });
  it(`buildWhereClause with array-style date_between › builds correct SQL with array-style value (defensive fallback) (${filtersTest})`, () => {
    const parameters = new SqlParameters();
    compileFilter(test.workspace.object('task'), normalizeFilter({ id: 'root', conjunction: 'and', rules: [{ id: 'f1', field: 'Due Date', operator: 'date_between', value: ['2026-03-01', '2026-03-31'] }] }), test.workspace.compileContext(), parameters);
    expect(parameters.values).toEqual(['2026-03-01T00:00:00.000Z', '2026-04-01T00:00:00.000Z']);
  });
  it(`buildWhereClause with array-style numeric between › builds correct SQL with array-style value (${filtersTest})`, async () => {
    expect(await titles({ id: 'root', conjunction: 'and', rules: [{ id: 'f1', field: 'Score', operator: 'between', value: ['10', '50'] }] })).toEqual(['2026-02-28', '2026-03-01', '2026-04-01']);
  });
});

describe(`DenchClaw ${viewTypesTest}`, () => {
  const withDefault = (defaultView?: string, views: Record<string, unknown>[] = []) => definition({ name: 'thing', ...(defaultView ? { default_view: defaultView } : {}), views });

  it(`resolveViewType › uses saved view's view_type when present (${viewTypesTest})`, () => {
    const object = withDefault('table', [{ name: 'Board', view_type: 'kanban' }]);
    expect(viewTypeOf(object, object.views[0], 'table')).toBe('kanban');
  });
  it(`resolveViewType › falls back to currentViewType when saved view has no view_type (${viewTypesTest})`, () => {
    const object = withDefault('table', [{ name: 'Filtered' }]);
    expect(viewTypeOf(object, object.views[0], 'calendar')).toBe('calendar');
  });
  it(`resolveViewType › falls back to object default when both saved view and current are undefined (${viewTypesTest})`, () => {
    expect(viewTypeOf(withDefault('kanban'))).toBe('kanban');
  });
  it(`resolveViewType › falls back to 'table' when nothing is specified (${viewTypesTest})`, () => {
    expect(viewTypeOf(withDefault())).toBe('table');
  });
  it(`resolveViewType › rejects invalid view types in saved view and falls through (${viewTypesTest})`, () => {
    const object = withDefault('kanban', [{ name: 'Bad', view_type: 'nonexistent' }]);
    expect(viewTypeOf(object, object.views[0])).toBe('kanban');
    expect(object.notes).toContain('view "Bad" has view type "nonexistent", not one of table, kanban, calendar, timeline, gallery, list; shown as a table');
  });
  it(`resolveViewType › rejects invalid object default and falls to 'table' (${viewTypesTest})`, () => {
    expect(viewTypeOf(withDefault('invalid_type'))).toBe('table');
  });
  it(`resolveViewType › accepts every valid ViewType without falling through (${viewTypesTest})`, () => {
    for (const type of viewTypes) {
      const object = withDefault(undefined, [{ name: 'Test', view_type: type }]);
      expect(viewTypeOf(object, object.views[0])).toBe(type);
    }
  });

  const settings = (objectSettings?: Record<string, unknown>, viewSettings?: Record<string, unknown>) => {
    const object = definition({ name: 'thing', ...(objectSettings ? { view_settings: objectSettings } : {}), views: [{ name: 'V', ...(viewSettings ? { settings: viewSettings } : {}) }] });
    return viewSettingsOf(object, object.views[0]);
  };
  it(`resolveViewSettings › returns saved view settings when no object defaults exist (${viewTypesTest})`, () => {
    expect(settings(undefined, { kanbanField: 'Priority' })).toEqual({ kanbanField: 'Priority' });
  });
  it(`resolveViewSettings › returns object defaults when no saved view settings exist (${viewTypesTest})`, () => {
    expect(settings({ calendarDateField: 'Due Date' })).toEqual({ calendarDateField: 'Due Date' });
  });
  it(`resolveViewSettings › saved view settings override object defaults (${viewTypesTest})`, () => {
    expect(settings({ kanbanField: 'Status', calendarDateField: 'Date' }, { kanbanField: 'Priority' })).toEqual({ kanbanField: 'Priority', calendarDateField: 'Date' });
  });
  it(`resolveViewSettings › returns empty object when both inputs are undefined (${viewTypesTest})`, () => {
    expect(settings()).toEqual({});
  });
  it(`resolveViewSettings › does not override object defaults with undefined saved view values (${viewTypesTest})`, () => {
    expect(settings({ kanbanField: 'Status', calendarDateField: 'Due Date', timelineStartField: 'Start' }, { kanbanField: 'Priority', calendarDateField: null })).toEqual({
      kanbanField: 'Priority', calendarDateField: 'Due Date', timelineStartField: 'Start',
    });
  });

  const fields = [
    { name: 'Title', type: 'text' }, { name: 'Description', type: 'text' }, { name: 'Status', type: 'enum', values: ['Open'] },
    { name: 'Priority', type: 'enum', values: ['High'] }, { name: 'Due Date', type: 'date' }, { name: 'Start Date', type: 'date' },
    { name: 'End Date', type: 'date' }, { name: 'Active', type: 'boolean' },
  ];
  it(`autoDetectViewField › detects kanbanField by preferring 'status' in name (${viewTypesTest})`, () => {
    expect(kanbanFieldOf(definitionFrom({ name: 'thing', fields }, 'test'))).toBe('Status');
  });
  it(`autoDetectViewField › falls back to first enum when no field contains 'status' (${viewTypesTest})`, () => {
    expect(kanbanFieldOf(definitionFrom({ name: 'thing', fields: [{ name: 'Priority', type: 'enum', values: ['a'] }, { name: 'Category', type: 'enum', values: ['b'] }] }, 'test'))).toBe('Priority');
  });
  it(`autoDetectViewField › detects galleryTitleField by preferring 'name/title' in name (${viewTypesTest}; escalator's display field, which lists and cards show)`, () => {
    expect(definitionFrom({ name: 'thing', fields }, 'test').displayField).toBe('Title');
  });
});

describe(`DenchClaw ${activeViewTest}`, () => {
  const status = (value: string) => ({ id: 'root', conjunction: 'and', rules: [{ id: 'rule-status', field: 'Status', operator: 'is', value }] });
  const object = (views: Record<string, unknown>[], active?: string) =>
    definition({ name: 'thing', fields: [{ name: 'Name', type: 'text' }, { name: 'Status', type: 'enum', values: ['Important', 'Backlog', 'Active'] }, { name: 'Owner', type: 'user' }], views, ...(active ? { active_view: active } : {}) });
  const important = { name: 'Important', filters: status('Important'), columns: ['Name', 'Status', 'Owner'] };

  it(`applies active view on initial load even when active view name already matches (${activeViewTest})`, () => {
    const view = activeViewOf(object([important], 'Important'));
    expect(view?.filter).toEqual(normalizeFilter(status('Important')));
    expect(view?.columns).toEqual(['Name', 'Status', 'Owner']);
  });
  it(`re-applies when active view changes during refresh (${activeViewTest})`, () => {
    const view = activeViewOf(object([important, { name: 'Backlog', filters: status('Backlog'), columns: ['Name', 'Status'] }], 'Backlog'));
    expect(view?.name).toBe('Backlog');
    expect(view?.filter).toEqual(normalizeFilter(status('Backlog')));
    expect(view?.columns).toEqual(['Name', 'Status']);
  });
  it(`returns null when active view is missing or cannot be resolved (${activeViewTest})`, () => {
    expect(activeViewOf(object([important]))).toBeUndefined();
    const unknown = object([important], 'Unknown');
    expect(activeViewOf(unknown)).toBeUndefined();
    expect(unknown.notes).toContain('active_view "Unknown" is not one of the file\'s views');
  });
  it(`detects viewType change and triggers re-apply (${activeViewTest})`, () => {
    const view = activeViewOf(object([{ name: 'Board', view_type: 'kanban', settings: { kanbanField: 'Status' } }], 'Board'));
    expect(view?.viewType).toBe('kanban');
    expect(view?.settings).toEqual({ kanbanField: 'Status' });
  });
  it(`detects settings change while name and filters stay the same (${activeViewTest})`, () => {
    const view = activeViewOf(object([{ name: 'Monthly', view_type: 'calendar', settings: { calendarDateField: 'Due Date', calendarMode: 'month' } }], 'Monthly'));
    expect(view?.settings?.calendarMode).toBe('month');
  });
  it(`detects viewType-only change when settings are identical (${activeViewTest})`, () => {
    expect(activeViewOf(object([{ name: 'Gallery', view_type: 'gallery', settings: { galleryTitleField: 'Name' } }], 'Gallery'))?.viewType).toBe('gallery');
  });
  it(`propagates undefined viewType without crashing (${activeViewTest})`, () => {
    const view = activeViewOf(object([{ name: 'Legacy', filters: status('Active') }], 'Legacy'));
    expect(view?.viewType).toBeUndefined();
    expect(view?.settings).toBeUndefined();
  });
});

describe(`DenchClaw ${semantics}`, () => {
  let test: TestWorkspace;
  beforeAll(async () => {
    test = await createTestWorkspace();
    await createEntries(test.workspace, 'people', [{ id: 'p_sarah', 'Full Name': 'Sarah Chen' }, { id: 'p_james', 'Full Name': 'James Wilson' }], { by: 'test' });
    await test.workspace.saveObject({
      name: 'deal',
      fields: [
        { name: 'Title', type: 'text' }, { name: 'Note', type: 'text' }, { name: 'Stage', type: 'enum', values: ['New', 'Won', 'Lost'] },
        { name: 'Closed', type: 'boolean' }, { name: 'Close Date', type: 'date' }, { name: 'Labels', type: 'tags' },
        { name: 'Teams', type: 'enum', values: ['Support', 'Sales'], enum_multiple: true },
        { name: 'Contacts', type: 'relation', related_object: 'people', relationship_type: 'many_to_many' }, { name: 'Owner', type: 'user' },
      ],
    });
    await createEntries(test.workspace, 'deal', [
      { id: 'd1', Title: 'won today', Stage: 'Won', Closed: true, 'Close Date': '2026-04-14 09:00', Note: 'renewal', Owner: 'usr_1', created_at: '2026-04-13T10:00:00Z', updated_at: '2026-04-14T08:00:00Z' },
      { id: 'd2', Title: 'lost a week ago', Stage: 'Lost', Closed: false, 'Close Date': '2026-04-07 23:00', Note: 'price', Owner: 'usr_2', created_at: '2026-03-01T10:00:00Z', updated_at: '2026-04-10T08:00:00Z' },
      { id: 'd3', Title: 'new, eight days ago', Stage: 'New', 'Close Date': '2026-04-06 12:00', created_at: '2026-04-01T10:00:00Z', updated_at: '2026-04-01T10:00:00Z' },
      { id: 'd4', Title: 'empty', created_at: '2026-04-14T09:00:00Z', updated_at: '2026-04-14T09:00:00Z' },
      { id: 'd5', Title: 'next month', Stage: 'New', 'Close Date': '2026-05-10 12:00', created_at: '2026-02-01T10:00:00Z', updated_at: '2026-02-01T10:00:00Z' },
    ], { by: 'test' });
    // Multi-values as DenchClaw stores them: JSON lists as text.
    await test.workspace.db.run(`UPDATE obj_deal SET labels = '["renewal","q2"]', teams = '["Support","Sales"]', contacts = '["p_sarah","p_james"]' WHERE id = 'd1'`);
    await test.workspace.db.run(`UPDATE obj_deal SET labels = '["pricing"]', teams = '["Sales"]', contacts = '["p_james"]' WHERE id = 'd2'`);
  });
  afterAll(async () => test.cleanup());
  const rules = (...list: Record<string, unknown>[]) => ({ id: 'root', conjunction: 'and', rules: list.map((rule, index) => ({ id: `f${index}`, ...rule })) });
  const ids = async (filter: unknown, sort?: { field: string; direction: 'asc' | 'desc' }[]) =>
    sortedUnless(sort, (await findEntries(test.workspace, 'deal', { filter: normalizeFilter(filter), ...(sort ? { sort } : {}) })).map((row) => String(row.id)));
  const sortedUnless = (sort: unknown, list: string[]) => (sort ? list : list.sort());

  it(`is_not does not match an empty value (${semantics}: CAST(col) != 'v' is NULL for NULL)`, async () => {
    expect(await ids(rules({ field: 'Stage', operator: 'is_not', value: 'Won' }))).toEqual(['d2', 'd3', 'd5']);
  });
  it(`is_none_of does not match an empty value (${semantics}: NOT IN)`, async () => {
    expect(await ids(rules({ field: 'Stage', operator: 'is_none_of', value: ['Won', 'Lost'] }))).toEqual(['d3', 'd5']);
  });
  it(`not_contains does not match an empty value (${semantics}: NOT LIKE)`, async () => {
    expect(await ids(rules({ field: 'Note', operator: 'not_contains', value: 'renew' }))).toEqual(['d2']);
  });
  it(`is_false does not match an unset value (${semantics}: IN ('false', '0', 'no', ''))`, async () => {
    expect(await ids(rules({ field: 'Closed', operator: 'is_false' }))).toEqual(['d2']);
  });
  it(`is_true (${semantics})`, async () => {
    expect(await ids(rules({ field: 'Closed', operator: 'is_true' }))).toEqual(['d1']);
  });
  it(`relative_past with relativeAmount 7 days runs from the day 7 days ago to the end of today (${semantics}; skills/crm/SKILL.md "Relative date filters")`, async () => {
    expect(await ids(rules({ field: 'Close Date', operator: 'relative_past', relativeAmount: 7, relativeUnit: 'days' }))).toEqual(['d1', 'd2']);
  });
  it(`relative_past with no amount or unit is the last 7 days (${semantics}: relativeAmount ?? 7, relativeUnit ?? "days")`, async () => {
    expect(await ids(rules({ field: 'Close Date', operator: 'relative_past' }))).toEqual(['d1', 'd2']);
  });
  it(`relative_next with months counts calendar months (${semantics})`, async () => {
    expect(await ids(rules({ field: 'Close Date', operator: 'relative_next', relativeAmount: 1, relativeUnit: 'months' }))).toEqual(['d1', 'd5']);
  });
  it(`relative_past on created_at, a system column every entry has (${semantics}; skills/crm/SKILL.md "System timestamp columns")`, async () => {
    expect(await ids(rules({ field: 'created_at', operator: 'relative_past', relativeAmount: 2, relativeUnit: 'weeks' }))).toEqual(['d1', 'd3', 'd4']);
  });
  it(`sorts by updated_at descending as the skill's view template does (${semantics}; skills/crm/SKILL.md "Views template")`, async () => {
    expect(await ids(rules(), [{ field: 'updated_at', direction: 'desc' }])).toEqual(['d4', 'd1', 'd2', 'd3', 'd5']);
  });
  it(`on, before and after take "today" (${semantics}: value === "today")`, async () => {
    expect(await ids(rules({ field: 'Close Date', operator: 'on', value: 'today' }))).toEqual(['d1']);
    expect(await ids(rules({ field: 'Close Date', operator: 'before', value: 'today' }))).toEqual(['d2', 'd3']);
    expect(await ids(rules({ field: 'Close Date', operator: 'after', value: 'today' }))).toEqual(['d5']);
  });
  it(`has_any on a many_to_many relation matches any of the ids (${semantics})`, async () => {
    expect(await ids(rules({ field: 'Contacts', operator: 'has_any', value: ['p_sarah'] }))).toEqual(['d1']);
  });
  it(`has_none on a many_to_many relation does not match an empty value (${semantics}: NOT LIKE)`, async () => {
    expect(await ids(rules({ field: 'Contacts', operator: 'has_none', value: ['p_sarah'] }))).toEqual(['d2']);
  });
  it(`has_all on a many_to_many relation needs every id (${semantics})`, async () => {
    expect(await ids(rules({ field: 'Contacts', operator: 'has_all', value: ['p_sarah', 'p_james'] }))).toEqual(['d1']);
  });
  it(`has_any on a user field (${semantics}: relation/user operators)`, async () => {
    expect(await ids(rules({ field: 'Owner', operator: 'has_any', value: ['usr_2'] }))).toEqual(['d2']);
  });
  it(`contains on tags finds a label (${semantics}: tags operators)`, async () => {
    expect(await ids(rules({ field: 'Labels', operator: 'contains', value: 'pric' }))).toEqual(['d2']);
  });
  it(`is on a multi-select enum matches when the list holds the option (${semantics}: cellValues.includes)`, async () => {
    expect(await ids(rules({ field: 'Teams', operator: 'is', value: 'Support' }))).toEqual(['d1']);
    expect(await ids(rules({ field: 'Teams', operator: 'is_any_of', value: ['Sales'] }))).toEqual(['d1', 'd2']);
  });
  it(`a group with no rules applies no filter, whatever its conjunction (${semantics}: buildWhereClause returns null)`, async () => {
    expect(await ids({ id: 'root', conjunction: 'or', rules: [] })).toEqual(['d1', 'd2', 'd3', 'd4', 'd5']);
  });
  it(`an or group matches either rule (${semantics})`, async () => {
    expect(await ids({ id: 'root', conjunction: 'or', rules: [{ id: 'a', field: 'Stage', operator: 'is', value: 'Won' }, { id: 'b', field: 'Stage', operator: 'is', value: 'Lost' }] })).toEqual(['d1', 'd2']);
  });
  it(`date_between includes the whole last day (${semantics}: CAST(col AS DATE) BETWEEN)`, async () => {
    expect(await ids(rules({ field: 'Close Date', operator: 'date_between', value: '2026-04-07', valueTo: '2026-04-14' }))).toEqual(['d1', 'd2']);
  });
});

describe('DenchClaw cases escalator has nothing to answer with', () => {
  // escalator shows tables, lists and a text board; it has no calendar, timeline or gallery, and no UI state to sync.
  it.todo(`autoDetectViewField › detects calendarDateField by preferring 'due/start/begin' in name (${viewTypesTest}): no calendar view`);
  it.todo(`autoDetectViewField › detects timelineEndField by preferring 'end/finish/close' in name (${viewTypesTest}): no timeline view`);
  it.todo(`autoDetectViewField › returns undefined for galleryCoverField (${viewTypesTest}): no gallery view`);
  it.todo(`autoDetectViewField › returns undefined when no matching field type exists (${viewTypesTest}): no calendar view`);
  it.todo(`does not re-apply when name, filters, and columns are already aligned (${activeViewTest}): no UI state`);
  it.todo(`does not re-apply when viewType and settings are already aligned (${activeViewTest}): no UI state`);
});

describe('where escalator deliberately differs from DenchClaw', () => {
  it(`escalator's own conditions (not DenchClaw rule trees) count an empty value as "not X": a rule "Status is not Resolved" must still see a ticket with no status`, () => {
    expect(normalizeFilter({ field: 'Status', operator: 'is_not', value: 'Resolved' })).not.toHaveProperty('excludeEmpty');
    expect(normalizeFilter({ conjunction: 'and', rules: [{ field: 'Status', operator: 'is_not', value: 'Resolved' }] })).toEqual({ all: [{ field: 'Status', operator: 'is_not', value: 'Resolved', excludeEmpty: true }] });
  });
  it(`a rule naming a field the object lacks is refused with a suggestion (DenchClaw's buildRuleSQL silently drops it)`, () => {
    const object = definitionFrom({ name: 'thing', fields: [{ name: 'Status', type: 'enum', values: ['Open'] }] }, 'test');
    expect(() => compileFilter(object, normalizeFilter({ conjunction: 'and', rules: [{ field: 'Stauts', operator: 'is', value: 'Open' }] }), { objects: new Map([['thing', object]]), now: new Date(), timeZone: 'UTC' }, new SqlParameters())).toThrow(/did you mean "Status"/);
  });
});
