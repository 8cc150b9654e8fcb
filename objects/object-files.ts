// Reads, validates and writes .object.yaml files; every change through code is validated against the whole
// workspace, applied to DuckDB in one transaction, then moved into place atomically.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { dump } from 'js-yaml';
import { DefinitionError, ValidationError, errorMessage } from './errors';
import { compileFilter, compileSort, SqlParameters, type CompileContext } from './filter-compiler';
import { readYaml } from './yaml-file';
import { type ObjectDefinition, type ObjectRegistry, findField, parseObjectFile } from './object-schema';

/** Parses YAML text through the bounded reader; a syntax error or a file over the limits names the file. */
export function parseYaml(text: string, file: string): unknown {
  return readYaml(text, { file });
}

/** Reads one .object.yaml into a definition, or throws a DefinitionError naming the file and the problem. */
export function readObjectFile(path: string, label = path): ObjectDefinition {
  const data = parseYaml(readFileSync(path, 'utf8'), label);
  return definitionFrom(data, label);
}

export function definitionFrom(data: unknown, label: string): ObjectDefinition {
  const parsed = parseObjectFile(data);
  if (!parsed.ok) {
    const [first, ...rest] = parsed.problems;
    throw new DefinitionError(label, `${first!.path ? `${first!.path}: ` : ''}${first!.message}${rest.length ? ` (and ${rest.length} more)` : ''}`);
  }
  return parsed.definition;
}

/** Loads every objects/<name>/.object.yaml of a workspace. */
export function loadObjects(workspaceDir: string): Map<string, ObjectDefinition> {
  const objectsDir = join(workspaceDir, 'objects');
  const objects = new Map<string, ObjectDefinition>();
  if (!existsSync(objectsDir)) return objects;
  for (const entry of readdirSync(objectsDir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory()) continue;
    const path = join(objectsDir, entry.name, '.object.yaml');
    if (!existsSync(path)) continue;
    const label = relative(workspaceDir, path);
    const definition = readObjectFile(path, label);
    if (definition.name !== entry.name) {
      throw new DefinitionError(label, `name is "${definition.name}" but the folder is objects/${entry.name}; make them the same`);
    }
    objects.set(definition.name, definition);
  }
  return objects;
}

/**
 * Checks what one file cannot check alone: relations point at existing objects, the kanban field is an enum,
 * and every saved view's filter and sort compile.
 */
export function validateRegistry(objects: ObjectRegistry, fileOf: (name: string) => string, context: Omit<CompileContext, 'objects'>): void {
  for (const definition of objects.values()) {
    const file = fileOf(definition.name);
    for (const field of definition.fields) {
      if (field.type === 'relation' && !objects.has(field.relatedObject ?? '')) {
        throw new DefinitionError(
          file,
          `field "${field.name}" relates to "${field.relatedObject}", which is not an object here (objects: ${[...objects.keys()].join(', ')}); create it first or fix related_object`,
        );
      }
    }
    if (definition.kanbanField) {
      const kanban = findField(definition, definition.kanbanField);
      if (kanban?.type !== 'enum') {
        throw new DefinitionError(file, `view_settings.kanbanField "${definition.kanbanField}" must name an enum field of ${definition.name}`);
      }
    }
    for (const name of definition.cardSort) {
      if (!findField(definition, name)) throw new DefinitionError(file, `view_settings.cardSort names unknown field "${name}"`);
    }
    for (const view of definition.views) {
      try {
        const parameters = new SqlParameters();
        compileFilter(definition, view.filter, { ...context, objects }, parameters);
        compileSort(definition, view.sort, { ...context, objects }, parameters, new Map());
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        throw new DefinitionError(file, `view "${view.name}": ${errorMessage(error)}`, { cause: error });
      }
    }
  }
}

/**
 * YAML text for a definition file, keeping the file's own keys and order. The JSON round trip turns whatever
 * objects the data is made of (null-prototype objects from the YAML parser, clones from another realm) into the
 * plain objects js-yaml insists on.
 */
export function dumpObjectFile(raw: Record<string, unknown>): string {
  return dump(JSON.parse(JSON.stringify(raw)), { lineWidth: 120, noRefs: true });
}
