// escalator objects list|show NAME: object definitions, their fields and views.
import { UsageError } from '../../objects/errors';
import { describeObject, type ObjectDescription } from '../../objects/describe-object';
import type { ObjectDefinition } from '../../objects/object-schema';
import { parseFlags, type Command } from '../command';
import { formatTable, toJson } from '../format';

const usage = 'escalator objects list|show NAME [--json]';

function describe(definition: ObjectDefinition, count: number): ObjectDescription & { entries: number } {
  const { name, ...rest } = describeObject(definition);
  return { name, entries: count, ...rest };
}

export const objectsCommand: Command = {
  name: 'objects',
  summary: 'list object definitions, or show one with its fields and views',
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(context.argv, { json: { type: 'boolean' } }, usage);
    const [action = 'list', name] = positionals;
    const workspace = await context.openWorkspace();
    const countOf = async (object: string) =>
      (await workspace.db.query<{ count: number }>(`SELECT count(*) AS count FROM obj_${object}`))[0]?.count ?? 0;
    if (action === 'list') {
      const list = await Promise.all([...workspace.objects.values()].map(async (definition) => describe(definition, await countOf(definition.name))));
      if (values.json) return void context.io.stdout(toJson(list));
      context.io.stdout(
        formatTable(
          list.map((object) => ({ object: object.name, entries: object.entries, fields: object.fields.length, views: object.views.map((view) => view.name).join(', ') })),
          { timeZone: workspace.timeZone, maxWidth: 60 },
        ),
      );
      return;
    }
    if (action !== 'show' || !name) throw new UsageError(`usage: ${usage}`);
    const definition = workspace.object(name);
    const detail = describe(definition, await countOf(definition.name));
    if (values.json) return void context.io.stdout(toJson(detail));
    const lines = [`${detail.name} — ${detail.entries} entries, shown by ${detail.display_field}${detail.kanban_field ? `, board on ${detail.kanban_field}` : ''}`, ''];
    lines.push(
      formatTable(
        detail.fields.map((field) => ({
          field: field.name,
          type: field.type === 'relation' ? `relation → ${field.related_object}` : field.type,
          options: field.options?.join(', ') ?? (field.script ? `runs actions/${field.script}` : ''),
        })),
        { timeZone: workspace.timeZone, maxWidth: 80 },
      ),
    );
    for (const view of detail.views) lines.push('', `view "${view.name}": filter ${JSON.stringify(view.filter)}; sort ${view.sort.map((sort) => `${sort.field} ${sort.direction}`).join(', ') || '(none)'}`);
    context.io.stdout(lines.join('\n'));
  },
};
