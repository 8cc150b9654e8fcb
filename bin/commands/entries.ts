// escalator entries list|show|create|update|doc: entries of an object, from the command line.
import { readFileSync } from 'node:fs';
import { readDocument, writeDocument } from '../../objects/documents';
import { createEntries, findEntries, getEntry, resolveEntryId, updateEntries, type FieldValues } from '../../objects/entries';
import { UsageError, ValidationError } from '../../objects/errors';
import { normalizeFilter } from '../../objects/filter';
import { parseFlags, type Command } from '../command';
import { rowShape } from '../../tools/find-entries';
import { cellText, formatTable, toJson } from '../format';

const usage = [
  'escalator entries list OBJECT [--view NAME] [--filter JSON] [--sort "Field[:desc]"] [--limit N] [--json]',
  '       escalator entries show OBJECT ID|NAME [--json]',
  '       escalator entries create OBJECT "Field=Value" … [--json]',
  '       escalator entries update OBJECT ID|NAME "Field=Value" …',
  '       escalator entries doc OBJECT ID|NAME [--append] [--file PATH]   (markdown from --file or stdin)',
].join('\n');

function assignments(args: string[]): FieldValues {
  const values: FieldValues = {};
  for (const arg of args) {
    const equals = arg.indexOf('=');
    if (equals <= 0) throw new UsageError(`expected Field=Value, got "${arg}"\nusage: ${usage}`);
    values[arg.slice(0, equals).trim()] = arg.slice(equals + 1);
  }
  return values;
}

async function readStdin(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export const entriesCommand: Command = {
  name: 'entries',
  summary: 'list, show, create and update entries of an object; write an entry document',
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(
      context.argv,
      {
        json: { type: 'boolean' },
        view: { type: 'string' },
        filter: { type: 'string' },
        sort: { type: 'string', multiple: true },
        limit: { type: 'string' },
        append: { type: 'boolean' },
        file: { type: 'string' },
      },
      usage,
    );
    const [action, objectName, ...rest] = positionals;
    if (!action || !objectName) throw new UsageError(`usage: ${usage}`);
    const workspace = await context.openWorkspace();
    const definition = workspace.object(objectName);
    const by = 'cli';
    switch (action) {
      case 'list': {
        let filter;
        if (values.filter) {
          try {
            filter = normalizeFilter(JSON.parse(values.filter));
          } catch (error) {
            throw new ValidationError(`--filter: ${(error as Error).message}`);
          }
        }
        const sort = (values.sort ?? []).map((spec) => {
          const [field = '', direction] = spec.split(':');
          return { field, direction: direction?.toLowerCase() === 'desc' ? ('desc' as const) : ('asc' as const) };
        });
        const query: Parameters<typeof findEntries>[2] = {};
        if (filter) query.filter = filter;
        if (sort.length) query.sort = sort;
        if (values.view) query.view = values.view;
        if (values.limit) query.limit = Number(values.limit);
        const found = await findEntries(workspace, definition.name, query);
        // A view's saved columns (relation paths such as "Customer.Contract Value" too) are what it shows.
        const view = values.view ? definition.views.find((candidate) => candidate.name.toLowerCase() === values.view!.toLowerCase()) : undefined;
        const shape = view?.columns?.length ? await rowShape(workspace, definition, view.columns, found) : undefined;
        const rows = shape ? found.map((row) => shape.extend(row)) : found;
        if (values.json) return void context.io.stdout(toJson(shape ? rows.map((row) => Object.fromEntries(['id', ...shape.columns].map((key) => [key, row[key] ?? null]))) : rows));
        const columns = shape
          ? ['id', ...shape.columns]
          : ['id', ...definition.fields.filter((field) => !['richtext', 'action'].includes(field.type)).map((field) => field.name)].slice(0, 9);
        context.io.stdout(`${formatTable(rows, { timeZone: workspace.timeZone, columns, maxWidth: 28 })}\n(${rows.length} entr${rows.length === 1 ? 'y' : 'ies'})`);
        return;
      }
      case 'show': {
        const id = await resolveEntryId(workspace.db, definition, rest.join(' '));
        const row = await getEntry(workspace, definition.name, id);
        const document = readDocument(workspace, definition.name, id);
        if (values.json) return void context.io.stdout(toJson({ ...row, document: document ?? null }));
        const lines = Object.entries(row ?? {}).map(([key, value]) => `${key.padEnd(20)} ${cellText(value, workspace.timeZone)}`);
        if (document) lines.push('', '--- document ---', document.trimEnd());
        context.io.stdout(lines.join('\n'));
        return;
      }
      case 'create': {
        const [id] = await createEntries(workspace, definition.name, [assignments(rest)], { by });
        const row = await getEntry(workspace, definition.name, id!);
        context.io.stdout(values.json ? toJson(row) : `created ${definition.name} ${id}`);
        return;
      }
      case 'update': {
        const [reference, ...pairs] = rest;
        if (!reference || pairs.length === 0) throw new UsageError(`usage: ${usage}`);
        const id = await resolveEntryId(workspace.db, definition, reference);
        const changes = await updateEntries(workspace, definition.name, [{ id, values: assignments(pairs) }], { by });
        context.io.stdout(
          changes.length === 0 ? `nothing changed on ${id}` : changes.map((change) => `${id} ${change.field}: ${change.oldValue ?? '(empty)'} → ${change.newValue ?? '(empty)'}`).join('\n'),
        );
        return;
      }
      case 'doc': {
        const reference = rest.join(' ');
        if (!reference) throw new UsageError(`usage: ${usage}`);
        const markdown = values.file ? readFileSync(values.file, 'utf8') : await readStdin(context.io.stdin);
        if (!markdown.trim()) throw new UsageError('the document is empty (give --file PATH or pipe markdown on stdin)');
        const written = await writeDocument(workspace, definition.name, reference, markdown, { append: values.append ?? false });
        context.io.stdout(`wrote ${written.path}`);
        return;
      }
      default:
        throw new UsageError(`unknown entries action "${action}"\nusage: ${usage}`);
    }
  },
};
