// The workspace's DuckDB file: its path, its mode, and opening it early. Small on purpose: the command line loads it
// before the object files' parsers (zod, js-yaml), so DuckDB reads the file on a libuv thread while they load and run.
import { chmodSync, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Database } from './database';

/** The database file of the workspace at `root`. */
export function workspaceDatabasePath(root: string): string {
  return join(root, 'workspace.duckdb');
}

/**
 * DuckDB creates its file and .wal with the process umask; the CRM data is the owner's alone, so an existing
 * file readable by group or others is narrowed to 0600 on open (bin/ also sets umask 077 for new ones).
 */
export function restrictDatabaseFile(path: string): void {
  for (const file of [path, `${path}.wal`]) {
    if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  }
}

/**
 * Starts opening the database of the workspace at `dir` when it is a workspace whose database file exists (never
 * creating one: `Workspace.open` decides that). Returns the path when it started an instance, for
 * `abandonPreopened` should the workspace then fail to open; undefined when it started nothing.
 */
export function preopenWorkspaceDatabase(dir: string): string | undefined {
  const root = resolve(dir);
  const path = workspaceDatabasePath(root);
  if (!existsSync(join(root, 'workspace.yaml')) || !existsSync(path)) return undefined;
  restrictDatabaseFile(path);
  return Database.preopen(path) ? path : undefined;
}

/** Closes an instance `preopenWorkspaceDatabase` started when nothing took it (the workspace failed to open). */
export async function abandonPreopened(path: string): Promise<void> {
  try {
    await Database.release(path);
  } catch {
    // It failed to open: there is nothing to close, and `Workspace.open` reported why.
  }
}
