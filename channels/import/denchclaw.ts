// escalator import denchclaw DIR: brings a DenchClaw workspace over — its objects as typed tables with every
// entry (ids kept, so relations resolve and a second run updates), views from its .object.yaml files, and entry
// documents. The source is only read.
import { existsSync, readFileSync } from 'node:fs';
import { documentPath } from '../../objects/documents';
import { DefinitionError, ValidationError, errorMessage } from '../../objects/errors';
import { asText, recordChanges, resolveEntryId } from '../../objects/entries';
import { writeFileAtomic } from '../../objects/files';
import { type FieldDefinition, type ObjectDefinition, objectNameFrom, quoteIdentifier, tableName } from '../../objects/object-schema';
import { reservedFieldProblem } from '../../objects/environment-names';
import { matchOption, parseBoolean, parseDate, parseNumber } from '../../objects/values';
import type { Workspace } from '../../objects/workspace';
import type { ImportProgress } from './progress';
import { type DenchClawSource, type SourceEntry, type SourceField, type SourceObject, openDenchClawSource, sourceFile } from './denchclaw-source';

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
const typeMap: Record<string, string> = {
  text: 'text', richtext: 'richtext', email: 'email', phone: 'phone', url: 'url', number: 'number', boolean: 'boolean',
  date: 'date', enum: 'enum', relation: 'relation', user: 'user', tags: 'tags', file: 'file',
};

const importedBy = 'import:denchclaw';

/** Imports `dir` into `workspace`; see DenchClawImportSummary for what it reports. */
export async function importDenchClaw(options: { workspace: Workspace; dir: string; progress?: ImportProgress }): Promise<DenchClawImportSummary> {
  const { workspace } = options;
  const source = await openDenchClawSource(options.dir);
  try {
    return await importSource(workspace, source, options.progress);
  } finally {
    source.close();
  }
}

interface Plan {
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

async function importSource(workspace: Workspace, source: DenchClawSource, progress?: ImportProgress): Promise<DenchClawImportSummary> {
  const summary: DenchClawImportSummary = { source: source.dir, objects: [], fields: [], entries: { created: 0, updated: 0, unchanged: 0 }, documents: 0, skipped: [] };
  for (const file of source.unreadable) summary.skipped.push({ what: file.file, reason: file.reason });
  const nameOf = new Map(source.objects.map((object) => [object.id, objectNameFrom(object.name)]));
  const plans: Plan[] = [];
  for (const object of source.objects) plans.push(await planObject(workspace, source, object, nameOf, summary));
  // Objects that only have a file (DenchClaw's database lost them, or the workspace has none): their definition.
  for (const [name, file] of source.files) {
    if (plans.some((plan) => plan.name === name)) continue;
    const existing = workspace.objects.get(name);
    const raw = existing ? mergeFile(structuredClone(existing.raw), file.data) : { ...file.data, name };
    plans.push({ name, raw, existed: existing !== undefined, fieldNames: new Map(), entries: [] });
  }

  // Definitions first, in two passes: without relations to objects not there yet, then complete.
  const present = () => new Set(workspace.objects.keys());
  for (const plan of plans) await saveDefinition(workspace, plan, withoutRelations(plan.raw, new Set([...present(), plan.name])), summary);
  for (const plan of plans) if (!plan.failed) await saveDefinition(workspace, plan, withoutRelations(plan.raw, present(), { keepViews: true }), summary);

  const total = plans.reduce((sum, plan) => sum + (plan.failed ? 0 : plan.entries.length), 0);
  progress?.start(total);
  let done = 0;
  const knownIds = new Map(plans.map((plan) => [plan.name, new Set(plan.entries.map((entry) => entry.id))]));
  const deferred: { object: string; id: string; field: FieldDefinition; value: string }[] = [];
  for (const plan of plans) {
    const definition = workspace.objects.get(plan.name);
    if (!definition || plan.failed) continue;
    const counts = await writeEntries(workspace, definition, plan, knownIds, deferred, summary, (batch, sofar) => {
      done += batch;
      progress?.update(done, { rows: done, created: summary.entries.created + sofar.created, updated: summary.entries.updated + sofar.updated, refused: summary.skipped.length });
    });
    summary.objects.push({ name: plan.name, from: plan.source?.name ?? 'file only', action: plan.existed ? 'updated' : 'created', entries: plan.entries.length, ...counts });
  }
  await resolveDeferred(workspace, deferred, summary);
  progress?.stop();
  summary.documents = importDocuments(workspace, source, plans, nameOf, summary);
  return summary;
}

/** The definition an object of DenchClaw's database becomes, merged into an object of the same name if there is one. */
async function planObject(
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
function mergeFile(raw: Record<string, unknown>, file: Record<string, unknown>): Record<string, unknown> {
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
function withoutRelations(raw: Record<string, unknown>, present: Set<string>, options: { keepViews?: boolean } = {}): Record<string, unknown> {
  const copy = structuredClone(raw);
  copy.fields = ((copy.fields as Record<string, unknown>[] | undefined) ?? []).map((field) => {
    const target = field.related_object ?? field.relatedObject ?? field.object;
    if (field.type !== 'relation' || present.has(objectNameFrom(String(target ?? '')))) return field;
    return { name: field.name, type: /many$/i.test(String(field.relationship_type ?? '')) ? 'tags' : 'text' };
  });
  if (!options.keepViews) delete copy.views;
  return copy;
}

/** Saves a definition; a view that cannot run here is left out (and said), and the rest is saved. */
async function saveDefinition(workspace: Workspace, plan: Plan, raw: Record<string, unknown>, summary: DenchClawImportSummary): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    try {
      await workspace.saveObject(raw);
      return;
    } catch (error) {
      if (!(error instanceof DefinitionError)) throw error;
      const view = /^view "(.+?)": /.exec(error.detail);
      if (!view || !Array.isArray(raw.views)) {
        // This object cannot be made here (a name escalator refuses, two fields sharing a column): the rest can.
        plan.failed = true;
        summary.skipped.push({ what: `object ${plan.source?.name ?? plan.name}`, reason: `${error.detail}; its entries are not imported` });
        return;
      }
      raw.views = (raw.views as Record<string, unknown>[]).filter((candidate) => candidate.name !== view[1]);
      if (raw.active_view === view[1]) delete raw.active_view;
      summary.skipped.push({ what: `${plan.name} view "${view[1]}"`, reason: error.detail.slice(view[0].length) });
    }
  }
}

/** The items of a DenchClaw multi-value (a JSON list as text), or the one value. */
function listValue(value: string): string[] {
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map((item) => String(item).trim()).filter(Boolean);
    } catch {
      // Not JSON: the text itself is the one value.
    }
  }
  return text === '' ? [] : [text];
}

/** A DenchClaw value as the escalator field stores it; undefined when it has to be skipped (reason in `skip`). */
function convert(
  workspace: Workspace,
  field: FieldDefinition,
  value: string,
  knownIds: Map<string, Set<string>>,
): { value: unknown } | { defer: string } | { skip: string } {
  const context = workspace.valueContext();
  try {
    if (field.type === 'relation') {
      const ids = listValue(value);
      const known = knownIds.get(field.relatedObject ?? '');
      if (field.multiple) return { value: JSON.stringify(ids.filter((id) => known?.has(id) ?? true)) };
      const [id] = ids;
      if (id === undefined) return { value: null };
      if (known?.has(id)) return { value: id };
      return { defer: id };
    }
    if (field.type === 'tags' || field.multiple) {
      const items = listValue(value);
      return { value: JSON.stringify(field.type === 'enum' ? items.map((item) => matchOption(field, item)) : items) };
    }
    switch (field.type) {
      case 'number':
        return { value: parseNumber(value, field.name) };
      case 'boolean':
        return { value: parseBoolean(value, field.name) };
      case 'date':
        return { value: parseDate(value, context, field.name) };
      case 'enum':
        return { value: matchOption(field, value) };
      case 'action':
        return { skip: 'an action field holds no value' };
      default:
        return { value };
    }
  } catch (error) {
    if (error instanceof ValidationError) return { skip: errorMessage(error) };
    throw error;
  }
}

/** Upserts one object's entries (ids kept) in one transaction; returns how many were created, updated, unchanged. */
async function writeEntries(
  workspace: Workspace,
  definition: ObjectDefinition,
  plan: Plan,
  knownIds: Map<string, Set<string>>,
  deferred: { object: string; id: string; field: FieldDefinition; value: string }[],
  summary: DenchClawImportSummary,
  advance: (batch: number, sofar: { created: number; updated: number }) => void,
): Promise<{ created: number; updated: number; unchanged: number }> {
  const counts = { created: 0, updated: 0, unchanged: 0 };
  if (plan.entries.length === 0) return counts;
  const fields = [...plan.fieldNames.entries()]
    .map(([id, name]) => [id, definition.fields.find((field) => field.name === name)] as const)
    .filter((pair): pair is readonly [string, FieldDefinition] => pair[1] !== undefined && pair[1].type !== 'action');
  const table = tableName(definition.name);
  const columns = ['id', 'created_at', 'updated_at', ...fields.map(([, field]) => field.column)];
  const casts = ['', '::TIMESTAMPTZ', '::TIMESTAMPTZ', ...fields.map(([, field]) => castOf(field))];
  const skippedValues = new Map<string, { count: number; example: string }>();
  await workspace.db.transaction(async (sql) => {
    for (let start = 0; start < plan.entries.length; start += 2000) {
      const batch = plan.entries.slice(start, start + 2000);
      const existing = new Map(
        (
          await sql.query(`SELECT * FROM ${table} WHERE id IN (SELECT unnest(from_json($1, '["VARCHAR"]')))`, [JSON.stringify(batch.map((entry) => entry.id))])
        ).map((row) => [String(row.id), row]),
      );
      const rows: (string | null)[][] = [];
      const changes: Parameters<typeof recordChanges>[1][number][] = [];
      const changedAt: Date[] = [];
      for (const entry of batch) {
        const before = existing.get(entry.id);
        const values: unknown[] = [];
        for (const [fieldId, field] of fields) {
          const raw = entry.values.get(fieldId);
          if (raw === undefined || raw.trim() === '') {
            values.push(null);
            continue;
          }
          const converted = convert(workspace, field, raw, knownIds);
          if ('skip' in converted) {
            const key = `${definition.name}.${field.name}`;
            const seen = skippedValues.get(key) ?? { count: 0, example: converted.skip };
            seen.count += 1;
            skippedValues.set(key, seen);
            values.push(null);
          } else if ('defer' in converted) {
            // A name rather than an id: found now if the related entries are in (a second run), else after all are.
            const found = await resolveEntryId(sql, workspace.object(field.relatedObject!), converted.defer).catch((error: unknown) => {
              if (error instanceof ValidationError) return undefined;
              throw error;
            });
            if (found === undefined) deferred.push({ object: definition.name, id: entry.id, field, value: converted.defer });
            values.push(found ?? before?.[field.column] ?? null);
          } else values.push(converted.value);
        }
        const changed = fields.filter(([, field], index) => asText(before?.[field.column] ?? null) !== asText(values[index] ?? null));
        if (before && changed.length === 0) {
          counts.unchanged += 1;
          continue;
        }
        if (before) counts.updated += 1;
        else counts.created += 1;
        rows.push([entry.id, asText(entry.createdAt), asText(before ? new Date(Math.max(entry.updatedAt.getTime(), (before.updated_at as Date).getTime())) : entry.updatedAt), ...values.map(asText)]);
        for (const [, field] of changed) {
          const index = fields.findIndex(([, candidate]) => candidate === field);
          changes.push({ object: definition.name, entryId: entry.id, field: field.name, oldValue: asText(before?.[field.column] ?? null), newValue: asText(values[index] ?? null), by: importedBy });
          changedAt.push(before ? workspace.clock.now() : entry.createdAt);
        }
      }
      if (rows.length > 0) {
        const select = columns.map((_, index) => `r[${index + 1}]${casts[index] ?? ''}`).join(', ');
        const updates = columns.slice(1).map((column) => `${quoteIdentifier(column)} = excluded.${quoteIdentifier(column)}`);
        await sql.run(
          `INSERT INTO ${table} (${columns.map(quoteIdentifier).join(', ')}) SELECT ${select} FROM (SELECT unnest(from_json($1, '["VARCHAR[]"]')) AS r) ON CONFLICT (id) DO UPDATE SET ${updates.join(', ')}`,
          [JSON.stringify(rows)],
        );
        await recordChanges(sql, changes, changedAt);
      }
      advance(batch.length, counts);
    }
  });
  summary.entries.created += counts.created;
  summary.entries.updated += counts.updated;
  summary.entries.unchanged += counts.unchanged;
  for (const [what, { count, example }] of skippedValues) summary.skipped.push({ what: `${what}: ${count} value${count === 1 ? '' : 's'}`, reason: example });
  return counts;
}

function castOf(field: FieldDefinition): string {
  return field.type === 'date' ? '::TIMESTAMPTZ' : field.type === 'number' ? '::DOUBLE' : field.type === 'boolean' ? '::BOOLEAN' : '';
}

/**
 * Relation values that are no entry id of the related object: a name to look up (an escalator relation field that
 * DenchClaw held as text), once every object's entries are in.
 */
async function resolveDeferred(workspace: Workspace, deferred: { object: string; id: string; field: FieldDefinition; value: string }[], summary: DenchClawImportSummary): Promise<void> {
  const failures = new Map<string, { count: number; example: string }>();
  await workspace.db.transaction(async (sql) => {
    for (const item of deferred) {
      try {
        const id = await resolveEntryId(sql, workspace.object(item.field.relatedObject!), item.value);
        await sql.run(`UPDATE ${tableName(item.object)} SET ${quoteIdentifier(item.field.column)} = $1 WHERE id = $2`, [id, item.id]);
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        const key = `${item.object}.${item.field.name}`;
        const seen = failures.get(key) ?? { count: 0, example: errorMessage(error) };
        seen.count += 1;
        failures.set(key, seen);
      }
    }
  });
  for (const [what, { count, example }] of failures) summary.skipped.push({ what: `${what}: ${count} relation value${count === 1 ? '' : 's'}`, reason: example });
}

/** Entry documents (the documents table's rows with an entry_id) copied to objects/<name>/docs/<entry>.md. */
function importDocuments(workspace: Workspace, source: DenchClawSource, plans: Plan[], nameOf: Map<string, string>, summary: DenchClawImportSummary): number {
  let written = 0;
  const objectOfEntry = new Map<string, string>();
  for (const plan of plans) for (const entry of plan.entries) objectOfEntry.set(entry.id, plan.name);
  for (const document of source.documents) {
    const object = document.entryId ? objectOfEntry.get(document.entryId) : undefined;
    if (!document.entryId || !object) {
      const parent = document.parentObjectId ? nameOf.get(document.parentObjectId) : undefined;
      summary.skipped.push({ what: `document ${document.filePath}`, reason: parent ? `linked to ${parent} but to no entry (object documents are not imported yet)` : 'linked to no entry' });
      continue;
    }
    const read = sourceFile(source, document.filePath);
    if ('refused' in read) {
      summary.skipped.push({ what: `document ${document.filePath}`, reason: read.refused });
      continue;
    }
    const path = documentPath(workspace, object, document.entryId);
    if (existsSync(path) && readFileSync(path, 'utf8') === read.text) continue;
    writeFileAtomic(path, read.text);
    written += 1;
  }
  return written;
}
