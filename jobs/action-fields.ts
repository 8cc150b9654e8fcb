// Action fields: a field of type `action` runs a script under <workspace>/actions/ with the entry's fields as
// environment variables (OPENED_DATE, PRIORITY …), within a time limit, and shows the JSON status line it prints.
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { DateTime } from 'luxon';
import { getEntry, resolveEntryId } from '../objects/entries';
import { pathInside } from '../objects/safe-path';
import { EscalatorError } from '../objects/errors';
import { findField, type ObjectDefinition } from '../objects/object-schema';
import type { Workspace } from '../objects/workspace';

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
}

export interface ActionOptions {
  /** Variables the script also sees (PATH, HOME …): bin passes them; nothing is read from process.env here. */
  environment?: Record<string, string | undefined>;
  /** Overrides the field's timeout_seconds (default 10 s). */
  timeoutMs?: number;
}

/** "Opened Date" → OPENED_DATE. */
export function variableName(fieldName: string): string {
  return fieldName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * The entry's fields as variables. A date is given as its day (yyyy-MM-dd in the workspace zone, what the seed's
 * script parses) and in full as <NAME>_AT (ISO 8601). Empty fields are not set.
 */
export function entryEnvironment(definition: ObjectDefinition, entry: Record<string, unknown>, timeZone: string): Record<string, string> {
  const variables: Record<string, string> = {};
  for (const field of definition.fields) {
    if (field.type === 'action') continue;
    const value = entry[field.name];
    if (value === null || value === undefined || value === '') continue;
    const name = variableName(field.name);
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
  const id = await resolveEntryId(workspace.db, definition, entry);
  const row = await getEntry(workspace, definition.name, id);
  const [command, ...args] = interpreterFor(script);
  const environment: Record<string, string> = { PATH: '/usr/local/bin:/usr/bin:/bin', TZ: workspace.timeZone };
  for (const [key, value] of Object.entries(options.environment ?? {})) if (value !== undefined) environment[key] = value;
  Object.assign(environment, entryEnvironment(definition, row ?? {}, workspace.timeZone), { OBJECT: definition.name, WORKSPACE: workspace.dir });
  const timeoutMs = options.timeoutMs ?? (field.timeoutSeconds ?? 10) * 1000;
  const started = performance.now();
  return new Promise((resolvePromise) => {
    execFile(command!, args, { cwd: actionsDir, env: environment, timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      const timedOut = error !== null && (error as NodeJS.ErrnoException & { killed?: boolean }).killed === true;
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? ((error as { code: number }).code) : null;
      resolvePromise({
        entryId: id,
        field: field.name,
        script: field.script!,
        status: statusLine(String(stdout)),
        exitCode: code,
        timedOut,
        stdout: String(stdout),
        stderr: String(stderr),
        durationMs: Math.round(performance.now() - started),
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
