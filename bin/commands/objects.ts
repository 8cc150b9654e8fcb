// escalator objects list|show NAME: object definitions, their fields and views.
import { UsageError } from '../../objects/errors';
import { describeObject, type ObjectDescription } from '../../objects/describe-object';
import type { ObjectFileProblem } from '../../objects/object-files';
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
    const where = (problem: ObjectFileProblem) => `${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}`;
    if (action === 'list') {
      const loaded = await Promise.all(
        [...workspace.objects.values()].map(async (definition) => ({ ...describe(definition, await countOf(definition.name)), loaded: true, notes: definition.notes })),
      );
      const skipped = workspace.problems.map((problem) => ({ name: problem.object ?? problem.file, loaded: false, file: where(problem), reason: problem.message }));
      if (values.json) {
        context.io.stdout(toJson([...loaded, ...skipped]));
      } else {
        context.io.stdout(
          formatTable(
            [
              ...loaded.map((object) => ({ object: object.name, entries: object.entries, fields: object.fields.length, views: object.views.map((view) => view.name).join(', ') })),
              ...skipped.map((object) => ({ object: object.name, entries: '', fields: '', views: `not loaded: ${object.reason}` })),
            ],
            { timeZone: workspace.timeZone, maxWidth: 60 },
          ),
        );
        const assumed = loaded.filter((object) => object.notes.length > 0);
        if (assumed.length) context.io.stdout(`\n${assumed.map((object) => `${object.name}: ${object.notes.length} assumption${object.notes.length === 1 ? '' : 's'} (escalator objects show ${object.name})`).join('\n')}`);
      }
      // A file that did not load is a failure to report, though everything else listed works.
      for (const problem of workspace.problems) context.io.stderr(`${where(problem)}: ${problem.message} — not loaded; fix the file (or remove it) and run again`);
      return workspace.problems.length > 0 ? 1 : 0;
    }
    if (action !== 'show' || !name) throw new UsageError(`usage: ${usage}`);
    const definition = workspace.object(name);
    const views = definition.views.map((view) => ({
      name: view.name,
      ...(view.viewType ? { view_type: view.viewType } : {}),
      ...(view.columns ? { columns: view.columns } : {}),
      ...(view.settings ? { settings: view.settings } : {}),
      ...(view.problem ? { problem: view.problem } : {}),
      active: definition.activeView === view.name,
    }));
    const detail = { ...describe(definition, await countOf(definition.name)), ...(definition.activeView ? { active_view: definition.activeView } : {}), notes: definition.notes };
    if (values.json) return void context.io.stdout(toJson({ ...detail, view_details: views }));
    const lines = [`${detail.name} — ${detail.entries} entries, shown by ${detail.display_field}${detail.kanban_field ? `, board on ${detail.kanban_field}` : ''}`, ''];
    lines.push(
      formatTable(
        detail.fields.map((field, index) => ({
          field: field.name,
          type: `${field.type === 'relation' ? `relation → ${field.related_object}` : field.type}${definition.fields[index]?.multiple ? ' (several)' : ''}`,
          options: field.options?.join(', ') ?? (field.script ? `runs actions/${field.script}` : ''),
        })),
        { timeZone: workspace.timeZone, maxWidth: 80 },
      ),
    );
    for (const [index, view] of detail.views.entries()) {
      const extra = views[index]!;
      const kind = `${extra.active ? ' (active)' : ''}${extra.view_type ? ` ${extra.view_type}` : ''}`;
      lines.push('', `view "${view.name}"${kind}: filter ${JSON.stringify(view.filter)}; sort ${view.sort.map((sort) => `${sort.field} ${sort.direction}`).join(', ') || '(none)'}`);
      if (extra.columns) lines.push(`  columns: ${extra.columns.join(', ')}`);
      if (extra.problem) lines.push(`  cannot be used: ${extra.problem}`);
    }
    if (definition.notes.length) lines.push('', 'assumed when reading the file:', ...definition.notes.map((note) => `  - ${note}`));
    context.io.stdout(lines.join('\n'));
  },
};
