// write_document: an entry's markdown document (post-escalation reviews, account history), replaced or appended to.
import { relative } from 'node:path';
import { z } from 'zod';
import { writeDocument } from '../objects/documents';
import type { Workspace } from '../objects/workspace';
import { defineTool } from './tool';

export const writeDocumentInput = z.object({
  object: z.string().describe('The entry\'s object, e.g. "support_tickets" or "company"'),
  entry: z.string().describe('The entry\'s id, or its display name when unique (a company\'s Name)'),
  markdown: z.string().min(1).describe('The document text in markdown; start a section with a "## " heading'),
  append: z.boolean().default(true).describe('Add after what the document already holds (default); false replaces it'),
});

export function writeDocumentTool(deps: { workspace: Workspace }) {
  return defineTool({
    name: 'write_document',
    description:
      'Write to an entry\'s document: a post-escalation review goes to the ticket\'s document AND to its company\'s (call twice), so the history is there at the next renewal conversation.',
    inputSchema: writeDocumentInput,
    async run(input) {
      const { workspace } = deps;
      const written = await writeDocument(workspace, input.object, input.entry, input.markdown, { append: input.append });
      return { object: workspace.object(input.object).name, entry: written.entryId, file: relative(workspace.dir, written.path), appended: input.append };
    },
  });
}
