// Entry documents: one markdown file per entry under objects/<name>/docs/ (post-escalation reviews, account history).
import { existsSync, readFileSync } from 'node:fs';
import { resolveEntryId } from './entries';
import { writeFileAtomic } from './files';
import { pathInside } from './safe-path';
import type { Workspace } from './workspace';

export function documentPath(workspace: Workspace, objectName: string, entryId: string): string {
  return pathInside(workspace.docsDir(workspace.object(objectName).name), entryId.replace(/[^A-Za-z0-9_.-]/g, '_'), { kind: 'document', suffix: '.md' });
}

/**
 * Writes an entry's document, replacing it or appending a section. `entry` is an id or display name.
 * Returns the entry id and the file written.
 */
export async function writeDocument(
  workspace: Workspace,
  objectName: string,
  entry: string,
  markdown: string,
  options: { append?: boolean } = {},
): Promise<{ entryId: string; path: string }> {
  const definition = workspace.object(objectName);
  const entryId = await resolveEntryId(workspace.db, definition, entry);
  const path = documentPath(workspace, definition.name, entryId);
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const body = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
  const text = options.append && existing ? `${existing.trimEnd()}\n\n${body}` : body;
  writeFileAtomic(path, text);
  return { entryId, path };
}

/** An entry's document, or undefined when it has none. */
export function readDocument(workspace: Workspace, objectName: string, entryId: string): string | undefined {
  const path = documentPath(workspace, objectName, entryId);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}
