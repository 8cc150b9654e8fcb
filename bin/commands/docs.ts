// escalator docs list|show NAME|write NAME: workspace documents (docs/<name>.md), such as the escalation policy.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { listWorkspaceDocuments, readWorkspaceDocument, workspaceDocumentName, writeWorkspaceDocument } from '../../objects/documents';
import { EscalatorError, UsageError } from '../../objects/errors';
import { parseFlags, type Command } from '../command';
import { toJson } from '../format';

const usage = [
  'escalator docs list [--json]',
  '       escalator docs show NAME [--json]',
  '       escalator docs write NAME [--append] [--file PATH]   (markdown from --file or stdin)',
].join('\n');

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export const docsCommand: Command = {
  name: 'docs',
  summary: 'workspace documents (docs/<name>.md) such as the escalation policy: list, show, write',
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(context.argv, { json: { type: 'boolean' }, append: { type: 'boolean' }, file: { type: 'string' } }, usage);
    const [action = 'list', ...rest] = positionals;
    const name = rest.join(' ');
    const workspace = await context.openWorkspace();
    switch (action) {
      case 'list': {
        const names = listWorkspaceDocuments(workspace);
        return void context.io.stdout(values.json ? toJson(names) : names.length ? names.join('\n') : 'no workspace documents (escalator docs write NAME < policy.md)');
      }
      case 'show': {
        if (!name) throw new UsageError(`usage: ${usage}`);
        const text = readWorkspaceDocument(workspace, name);
        if (text === undefined) throw new EscalatorError(`no workspace document "${workspaceDocumentName(name)}" (documents: ${listWorkspaceDocuments(workspace).join(', ') || 'none'})`);
        return void context.io.stdout(values.json ? toJson({ name: workspaceDocumentName(name), markdown: text }) : text.trimEnd());
      }
      case 'write': {
        if (!name) throw new UsageError(`usage: ${usage}`);
        const markdown = values.file ? readFileSync(values.file, 'utf8') : await readStdin(context.io.stdin);
        if (!markdown.trim()) throw new UsageError('the document is empty (give --file PATH or pipe markdown on stdin)');
        const written = writeWorkspaceDocument(workspace, name, markdown, { append: values.append ?? false });
        return void context.io.stdout(`wrote ${relative(workspace.dir, written.path)}`);
      }
      default:
        throw new UsageError(`unknown docs action "${action}"\nusage: ${usage}`);
    }
  },
};
