// read_document: an entry's document or a workspace document (the escalation policy), or the list of workspace documents.
import { relative } from 'node:path';
import { z } from 'zod';
import { documentPath, listWorkspaceDocuments, readDocument, readWorkspaceDocument, workspaceDocumentName, workspaceDocumentPath } from '../objects/documents';
import { resolveEntryId } from '../objects/entries';
import { EscalatorError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { defineTool } from './tool';

/** Longest text returned at once; the rest is said to be there. */
const maxCharacters = 20_000;

export function readDocumentTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'read_document',
    description:
      'Read a document: a workspace document by name (the escalation policy: "escalation-policy"), or an entry\'s document (post-escalation reviews, account history) by object and entry. With neither, lists the workspace documents. Use before answering from the policy or a past review.',
    inputSchema: z.object({
      document: z.string().optional().describe('A workspace document\'s name, e.g. "escalation-policy"'),
      object: z.string().optional().describe('The entry\'s object, e.g. "company" (with entry)'),
      entry: z.string().optional().describe('The entry\'s id or display name, e.g. "Acme Corp"'),
    }),
    outsideText: ['markdown'],
    async run(input) {
      const { workspace } = deps;
      const cut = (text: string) => (text.length > maxCharacters ? { markdown: text.slice(0, maxCharacters), truncated: `${text.length - maxCharacters} more characters` } : { markdown: text });
      if (input.document !== undefined) {
        const text = readWorkspaceDocument(workspace, input.document);
        const known = listWorkspaceDocuments(workspace);
        if (text === undefined) throw new EscalatorError(`no workspace document "${workspaceDocumentName(input.document)}" (documents: ${known.join(', ') || 'none yet; write one with write_document document=…'})`);
        return { document: workspaceDocumentName(input.document), file: relative(workspace.dir, workspaceDocumentPath(workspace, input.document)), ...cut(text) };
      }
      if (input.object !== undefined && input.entry !== undefined) {
        const definition = workspace.object(input.object);
        const id = await resolveEntryId(workspace.db, definition, input.entry);
        const text = readDocument(workspace, definition.name, id);
        const file = relative(workspace.dir, documentPath(workspace, definition.name, id));
        if (text === undefined) return { object: definition.name, entry: id, file, markdown: null, note: 'this entry has no document yet' };
        return { object: definition.name, entry: id, file, ...cut(text) };
      }
      if (input.object !== undefined || input.entry !== undefined) throw new EscalatorError('read_document needs both object and entry for an entry document');
      return { documents: listWorkspaceDocuments(workspace) };
    },
  });
}
