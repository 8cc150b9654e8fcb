// escalator board [OBJECT]: the kanban board in text (default support_tickets on Status).
import { buildBoard, renderBoard } from '../../objects/board';
import { parseFlags, type Command } from '../command';
import { toJson } from '../format';

const usage = 'escalator board [OBJECT] [--field NAME] [--limit N] [--json]';

export const boardCommand: Command = {
  name: 'board',
  summary: 'the kanban board in text (Escalated cards sorted by account tier, then priority)',
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(context.argv, { json: { type: 'boolean' }, field: { type: 'string' }, limit: { type: 'string' } }, usage);
    const workspace = await context.openWorkspace();
    const objectName = positionals[0] ?? 'support_tickets';
    const board = await buildBoard(workspace, objectName, values.field);
    if (values.json) return void context.io.stdout(toJson(board));
    const perColumn = values.limit ? Number(values.limit) : 8;
    context.io.stdout(renderBoard(board, { now: workspace.clock.now(), perColumn, displayField: workspace.object(objectName).displayField }));
  },
};
