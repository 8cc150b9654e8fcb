// Documents: one markdown file per entry under objects/<name>/docs/ (post-escalation reviews, account history), and
// workspace documents under docs/ (the escalation policy).
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
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

/** Workspace documents (the escalation policy, runbooks): <workspace>/docs/<name>.md beside the entry documents. */
export function workspaceDocumentPath(workspace: Workspace, name: string): string {
  return pathInside(workspace.path('docs'), workspaceDocumentName(name), { kind: 'document', suffix: '.md' });
}

/** "Escalation Policy" / "escalation-policy.md" → "escalation-policy": the file name a workspace document has. */
export function workspaceDocumentName(name: string): string {
  return name.trim().replace(/\.md$/i, '').toLowerCase().replace(/[\s_]+/g, '-');
}

/** Writes a workspace document, replacing it or appending a section. Returns its name and file. */
export function writeWorkspaceDocument(workspace: Workspace, name: string, markdown: string, options: { append?: boolean } = {}): { name: string; path: string } {
  const path = workspaceDocumentPath(workspace, name);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const existing = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const body = markdown.endsWith('\n') ? markdown : `${markdown}\n`;
  writeFileAtomic(path, options.append && existing ? `${existing.trimEnd()}\n\n${body}` : body);
  return { name: workspaceDocumentName(name), path };
}

/** A workspace document's text, or undefined when there is none of that name. */
export function readWorkspaceDocument(workspace: Workspace, name: string): string | undefined {
  const path = workspaceDocumentPath(workspace, name);
  return existsSync(path) ? readFileSync(path, 'utf8') : undefined;
}

/** The workspace documents' names, sorted. */
export function listWorkspaceDocuments(workspace: Workspace): string[] {
  const dir = workspace.path('docs');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((file) => file.endsWith('.md') && !file.startsWith('.'))
    .map((file) => file.slice(0, -3))
    .sort();
}
