// escalator init [--demo]: creates a workspace with the built-in objects, optionally with demo data.
import { loadDemo } from '../../objects/demo';
import { Workspace } from '../../objects/workspace';
import { createFirstUseTables } from '../first-use-tables';
import { parseFlags, type Command } from '../command';

const usage = 'escalator init [--demo] [--timezone ZONE] [--name NAME] [--workspace DIR]';

export const initCommand: Command = {
  name: 'init',
  summary: 'create a workspace with company, people and support_tickets (--demo adds sample accounts and tickets)',
  usage,
  async run(context) {
    const { values } = parseFlags(context.argv, { demo: { type: 'boolean' }, timezone: { type: 'string' }, name: { type: 'string' } }, usage);
    const options: Parameters<typeof Workspace.init>[1] = { clock: context.clock };
    if (values.timezone) options.timezone = values.timezone;
    if (values.name) options.name = values.name;
    else if (values.demo) options.name = 'Demo support team';
    options.populate = async (workspace) => {
      await createFirstUseTables(workspace);
      if (values.demo) await loadDemo(workspace);
    };
    const workspace = await Workspace.init(context.workspaceDir, options);
    try {
      const counts = await Promise.all(
        [...workspace.objects.keys()].map(async (name) => {
          const rows = await workspace.db.query<{ count: number }>(`SELECT count(*) AS count FROM obj_${name}`);
          return `${name} ${rows[0]?.count ?? 0}`;
        }),
      );
      context.io.stdout(`created workspace ${workspace.dir} (${workspace.timeZone}): ${counts.join(', ')}`);
    } finally {
      await workspace.close();
    }
  },
};
