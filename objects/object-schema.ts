// The .object.yaml format: the seed's (options, related_object, filters as a list) and DenchClaw's (values,
// enum_values, filter trees) both load into one normalized definition.
import { z } from 'zod';
import { normalizeFilter, type Filter } from './filter';

export const fieldTypes = [
  'text',
  'richtext',
  'email',
  'url',
  'phone',
  'number',
  'boolean',
  'date',
  'enum',
  'relation',
  'action',
] as const;
/**
 * Types DenchClaw has and escalator reads: a workspace member's id (user), free-form labels (tags, a JSON list
 * as DenchClaw stores them) and a file path. Kept apart from `fieldTypes`, the list the agent's tools offer.
 */
export const denchClawFieldTypes = ['user', 'tags', 'file'] as const;
/** The types the agent's tools may create. */
export type FieldType = (typeof fieldTypes)[number];
/** Every type a loaded field may have. */
export type StoredFieldType = FieldType | (typeof denchClawFieldTypes)[number];
const knownTypes: readonly string[] = [...fieldTypes, ...denchClawFieldTypes];

/** Aliases people and other CRMs use for our field types. */
const typeAliases: Record<string, StoredFieldType> = {
  string: 'text',
  textarea: 'richtext',
  markdown: 'richtext',
  select: 'enum',
  status: 'enum',
  bool: 'boolean',
  checkbox: 'boolean',
  datetime: 'date',
  timestamp: 'date',
  integer: 'number',
  int: 'number',
  float: 'number',
  currency: 'number',
  link: 'relation',
  reference: 'relation',
  member: 'user',
  person: 'user',
  labels: 'tags',
  multiselect: 'tags',
  attachment: 'file',
};

const fieldType = z
  .string()
  .transform((value, context) => {
    const lower = value.trim().toLowerCase();
    const type = knownTypes.includes(lower) ? (lower as StoredFieldType) : typeAliases[lower];
    if (!type) {
      context.addIssue({
        code: 'custom',
        message: `unknown field type "${value}"; expected one of ${knownTypes.join(', ')}`,
      });
      return z.NEVER;
    }
    return type;
  });

const optionList = z.array(z.union([z.string(), z.number(), z.object({ name: z.string() }).loose()]));

const fieldInput = z
  .object({
    name: z.union([z.string(), z.number()]).transform((value) => String(value).trim()).pipe(z.string().min(1, 'a field needs a name')),
    /** DenchClaw keeps types in its database, so its files may list a field by name only. */
    type: fieldType.optional(),
    description: z.string().nullish(),
    required: z.boolean().nullish(),
    options: optionList.nullish(),
    values: optionList.nullish(),
    enum_values: optionList.nullish(),
    /** DenchClaw: several options may be chosen (stored as a JSON list). */
    enum_multiple: z.boolean().nullish(),
    multiple: z.boolean().nullish(),
    related_object: z.string().nullish(),
    relatedObject: z.string().nullish(),
    object: z.string().nullish(),
    relation: z.union([z.string(), z.object({ object: z.string() }).loose()]).nullish(),
    /** DenchClaw: many_to_one (one entry id) or many_to_many (a JSON list of ids). */
    relationship_type: z.string().nullish(),
    script: z.string().nullish(),
    action: z.string().nullish(),
    timeout_seconds: z.number().min(1).max(300).nullish(),
  })
  .loose();

const sortInput = z.object({
  field: z.string(),
  direction: z
    .string()
    .default('asc')
    .transform((value) => (value.toLowerCase() === 'desc' ? 'desc' : 'asc')) as z.ZodType<'asc' | 'desc', string | undefined>,
});

const viewInput = z
  .object({
    name: z.union([z.string(), z.number()]).transform((value) => String(value).trim()).pipe(z.string().min(1)),
    description: z.string().nullish(),
    filters: z.unknown().optional(),
    filter: z.unknown().optional(),
    /** A list of sorts, or (as some DenchClaw files have it) a single one. */
    sort: z.union([z.array(sortInput), sortInput.transform((one) => [one])]).nullish(),
    columns: z.array(z.union([z.string(), z.object({ name: z.string() }).loose()])).nullish(),
    /** DenchClaw: table, kanban, calendar, timeline, gallery or list (`type` in some files). */
    view_type: z.string().nullish(),
    type: z.string().nullish(),
    /** DenchClaw: per-view settings (kanbanField, calendarDateField …) over the object's view_settings. */
    settings: z.record(z.string(), z.unknown()).nullish(),
  })
  .loose();

export const objectFileSchema = z
  .object({
    name: z.string().trim().min(1, 'an object needs a name'),
    description: z.string().nullish(),
    icon: z.string().nullish(),
    display_field: z.string().nullish(),
    default_view: z.string().nullish(),
    /** DenchClaw: the saved view the object opens on. */
    active_view: z.string().nullish(),
    view_settings: z
      .object({
        kanbanField: z.string().optional(),
        /** Card order inside each kanban column: enum fields compared by option order. */
        cardSort: z.array(z.string()).optional(),
      })
      .loose()
      .nullish(),
    fields: z.array(fieldInput).nullish(),
    views: z.array(viewInput).nullish(),
  })
  .loose();

export type ObjectFile = z.input<typeof objectFileSchema>;

/** One field, normalized. `column` is its column in the object's table. */
export interface FieldDefinition {
  name: string;
  type: StoredFieldType;
  column: string;
  description?: string;
  required?: boolean;
  /** enum: the options in their order (which is also the sort order and, for tiers, the escalation order). */
  options?: string[];
  /** relation: the related object's name. */
  relatedObject?: string;
  /** enum or relation holding several values (DenchClaw's multi-select and many_to_many): a JSON list as text. */
  multiple?: boolean;
  /** action: the script under <workspace>/actions/ it runs, and its time limit. */
  script?: string;
  timeoutSeconds?: number;
}

/** DenchClaw's view types. */
export const viewTypes = ['table', 'kanban', 'calendar', 'timeline', 'gallery', 'list'] as const;
export type ViewType = (typeof viewTypes)[number];

export interface ViewDefinition {
  name: string;
  description?: string;
  filter?: Filter;
  sort: { field: string; direction: 'asc' | 'desc' }[];
  columns?: string[];
  viewType?: ViewType;
  /** Per-view settings as the file has them (kanbanField, calendarDateField …). */
  settings?: Record<string, unknown>;
  /** Why the view cannot be used here (a filter naming a field the object lacks …); the file keeps it. */
  problem?: string;
}

/** An object definition, normalized from either format. `raw` keeps the file's own keys for writing back. */
export interface ObjectDefinition {
  name: string;
  description?: string;
  icon?: string;
  displayField: string;
  defaultView?: string;
  /** DenchClaw's default_view when it names a view type (kanban, table …) rather than a saved view. */
  defaultViewType?: ViewType;
  activeView?: string;
  kanbanField?: string;
  cardSort: string[];
  /** view_settings as the file has them: the defaults each view's settings override. */
  viewSettings: Record<string, unknown>;
  fields: FieldDefinition[];
  views: ViewDefinition[];
  /** What was assumed while reading the file (a field with no type read as text …), for people to check. */
  notes: string[];
  raw: Record<string, unknown>;
}

const reservedColumns = new Set(['id', 'created_at', 'updated_at']);

/** The table column of a field: "Opened Date" → opened_date. */
export function columnName(fieldName: string): string {
  const snake = fieldName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const base = snake === '' ? 'field' : /^[0-9]/.test(snake) ? `f_${snake}` : snake;
  return reservedColumns.has(base) ? `f_${base}` : base;
}

/** escalator's name for an object: DenchClaw allows "deal-pipeline" or "Deals"; tables need deal_pipeline, deals. */
export function objectNameFrom(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

const objectNamePattern = /^[a-z][a-z0-9_]*$/;

function optionName(option: string | number | { name: string }): string {
  return typeof option === 'object' ? option.name : String(option);
}

type Problem = { path: string; message: string };

/**
 * Validates a parsed .object.yaml and normalizes it. Returns the problems instead of throwing, so the caller
 * can name the file (and line). What DenchClaw's files leave to its database (field types, enum values, a
 * relation's target) is assumed sensibly and said in `notes`; only what cannot be read is a problem.
 */
export function parseObjectFile(data: unknown): { ok: true; definition: ObjectDefinition } | { ok: false; problems: Problem[] } {
  const parsed = objectFileSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    };
  }
  const file = parsed.data;
  const problems: Problem[] = [];
  const notes: string[] = [];
  const name = objectNameFrom(file.name);
  if (!objectNamePattern.test(name)) problems.push({ path: 'name', message: 'an object name is lower_snake_case, like support_tickets' });
  else if (name !== file.name) notes.push(`object name "${file.name}" read as ${name}`);
  const fields: FieldDefinition[] = [];
  const seenNames = new Map<string, number>();
  const seenColumns = new Map<string, string>();
  if ((file.fields ?? []).length === 0) notes.push('the file lists no fields (DenchClaw keeps them in its database; "escalator import denchclaw" reads them)');
  (file.fields ?? []).forEach((input, index) => {
    const path = `fields.${index}`;
    const lower = input.name.toLowerCase();
    if (seenNames.has(lower)) {
      problems.push({ path, message: `duplicate field name "${input.name}" (also fields.${seenNames.get(lower)})` });
      return;
    }
    seenNames.set(lower, index);
    const column = columnName(input.name);
    const clash = seenColumns.get(column);
    if (clash) {
      problems.push({ path, message: `field "${input.name}" would share column ${column} with "${clash}"; rename one` });
      return;
    }
    seenColumns.set(column, input.name);
    let type: StoredFieldType = input.type ?? 'text';
    if (!input.type) notes.push(`field "${input.name}" has no type; read as text`);
    const field: FieldDefinition = { name: input.name, type, column };
    if (input.description) field.description = input.description;
    if (input.required) field.required = true;
    if (type === 'enum') {
      const options = (input.options ?? input.values ?? input.enum_values ?? []).map(optionName);
      const duplicate = options.find((option, at) => options.findIndex((o) => o.toLowerCase() === option.toLowerCase()) !== at);
      if (duplicate) problems.push({ path, message: `enum field "${input.name}" lists option "${duplicate}" twice` });
      if (options.length === 0) {
        type = field.type = 'text';
        notes.push(`enum field "${input.name}" lists no options; read as text`);
      } else {
        field.options = options;
        if (input.enum_multiple || input.multiple) field.multiple = true;
      }
    }
    if (type === 'relation') {
      const relation =
        input.related_object ?? input.relatedObject ?? input.object ?? (typeof input.relation === 'string' ? input.relation : input.relation?.object);
      const many = /many$/i.test(input.relationship_type ?? '') || input.multiple === true;
      if (!relation) {
        field.type = 'text';
        if (many) field.type = 'tags';
        notes.push(`relation field "${input.name}" names no related object; read as ${field.type} (its entry ids); set related_object`);
      } else {
        field.relatedObject = objectNameFrom(relation);
        if (many) field.multiple = true;
      }
    }
    if (type === 'action') {
      const script = input.script ?? input.action;
      if (!script) {
        notes.push(`action field "${input.name}" names no script under actions/; not loaded`);
        return;
      }
      field.script = script;
      if (input.timeout_seconds) field.timeoutSeconds = input.timeout_seconds;
    }
    fields.push(field);
  });

  const byName = (wanted: string) => fields.find((field) => field.name.toLowerCase() === wanted.toLowerCase());
  // escalator's exact names first, then DenchClaw's rule (a field with "name" or "title" in it), then the first text.
  const textField =
    fields.find((field) => ['name', 'title', 'full name'].includes(field.name.toLowerCase())) ??
    fields.find((field) => /\bname\b|\btitle\b/i.test(field.name) && field.type !== 'action') ??
    fields.find((field) => field.type === 'text');
  let displayField = textField?.name ?? fields.find((field) => field.type !== 'action')?.name ?? 'id';
  if (file.display_field) {
    const chosen = byName(file.display_field);
    if (chosen) displayField = chosen.name;
    else notes.push(`display_field "${file.display_field}" is not a field of ${name}; showing entries by ${displayField}`);
  }

  // A view DenchClaw wrote with no sort lists newest first there (ORDER BY created_at DESC); it does here too.
  const record = data as Record<string, unknown>;
  const fromDenchClaw = ['id', 'entry_count', 'active_view'].some((key) => key in record) || (file.views ?? []).some((view) => view.view_type || view.settings);
  const views: ViewDefinition[] = [];
  (file.views ?? []).forEach((view, index) => {
    const out: ViewDefinition = { name: view.name, sort: view.sort ?? (fromDenchClaw ? [{ field: 'created_at', direction: 'desc' }] : []) };
    const filterInput = view.filters ?? view.filter;
    if (filterInput !== undefined && filterInput !== null) {
      try {
        const filter = normalizeFilter(filterInput, `views.${index}.${view.filters !== undefined ? 'filters' : 'filter'}`);
        if (!isEmptyGroup(filter)) out.filter = filter;
      } catch (error) {
        problems.push({ path: '', message: (error as Error).message });
      }
    }
    if (view.description) out.description = view.description;
    if (view.columns) out.columns = view.columns.map((column) => (typeof column === 'string' ? column : column.name));
    const viewType = (view.view_type ?? view.type)?.toLowerCase();
    if (viewType && (viewTypes as readonly string[]).includes(viewType)) out.viewType = viewType as ViewType;
    else if (viewType) notes.push(`view "${view.name}" has view type "${viewType}", not one of ${viewTypes.join(', ')}; shown as a table`);
    if (view.settings) out.settings = view.settings;
    const unlisted = (out.columns ?? []).filter((column) => !byName(column) && !findField({ fields } as ObjectDefinition, column) && !systemColumns.includes(column.toLowerCase()));
    if (unlisted.length) notes.push(`view "${view.name}" shows column${unlisted.length > 1 ? 's' : ''} ${unlisted.map((column) => `"${column}"`).join(', ')}, not a field of ${name}; left out`);
    views.push(out);
  });

  if (problems.length > 0) return { ok: false, problems };
  const definition: ObjectDefinition = {
    name,
    displayField,
    cardSort: file.view_settings?.cardSort ?? [],
    viewSettings: { ...(file.view_settings ?? {}) },
    fields,
    views,
    notes,
    raw: data as Record<string, unknown>,
  };
  if (file.description) definition.description = file.description;
  if (file.icon) definition.icon = file.icon;
  if (file.default_view) {
    definition.defaultView = file.default_view;
    const lower = file.default_view.toLowerCase();
    if ((viewTypes as readonly string[]).includes(lower) && !views.some((view) => view.name.toLowerCase() === lower)) definition.defaultViewType = lower as ViewType;
  }
  if (file.active_view) {
    const active = views.find((view) => view.name === file.active_view) ?? views.find((view) => view.name.toLowerCase() === file.active_view!.toLowerCase());
    if (active) definition.activeView = active.name;
    else notes.push(`active_view "${file.active_view}" is not one of the file's views`);
  }
  if (file.view_settings?.kanbanField) definition.kanbanField = file.view_settings.kanbanField;
  return { ok: true, definition };
}

/**
 * The view type a view is shown as: the view's own, else what the reader asked for (`current`), else the
 * object's default_view when it names a type, else a table — DenchClaw's order.
 */
export function viewTypeOf(definition: ObjectDefinition, view?: ViewDefinition, current?: string): ViewType {
  if (view?.viewType) return view.viewType;
  if (current && (viewTypes as readonly string[]).includes(current)) return current as ViewType;
  return definition.defaultViewType ?? 'table';
}

/** A view's settings over the object's view_settings (a setting the view leaves out keeps the object's). */
export function viewSettingsOf(definition: ObjectDefinition, view?: ViewDefinition): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...definition.viewSettings };
  for (const [key, value] of Object.entries(view?.settings ?? {})) if (value !== undefined && value !== null) merged[key] = value;
  return merged;
}

/**
 * The field a board groups by, as DenchClaw finds it: the view's settings, then the object's
 * view_settings.kanbanField, then an enum field with "status" in its name, then the first enum field.
 */
export function kanbanFieldOf(definition: ObjectDefinition, view?: ViewDefinition): string | undefined {
  const setting = viewSettingsOf(definition, view).kanbanField;
  const named = typeof setting === 'string' ? findField(definition, setting) : undefined;
  if (named?.type === 'enum' && !named.multiple) return named.name;
  const enums = definition.fields.filter((field) => field.type === 'enum' && !field.multiple);
  return (enums.find((field) => /status/i.test(field.name)) ?? enums[0])?.name;
}

/** The view an object opens on (its active_view), if the file names one it has. */
export function activeViewOf(definition: ObjectDefinition): ViewDefinition | undefined {
  return definition.views.find((view) => view.name === definition.activeView);
}

/** The entry columns every object has, filterable and sortable as date fields (DenchClaw's system columns). */
export const systemColumns = ['created_at', 'updated_at'];

function isEmptyGroup(filter: Filter): boolean {
  return ('all' in filter && filter.all.length === 0) || ('any' in filter && filter.any.length === 0);
}

/** Finds a field by display name or column name, case-insensitively. */
export function findField(definition: ObjectDefinition, name: string): FieldDefinition | undefined {
  // Looked up per value of every entry a job or a batch writes, so the answers are kept per fields list (a list that
  // grows starts over).
  let lookup = fieldLookups.get(definition.fields);
  if (!lookup || lookup.length !== definition.fields.length) {
    lookup = { length: definition.fields.length, found: new Map() };
    fieldLookups.set(definition.fields, lookup);
  }
  if (lookup.found.has(name)) return lookup.found.get(name);
  const lower = name.trim().toLowerCase();
  const found =
    definition.fields.find((field) => field.name.toLowerCase() === lower) ??
    definition.fields.find((field) => field.column === lower || field.column === columnName(name));
  if (lookup.found.size < 1000) lookup.found.set(name, found);
  return found;
}

const fieldLookups = new WeakMap<readonly FieldDefinition[], { length: number; found: Map<string, FieldDefinition | undefined> }>();

/** The typed table holding an object's entries. */
export function tableName(objectName: string): string {
  return `obj_${objectName}`;
}

/** The view with display-named columns that people and the model write SQL against. */
export function viewName(objectName: string): string {
  return `v_${objectName}`;
}

/** Double-quotes an SQL identifier. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The object definitions of a workspace by name. */
export type ObjectRegistry = ReadonlyMap<string, ObjectDefinition>;
