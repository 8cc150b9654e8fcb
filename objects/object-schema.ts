// The .object.yaml format: the seed's (options, related_object, filters as a list) and DenchClaw's (values,
// enum_values, filter trees) both load into one normalized definition.
import { z } from 'zod';
import { filterSchema, type Filter } from './filter';

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
export type FieldType = (typeof fieldTypes)[number];

/** Aliases people and other CRMs use for our field types. */
const typeAliases: Record<string, FieldType> = {
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
};

const fieldType = z
  .string()
  .transform((value, context) => {
    const lower = value.trim().toLowerCase();
    const type = (fieldTypes as readonly string[]).includes(lower) ? (lower as FieldType) : typeAliases[lower];
    if (!type) {
      context.addIssue({
        code: 'custom',
        message: `unknown field type "${value}"; expected one of ${fieldTypes.join(', ')}`,
      });
      return z.NEVER;
    }
    return type;
  });

const optionList = z.array(z.union([z.string(), z.number(), z.object({ name: z.string() }).loose()]));

const fieldInput = z
  .object({
    name: z.string().trim().min(1, 'a field needs a name'),
    type: fieldType,
    description: z.string().optional(),
    required: z.boolean().optional(),
    options: optionList.optional(),
    values: optionList.optional(),
    enum_values: optionList.optional(),
    related_object: z.string().optional(),
    relatedObject: z.string().optional(),
    relation: z.union([z.string(), z.object({ object: z.string() }).loose()]).optional(),
    script: z.string().optional(),
    action: z.string().optional(),
    timeout_seconds: z.number().min(1).max(300).optional(),
  })
  .loose();

const sortInput = z.object({
  field: z.string(),
  direction: z.enum(['asc', 'desc']).default('asc'),
});

const viewInput = z
  .object({
    name: z.string().trim().min(1),
    description: z.string().optional(),
    filters: filterSchema.optional(),
    filter: filterSchema.optional(),
    sort: z.array(sortInput).optional(),
    columns: z.array(z.string()).optional(),
  })
  .loose();

export const objectFileSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9_]*$/, 'an object name is lower_snake_case, like support_tickets'),
    description: z.string().optional(),
    icon: z.string().optional(),
    display_field: z.string().optional(),
    default_view: z.string().optional(),
    view_settings: z
      .object({
        kanbanField: z.string().optional(),
        /** Card order inside each kanban column: enum fields compared by option order. */
        cardSort: z.array(z.string()).optional(),
      })
      .loose()
      .optional(),
    fields: z.array(fieldInput).min(1, 'an object needs at least one field'),
    views: z.array(viewInput).optional(),
  })
  .loose();

export type ObjectFile = z.input<typeof objectFileSchema>;

/** One field, normalized. `column` is its column in the object's table. */
export interface FieldDefinition {
  name: string;
  type: FieldType;
  column: string;
  description?: string;
  required?: boolean;
  /** enum: the options in their order (which is also the sort order and, for tiers, the escalation order). */
  options?: string[];
  /** relation: the related object's name. */
  relatedObject?: string;
  /** action: the script under <workspace>/actions/ it runs, and its time limit. */
  script?: string;
  timeoutSeconds?: number;
}

export interface ViewDefinition {
  name: string;
  description?: string;
  filter?: Filter;
  sort: { field: string; direction: 'asc' | 'desc' }[];
  columns?: string[];
}

/** An object definition, normalized from either format. `raw` keeps the file's own keys for writing back. */
export interface ObjectDefinition {
  name: string;
  description?: string;
  icon?: string;
  displayField: string;
  defaultView?: string;
  kanbanField?: string;
  cardSort: string[];
  fields: FieldDefinition[];
  views: ViewDefinition[];
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

function optionName(option: string | number | { name: string }): string {
  return typeof option === 'object' ? option.name : String(option);
}

/**
 * Validates a parsed .object.yaml and normalizes it. Returns the problems instead of throwing, so the caller
 * can name the file (and line).
 */
export function parseObjectFile(
  data: unknown,
): { ok: true; definition: ObjectDefinition } | { ok: false; problems: { path: string; message: string }[] } {
  const parsed = objectFileSchema.safeParse(data);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    };
  }
  const file = parsed.data;
  const problems: { path: string; message: string }[] = [];
  const fields: FieldDefinition[] = [];
  const seenNames = new Map<string, number>();
  const seenColumns = new Map<string, string>();
  file.fields.forEach((input, index) => {
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
    const field: FieldDefinition = { name: input.name, type: input.type, column };
    if (input.description) field.description = input.description;
    if (input.required) field.required = true;
    if (input.type === 'enum') {
      const options = (input.options ?? input.values ?? input.enum_values ?? []).map(optionName);
      if (options.length === 0) problems.push({ path, message: `enum field "${input.name}" needs options: [A, B, …]` });
      const duplicate = options.find((option, at) => options.findIndex((o) => o.toLowerCase() === option.toLowerCase()) !== at);
      if (duplicate) problems.push({ path, message: `enum field "${input.name}" lists option "${duplicate}" twice` });
      field.options = options;
    }
    if (input.type === 'relation') {
      const relation = input.related_object ?? input.relatedObject ?? (typeof input.relation === 'string' ? input.relation : input.relation?.object);
      if (!relation) problems.push({ path, message: `relation field "${input.name}" needs related_object: <object name>` });
      else field.relatedObject = relation;
    }
    if (input.type === 'action') {
      const script = input.script ?? input.action;
      if (!script) problems.push({ path, message: `action field "${input.name}" needs script: <file under actions/>` });
      else field.script = script;
      if (input.timeout_seconds) field.timeoutSeconds = input.timeout_seconds;
    }
    fields.push(field);
  });

  const textField = fields.find((field) => ['name', 'title', 'full name'].includes(field.name.toLowerCase())) ??
    fields.find((field) => field.type === 'text');
  let displayField = file.display_field ?? textField?.name ?? fields[0]?.name ?? 'id';
  if (file.display_field && !seenNames.has(file.display_field.toLowerCase())) {
    problems.push({ path: 'display_field', message: `display_field "${file.display_field}" is not a field of ${file.name}` });
  } else if (file.display_field) {
    displayField = fields.find((field) => field.name.toLowerCase() === file.display_field!.toLowerCase())!.name;
  }

  const views: ViewDefinition[] = (file.views ?? []).map((view) => {
    const filter = view.filters ?? view.filter;
    const out: ViewDefinition = { name: view.name, sort: view.sort ?? [] };
    if (filter) out.filter = filter;
    if (view.description) out.description = view.description;
    if (view.columns) out.columns = view.columns;
    return out;
  });

  if (problems.length > 0) return { ok: false, problems };
  const definition: ObjectDefinition = {
    name: file.name,
    displayField,
    cardSort: file.view_settings?.cardSort ?? [],
    fields,
    views,
    raw: data as Record<string, unknown>,
  };
  if (file.description) definition.description = file.description;
  if (file.icon) definition.icon = file.icon;
  if (file.default_view) definition.defaultView = file.default_view;
  if (file.view_settings?.kanbanField) definition.kanbanField = file.view_settings.kanbanField;
  return { ok: true, definition };
}

/** Finds a field by display name or column name, case-insensitively. */
export function findField(definition: ObjectDefinition, name: string): FieldDefinition | undefined {
  const lower = name.trim().toLowerCase();
  return (
    definition.fields.find((field) => field.name.toLowerCase() === lower) ??
    definition.fields.find((field) => field.column === lower || field.column === columnName(name))
  );
}

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
