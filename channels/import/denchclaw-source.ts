// Reads a DenchClaw workspace without changing it: its DuckDB (objects, fields, entries, entry_fields, documents
// tables, opened READ_ONLY) and its .object.yaml files (views, active view, view settings that live only there).
import { existsSync, lstatSync, readFileSync, readdirSync, realpathSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { DefinitionError, EscalatorError, errorMessage } from '../../objects/errors';
import { objectNameFrom } from '../../objects/object-schema';
import { readYaml } from '../../objects/yaml-file';

export interface SourceObject {
  id: string;
  name: string;
  description?: string;
  icon?: string;
  defaultView?: string;
  displayField?: string;
}

export interface SourceField {
  id: string;
  objectId: string;
  name: string;
  type: string;
  required: boolean;
  relatedObjectId?: string;
  relationshipType?: string;
  enumValues: string[];
  enumMultiple: boolean;
}

export interface SourceEntry {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  /** Field id → the value as DenchClaw stores it (text; JSON lists for multi-values). */
  values: Map<string, string>;
}

export interface SourceDocument {
  filePath: string;
  entryId?: string;
  parentObjectId?: string;
}

/** An .object.yaml of the DenchClaw workspace, by the object it names. */
export interface SourceObjectFile {
  file: string;
  data: Record<string, unknown>;
}

export interface DenchClawSource {
  dir: string;
  database?: string;
  objects: SourceObject[];
  fields: SourceField[];
  documents: SourceDocument[];
  files: Map<string, SourceObjectFile>;
  /** Files that could not be read, with the reason. */
  unreadable: { file: string; reason: string }[];
  /** The entries of one object, in DenchClaw's order (newest first), read when asked. */
  entries(objectId: string): Promise<SourceEntry[]>;
  close(): void;
}

const skippedFolders = new Set(['node_modules', '.git', 'exports', 'apps', 'skills', 'memory']);

/** Opens a DenchClaw workspace folder for reading. The database is opened read-only and never written. */
export async function openDenchClawSource(dir: string): Promise<DenchClawSource> {
  const root = resolve(dir);
  if (!existsSync(root) || !lstatSync(root).isDirectory()) throw new EscalatorError(`${dir} is not a folder; give the DenchClaw workspace folder (the one holding workspace.duckdb)`);
  const { files, unreadable } = readObjectFiles(root);
  const database = join(root, 'workspace.duckdb');
  if (!existsSync(database)) {
    return { dir: root, objects: [], fields: [], documents: [], files, unreadable, entries: async () => [], close: () => undefined };
  }
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(database, { access_mode: 'READ_ONLY' });
  } catch (error) {
    throw new EscalatorError(`cannot open ${database} read-only: ${errorMessage(error)} (is DenchClaw running? stop it, or copy the file, and try again)`, { cause: error });
  }
  const connection = await instance.connect();
  const rows = async (sql: string, params: string[] = []): Promise<Record<string, unknown>[]> => {
    if (params.length === 0) return (await connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
    const statement = await connection.prepare(sql);
    params.forEach((value, index) => statement.bindVarchar(index + 1, value));
    return (await statement.runAndReadAll()).getRowObjectsJS() as Record<string, unknown>[];
  };
  const close = () => {
    connection.closeSync();
    instance.closeSync();
  };
  try {
    const tables = new Set((await rows(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'`)).map((row) => String(row.table_name)));
    for (const table of ['objects', 'fields', 'entries', 'entry_fields']) {
      if (!tables.has(table)) throw new EscalatorError(`${database} has no ${table} table; it is not a DenchClaw workspace database`);
    }
    const columnsOf = async (table: string) =>
      new Set((await rows(`SELECT column_name FROM information_schema.columns WHERE table_name = $1`, [table])).map((row) => String(row.column_name)));
    const objectColumns = await columnsOf('objects');
    const objects = (await rows(`SELECT * FROM objects ORDER BY ${objectColumns.has('sort_order') ? 'sort_order, ' : ''}name`)).map((row) => {
      const object: SourceObject = { id: String(row.id), name: String(row.name) };
      if (typeof row.description === 'string' && row.description) object.description = row.description;
      if (typeof row.icon === 'string' && row.icon) object.icon = row.icon;
      if (typeof row.default_view === 'string' && row.default_view) object.defaultView = row.default_view;
      if (typeof row.display_field === 'string' && row.display_field) object.displayField = row.display_field;
      return object;
    });
    const fieldColumns = await columnsOf('fields');
    const fields = (await rows(`SELECT * FROM fields ORDER BY object_id, ${fieldColumns.has('sort_order') ? 'sort_order, ' : ''}name`)).map((row) => {
      const field: SourceField = {
        id: String(row.id),
        objectId: String(row.object_id),
        name: String(row.name),
        type: String(row.type ?? 'text'),
        required: row.required === true,
        enumValues: jsonList(row.enum_values),
        enumMultiple: row.enum_multiple === true,
      };
      if (row.related_object_id) field.relatedObjectId = String(row.related_object_id);
      if (row.relationship_type) field.relationshipType = String(row.relationship_type);
      return field;
    });
    const documents: SourceDocument[] = [];
    if (tables.has('documents')) {
      const documentColumns = await columnsOf('documents');
      for (const row of await rows('SELECT * FROM documents')) {
        if (typeof row.file_path !== 'string') continue;
        const document: SourceDocument = { filePath: row.file_path };
        if (documentColumns.has('entry_id') && row.entry_id) document.entryId = String(row.entry_id);
        if (row.parent_object_id) document.parentObjectId = String(row.parent_object_id);
        documents.push(document);
      }
    }
    const entries = async (objectId: string): Promise<SourceEntry[]> => {
      const byId = new Map<string, SourceEntry>();
      for (const row of await rows(`SELECT id, created_at, updated_at FROM entries WHERE object_id = $1 ORDER BY created_at DESC, id DESC`, [objectId])) {
        byId.set(String(row.id), { id: String(row.id), createdAt: asDate(row.created_at), updatedAt: asDate(row.updated_at ?? row.created_at), values: new Map() });
      }
      const values = await rows(
        `SELECT ef.entry_id, ef.field_id, ef.value FROM entry_fields ef JOIN entries e ON e.id = ef.entry_id WHERE e.object_id = $1 AND ef.value IS NOT NULL`,
        [objectId],
      );
      for (const row of values) byId.get(String(row.entry_id))?.values.set(String(row.field_id), String(row.value));
      return [...byId.values()];
    };
    return { dir: root, database, objects, fields, documents, files, unreadable, entries, close };
  } catch (error) {
    close();
    throw error;
  }
}

/** A JSON list column (enum_values) as strings, whether DuckDB gives it as text or as a list. */
function jsonList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value.map(String);
  try {
    const parsed: unknown = JSON.parse(String(value));
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

function asDate(value: unknown): Date {
  if (value instanceof Date) return value;
  const date = new Date(String(value));
  return Number.isNaN(date.getTime()) ? new Date(0) : date;
}

/**
 * The .object.yaml files of the workspace, found as DenchClaw finds them: in any folder (nested objects under
 * documents too), at most five levels down. Symbolic links are not followed; each file goes through the bounded
 * YAML reader, so a bomb is refused quickly.
 */
function readObjectFiles(root: string): { files: Map<string, SourceObjectFile>; unreadable: { file: string; reason: string }[] } {
  const files = new Map<string, SourceObjectFile>();
  const unreadable: { file: string; reason: string }[] = [];
  const visit = (dir: string, depth: number) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (!entry.isDirectory() || entry.name.startsWith('.') || skippedFolders.has(entry.name)) continue;
      const folder = join(dir, entry.name);
      const path = join(folder, '.object.yaml');
      if (existsSync(path) && lstatSync(path).isFile()) {
        const file = relative(root, path);
        try {
          const data = readYaml(readFileSync(path, 'utf8'), { file });
          if (data === null || typeof data !== 'object' || Array.isArray(data)) throw new DefinitionError(file, 'is not a YAML mapping of an object');
          const record = data as Record<string, unknown>;
          const name = objectNameFrom(typeof record.name === 'string' ? record.name : entry.name);
          if (!files.has(name)) files.set(name, { file, data: record });
        } catch (error) {
          unreadable.push({ file, reason: error instanceof DefinitionError ? error.detail : errorMessage(error) });
        }
      }
      if (depth < 5) visit(folder, depth + 1);
    }
  };
  visit(root, 1);
  return { files, unreadable };
}

/** A file the workspace names (a document's file_path), if it lies inside the workspace and is a plain file. */
export function sourceFile(source: DenchClawSource, path: string, maxBytes = 1024 * 1024): { text: string } | { refused: string } {
  const full = resolve(source.dir, path);
  if (full !== source.dir && !full.startsWith(source.dir + sep)) return { refused: 'it lies outside the DenchClaw workspace' };
  if (!existsSync(full)) return { refused: 'the file is missing' };
  // A linked folder on the way could lead out of the workspace too.
  const real = realpathSync(full);
  const realRoot = realpathSync(source.dir);
  if (!real.startsWith(realRoot + sep)) return { refused: 'it lies outside the DenchClaw workspace (through a link)' };
  const stat = lstatSync(full);
  if (!stat.isFile()) return { refused: 'it is not a plain file (links are not followed)' };
  if (stat.size > maxBytes) return { refused: `it is ${stat.size} bytes, more than ${maxBytes}` };
  return { text: readFileSync(full, 'utf8') };
}
