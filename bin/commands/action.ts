// escalator action OBJECT ENTRY FIELD [--json]: runs an entry's action field (a script under actions/) and shows
// its status line.
import { UsageError } from '../../objects/errors';
import { maxActionSeconds, runActionField } from '../../jobs/action-fields';
import { parseFlags, type Command } from '../command';
import { toJson } from '../format';

const usage = 'escalator action OBJECT ID|NAME FIELD [--timeout SECONDS] [--json]';

export const actionCommand: Command = {
  name: 'action',
  summary: "run an entry's action field (a script under actions/) and show its status line",
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(context.argv, { json: { type: 'boolean' }, timeout: { type: 'string' } }, usage);
    const [objectName, entry, ...field] = positionals;
    if (!objectName || !entry || field.length === 0) throw new UsageError(`usage: ${usage}`);
    const options: Parameters<typeof runActionField>[4] = {
      environment: { PATH: process.env.PATH, HOME: process.env.HOME, LANG: process.env.LANG },
    };
    if (values.timeout !== undefined) {
      const seconds = Number(values.timeout);
      if (!(seconds > 0 && seconds <= maxActionSeconds)) {
        throw new UsageError(`--timeout must be a number of seconds above 0 and at most ${maxActionSeconds}, not "${values.timeout}"\nusage: ${usage}`);
      }
      options.timeoutMs = seconds * 1000;
    }
    const workspace = await context.openWorkspace();
    const result = await runActionField(workspace, objectName, entry, field.join(' '), options);
    if (values.json) {
      context.io.stdout(toJson(result));
    } else if (result.timedOut) {
      context.io.stderr(`escalator: actions/${result.script} was stopped after its time limit`);
    } else if (result.status) {
      (result.status.type === 'error' ? context.io.stderr : context.io.stdout)(`${result.status.type === 'error' ? 'escalator: ' : ''}${result.status.message}`);
    } else {
      context.io.stdout(result.stdout.trimEnd() || `(actions/${result.script} printed nothing; exit code ${result.exitCode})`);
    }
    return result.exitCode === 0 && !result.timedOut ? 0 : 1;
  },
};
