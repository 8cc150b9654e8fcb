// What a DenchClaw object becomes in escalator: its fields from DenchClaw's database (typed there), merged into an
// object of the same name if escalator has one, with views, active view and view settings from its .object.yaml.
import { objectNameFrom } from '../../objects/object-schema';
import { reservedFieldProblem } from '../../objects/environment-names';
import type { Workspace } from '../../objects/workspace';
import type { DenchClawSource, SourceEntry, SourceField, SourceObject } from './denchclaw-source';
import { listValue } from './denchclaw-values';

/** What an import reports (see importDenchClaw). */
export interface DenchClawImportSummary {
  source: string;
  objects: { name: string; from: string; action: 'created' | 'updated'; entries: number; created: number; updated: number; unchanged: number }[];
  /** Each DenchClaw field and the escalator field it became. */
  fields: { object: string; field: string; from: string; to: string }[];
  entries: { created: number; updated: number; unchanged: number };
  documents: number;
  skipped: { what: string; reason: string }[];
}

/** DenchClaw field types and the escalator types they become. */
export const typeMap: Record<string, string> = {
  text: 'text', richtext: 'richtext', email: 'email', phone: 'phone', url: 'url', number: 'number', boolean: 'boolean',
  date: 'date', enum: 'enum', relation: 'relation', user: 'user', tags: 'tags', file: 'file',
};

/** One object to import: its file data as it will be saved, and its entries. */
export interface Plan {
  source?: SourceObject;
  name: string;
  raw: Record<string, unknown>;
  existed: boolean;
  /** DenchClaw field id → escalator field name. */
  fieldNames: Map<string, string>;
  entries: SourceEntry[];
  /** Set when the definition could not be saved; then its entries are skipped. */
  failed?: boolean;
}

/** The definition an object of DenchClaw's database becomes, merged into an object of the same name if there is one. */
export async function planObject(
  workspace: Workspace,
  source: DenchClawSource,
  object: SourceObject,
  nameOf: Map<string, string>,
  summary: DenchClawImportSummary,
): Promise<Plan> {
  const name = objectNameFrom(object.name);
  const existing = workspace.objects.get(name);
  const file = source.files.get(name);
  const raw: Record<string, unknown> = existing ? structuredClone(existing.raw) : { name };
  if (!existing) {
    if (object.description) raw.description = object.description;
    if (object.icon) raw.icon = object.icon;
    if (object.defaultView) raw.default_view = object.defaultView;
  }
  const rawFields = (Array.isArray(raw.fields) ? raw.fields : []) as Record<string, unknown>[];
  // Fields a file listed by name only (DenchClaw's database has their types) are replaced by the typed ones.
  const typed = (field: Record<string, unknown>) => typeof field.type === 'string';
  const fields = existing ? rawFields : rawFields.filter(typed);
  const fieldNames = new Map<string, string>();
  const entries = await source.entries(object.id);
  const sourceFields = source.fields.filter((candidate) => candidate.objectId === object.id);
  // Into an object escalator already has (company, people), DenchClaw's name field fills escalator's display field.
  const display = existing ? denchClawDisplayField(object, sourceFields) : undefined;
  const target = existing ? existing.fields.find((field) => field.name === existing.displayField) : undefined;
  if (display && target && target.type === 'text' && !fields.some((field) => String(field.name).toLowerCase() === display.name.toLowerCase())) {
    fieldNames.set(display.id, target.name);
    summary.fields.push({ object: name, field: display.name, from: display.type, to: `text (escalator's ${target.name})` });
  }
  for (const field of sourceFields) {
    if (fieldNames.has(field.id)) continue;
    const type = typeMap[field.type.toLowerCase()];
    if (!type) {
      summary.skipped.push({ what: `${name}.${field.name}`, reason: field.type === 'action' ? 'action fields run DenchClaw scripts; not imported' : `unknown DenchClaw type "${field.type}"` });
      continue;
    }
    // A name escalator refuses for a field (it would shadow an environment variable an action script sees) gets a suffix.
    const renamed = reservedFieldProblem(field.name) ? `${field.name} Field` : field.name;
    const known = fields.find((candidate) => [field.name.toLowerCase(), renamed.toLowerCase()].includes(String(candidate.name).toLowerCase()));
    if (known) {
      fieldNames.set(field.id, String(known.name));
      summary.fields.push({ object: name, field: field.name, from: field.type, to: `${String(known.type)} (existing field kept)` });
      extendOptions(known, field, entries);
      continue;
    }
    const fieldName = renamed;
    if (renamed !== field.name) summary.skipped.push({ what: `${name}.${field.name}`, reason: `renamed "${renamed}": ${reservedFieldProblem(field.name)}` });
    const out: Record<string, unknown> = { name: fieldName, type };
    if (field.required) out.required = true;
    if (type === 'enum') {
      out.values = field.enumValues;
      if (field.enumMultiple) out.enum_multiple = true;
      extendOptions(out, field, entries);
      if ((out.values as string[]).length === 0) out.type = field.enumMultiple ? 'tags' : 'text';
    }
    if (type === 'relation') {
      const target = field.relatedObjectId ? nameOf.get(field.relatedObjectId) : undefined;
      const many = /many$/i.test(field.relationshipType ?? '');
      if (target) {
        out.related_object = target;
        if (field.relationshipType) out.relationship_type = field.relationshipType;
      } else {
        out.type = many ? 'tags' : 'text';
        summary.skipped.push({ what: `${name}.${field.name}`, reason: 'a relation to an object DenchClaw no longer has; kept as entry ids in a text field' });
      }
    }
    fields.push(out);
    fieldNames.set(field.id, fieldName);
    summary.fields.push({ object: name, field: field.name, from: `${field.type}${field.enumMultiple ? ' (multiple)' : ''}${field.relationshipType ? ` (${field.relationshipType})` : ''}`, to: String(out.type) });
  }
  raw.fields = fields;
  if (file) mergeFile(raw, file.data);
  if (!raw.display_field && object.displayField && fields.some((field) => field.name === object.displayField)) raw.display_field = object.displayField;
  return { source: object, name, raw, existed: existing !== undefined, fieldNames, entries };
}

/** DenchClaw's display field: display_field, else a field with "name" or "title" in it, else the first text field. */
function denchClawDisplayField(object: SourceObject, fields: SourceField[]): SourceField | undefined {
  return (
    fields.find((field) => field.name === object.displayField) ??
    fields.find((field) => /\bname\b|\btitle\b/i.test(field.name)) ??
    fields.find((field) => field.type === 'text') ??
    fields[0]
  );
}

/**
 * Adds the options entries use but enum_values lacks (DenchClaw does not enforce them), so no value is lost.
 * Only for fields that keep DenchClaw's enum.
 */
function extendOptions(raw: Record<string, unknown>, field: SourceField, entries: SourceEntry[]): void {
  if (raw.type !== 'enum') return;
  const key = Array.isArray(raw.options) ? 'options' : Array.isArray(raw.enum_values) ? 'enum_values' : 'values';
  const options = ((raw[key] as unknown[] | undefined) ?? []).map((option) => (typeof option === 'object' && option ? String((option as { name: unknown }).name) : String(option)));
  const lower = new Set(options.map((option) => option.toLowerCase()));
  for (const entry of entries) {
    const value = entry.values.get(field.id);
    if (value === undefined) continue;
    for (const item of listValue(value)) {
      if (item !== '' && !lower.has(item.toLowerCase())) {
        lower.add(item.toLowerCase());
        options.push(item);
      }
    }
  }
  raw[key] = options;
}

/** Views, the active view and view settings from the object's .object.yaml: DenchClaw keeps them only there. */
export function mergeFile(raw: Record<string, unknown>, file: Record<string, unknown>): Record<string, unknown> {
  const views = (Array.isArray(raw.views) ? raw.views : []) as Record<string, unknown>[];
  for (const view of (Array.isArray(file.views) ? file.views : []) as Record<string, unknown>[]) {
    const at = views.findIndex((candidate) => candidate.name === view.name);
    if (at >= 0) views[at] = view;
    else views.push(view);
  }
  if (views.length) raw.views = views;
  for (const key of ['active_view', 'view_settings', 'description', 'icon', 'default_view', 'display_field']) {
    if (file[key] !== undefined && file[key] !== null && raw[key] === undefined) raw[key] = file[key];
  }
  if (!Array.isArray(raw.fields) && Array.isArray(file.fields)) raw.fields = file.fields;
  return raw;
}

/** A copy of `raw` whose relations to objects not in `present` are plain text (the same column type), for now or for good. */
export function withoutRelations(raw: Record<string, unknown>, present: Set<string>, options: { keepViews?: boolean } = {}): Record<string, unknown> {
  const copy = structuredClone(raw);
  copy.fields = ((copy.fields as Record<string, unknown>[] | undefined) ?? []).map((field) => {
    const target = field.related_object ?? field.relatedObject ?? field.object;
    if (field.type !== 'relation' || present.has(objectNameFrom(String(target ?? '')))) return field;
    return { name: field.name, type: /many$/i.test(String(field.relationship_type ?? '')) ? 'tags' : 'text' };
  });
  if (!options.keepViews) delete copy.views;
  return copy;
}

