// write_document: an entry's markdown document (post-escalation reviews, account history) or a workspace document (the
// escalation policy), replaced or appended to.
import { relative } from 'node:path';
import { z } from 'zod';
import { writeDocument, writeWorkspaceDocument } from '../objects/documents';
import { EscalatorError } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import { defineTool } from './tool';

export const writeDocumentInput = z.object({
  object: z.string().optional().describe('The entry\'s object, e.g. "support_tickets" or "company" (with entry)'),
  entry: z.string().optional().describe('The entry\'s id, or its display name when unique (a company\'s Name)'),
  document: z.string().optional().describe('Instead of object + entry: a workspace document by name, e.g. "escalation-policy" (docs/<name>.md)'),
  markdown: z.string().min(1).describe('The document text in markdown; start a section with a "## " heading'),
  append: z.boolean().default(true).describe('Add after what the document already holds (default); false replaces it'),
});

export function writeDocumentTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'write_document',
    description:
      'Write to an entry\'s document: a post-escalation review goes to the ticket\'s document AND to its company\'s (call twice), so the history is there at the next renewal conversation. With document (no object/entry): a workspace document such as the escalation policy (tiers, triggers, owners, SLAs).',
    inputSchema: writeDocumentInput,
    async run(input) {
      const { workspace } = deps;
      if (input.document !== undefined) {
        if (input.object !== undefined || input.entry !== undefined) throw new EscalatorError('give either document (a workspace document) or object and entry (an entry document), not both');
        const written = writeWorkspaceDocument(workspace, input.document, input.markdown, { append: input.append });
        return { document: written.name, file: relative(workspace.dir, written.path), appended: input.append };
      }
      if (input.object === undefined || input.entry === undefined) throw new EscalatorError('write_document needs object and entry (an entry document) or document (a workspace document, e.g. "escalation-policy")');
      const written = await writeDocument(workspace, input.object, input.entry, input.markdown, { append: input.append });
      return { object: workspace.object(input.object).name, entry: written.entryId, file: relative(workspace.dir, written.path), appended: input.append };
    },
  });
}
