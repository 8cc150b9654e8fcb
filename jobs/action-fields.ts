// Action fields: a field of type `action` runs a script under <workspace>/actions/ with the entry's fields as
// environment variables (OPENED_DATE, PRIORITY …), within a time limit, and shows the JSON status line it prints.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, realpathSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { getEntry, resolveEntryId } from '../objects/entries';
import { pathInside } from '../objects/safe-path';
import { EscalatorError } from '../objects/errors';
import { findField, type ObjectDefinition } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';
import { reservedEnvironmentName, variableName } from '../objects/environment-names';

export interface ActionStatus {
  type: string;
  message: string;
  [key: string]: unknown;
}

export interface ActionResult {
  entryId: string;
  field: string;
  script: string;
  /** The last JSON object line the script printed (`{"type":"status","message":…}`), if any. */
  status: ActionStatus | undefined;
  exitCode: number | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Fields not passed because their variable is one programs read (PATH, PYTHONWARNINGS …), from a hand-edited file. */
  skippedFields: string[];
}

export interface ActionOptions {
  /** Variables the script also sees; only HOME and LANG are taken from it (PATH is fixed). */
  environment?: Record<string, string | undefined>;
  /** Overrides the field's timeout_seconds (default 10 s). */
  timeoutMs?: number;
}

export { variableName } from '../objects/environment-names';

/** The longest an action may run (`timeout_seconds` and `--timeout` are bounded by it); the default is 10 s. */
export const maxActionSeconds = 300;

/**
 * The entry's fields as variables. A date is given as its day (yyyy-MM-dd in the workspace zone, what the seed's
 * script parses) and in full as <NAME>_AT (ISO 8601). Empty fields are not set.
 */
export function entryEnvironment(definition: ObjectDefinition, entry: Record<string, unknown>, timeZone: string, skipped: string[] = []): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const field of definition.fields) {
    if (field.type === 'action') continue;
    const value = entry[field.name];
    if (value === null || value === undefined || value === '') continue;
    const name = variableName(field.name);
    const reserved = reservedEnvironmentName(name) ?? (value instanceof Date ? reservedEnvironmentName(`${name}_AT`) : undefined);
    if (reserved || name === '') {
      skipped.push(`${field.name} (${name || 'no name'}: ${reserved ?? 'empty'})`);
      continue;
    }
    if (value instanceof Date) {
      variables[name] = DateTime.fromJSDate(value).setZone(timeZone).toFormat('yyyy-MM-dd');
      variables[`${name}_AT`] = value.toISOString();
    } else {
      variables[name] = String(value);
    }
  }
  variables.ENTRY_ID = String(entry.id);
  return variables;
}

function interpreterFor(path: string): string[] {
  const firstLine = readFileSync(path, 'utf8').split('\n', 1)[0] ?? '';
  let executable = false;
  try {
    accessSync(path, constants.X_OK);
    executable = true;
  } catch {
    executable = false;
  }
  if (executable && firstLine.startsWith('#!')) return [path];
  if (firstLine.startsWith('#!')) {
    const words = firstLine.slice(2).trim().split(/\s+/);
    return words[0]?.endsWith('/env') ? [...words.slice(1), path] : [...words, path];
  }
  const byExtension: Record<string, string> = { '.py': 'python3', '.sh': 'sh', '.js': 'node', '.mjs': 'node', '.rb': 'ruby' };
  const interpreter = byExtension[extname(path)];
  if (!interpreter) throw new EscalatorError(`actions/${relative(join(path, '..'), path)}: cannot tell how to run it; start it with a #! line`);
  return [interpreter, path];
}

/** Runs an entry's action field. `entry` is an id or display name; `fieldName` names an action field. */
export async function runActionField(workspace: Workspace, objectName: string, entry: string, fieldName: string, options: ActionOptions = {}): Promise<ActionResult> {
  const definition = workspace.object(objectName);
  const field = findField(definition, fieldName);
  if (!field) throw new EscalatorError(`${definition.name} has no field "${fieldName}"`);
  if (field.type !== 'action' || !field.script) {
    const actions = definition.fields.filter((candidate) => candidate.type === 'action').map((candidate) => candidate.name);
    throw new EscalatorError(`${field.name} is a ${field.type} field, not an action${actions.length ? ` (action fields: ${actions.join(', ')})` : ''}`);
  }
  const actionsDir = resolve(workspace.path('actions'));
  const script = pathInside(actionsDir, field.script, { kind: 'action script' });
  if (!existsSync(script)) throw new EscalatorError(`${field.name}: actions/${field.script} does not exist; put the script there`);
  if (!realpathSync(script).startsWith(`${realpathSync(actionsDir)}/`)) {
    throw new EscalatorError(`${field.name}: actions/${field.script} is a link to a file outside actions/; copy the script into actions/ instead`);
  }
  const id = await resolveEntryId(workspace.db, definition, entry);
  const row = await getEntry(workspace, definition.name, id);
  const [command, ...args] = interpreterFor(script);
  const skippedFields: string[] = [];
  const environment: Record<string, string> = {
    ...entryEnvironment(definition, row ?? {}, workspace.timeZone, skippedFields),
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: options.environment?.HOME ?? actionsDir,
    LANG: options.environment?.LANG ?? 'C.UTF-8',
    TZ: workspace.timeZone,
    OBJECT: definition.name,
    WORKSPACE: workspace.dir,
  };
  const timeoutMs = options.timeoutMs ?? (field.timeoutSeconds ?? 10) * 1000;
  if (!(timeoutMs > 0 && timeoutMs <= maxActionSeconds * 1000)) {
    throw new EscalatorError(`${field.name}: a time limit of ${timeoutMs} ms is outside 1 ms … ${maxActionSeconds} s`);
  }
  const started = performance.now();
  return new Promise((resolvePromise, rejectPromise) => {
    const child = spawn(command!, args, { cwd: actionsDir, env: environment, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => { if (stdout.length < 1 << 20) stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { if (stderr.length < 1 << 20) stderr += chunk.toString(); });
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      rejectPromise(new EscalatorError(`${field.name}: cannot run actions/${field.script}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) killGroup();
      const skipNote = skippedFields.length ? `escalator: not passed to the script (reserved environment names): ${skippedFields.join(', ')}\n` : '';
      resolvePromise({
        entryId: id,
        field: field.name,
        script: field.script!,
        status: statusLine(stdout),
        exitCode: timedOut ? null : code,
        timedOut,
        stdout,
        stderr: skipNote + stderr,
        durationMs: Math.round(performance.now() - started),
        skippedFields,
      });
    });
  });
}

/** The last line of output that is a JSON object with a `type`. */
export function statusLine(stdout: string): ActionStatus | undefined {
  const lines = stdout.split('\n').map((line) => line.trim()).filter(Boolean).reverse();
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === 'object' && typeof (value as ActionStatus).type === 'string') {
        return { ...(value as ActionStatus), message: String((value as ActionStatus).message ?? '') };
      }
    } catch {
      // not JSON: keep looking
    }
  }
  return undefined;
}
