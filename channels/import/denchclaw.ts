// escalator import denchclaw DIR: brings a DenchClaw workspace over — its objects as typed tables with every
// entry (ids kept, so relations resolve and a second run updates), views from its .object.yaml files, and entry
// documents. The source is only read.
import { existsSync, readFileSync } from 'node:fs';
import { documentPath } from '../../objects/documents';
import { DefinitionError, ValidationError, errorMessage } from '../../objects/errors';
import { asText, recordChanges, resolveEntryId } from '../../objects/entries';
import { writeFileAtomic } from '../../objects/files';
import { type FieldDefinition, type ObjectDefinition, objectNameFrom, quoteIdentifier, tableName } from '../../objects/object-schema';
import type { Workspace } from '../../objects/workspace';
import type { ImportProgress } from './progress';
import { type DenchClawImportSummary, type Plan, mergeFile, planObject, withoutRelations } from './denchclaw-definitions';
import { type DenchClawSource, openDenchClawSource, sourceFile } from './denchclaw-source';
import { convert } from './denchclaw-values';

export type { DenchClawImportSummary } from './denchclaw-definitions';

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
