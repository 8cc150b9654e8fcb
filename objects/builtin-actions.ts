// Built-in actions: scripts escalator ships (objects/builtin-actions/, the seed's Step 6 SLA script among them) that an
// action field may name. A built-in is copied into the workspace's actions/ when a field first uses it, so every
// action still runs from actions/ under jobs/action-fields.ts's checks; the agent never writes a script itself.
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EscalatorError } from './errors';
import { packageRoot } from './files';
import { pathInside } from './safe-path';
import type { Workspace } from './workspace';

/** The built-in scripts by file name ("sla-status.py": the seed's Step 6 time-to-first-response SLA check). */
export function builtinActions(): string[] {
  const dir = join(packageRoot(), 'objects', 'builtin-actions');
  return existsSync(dir) ? readdirSync(dir).filter((file) => !file.startsWith('.')).sort() : [];
}

/**
 * Makes sure the script an action field names is there: a script already under actions/ is used as it is; a built-in
 * of that name is copied in; anything else is refused with one line saying where to put it.
 * Returns "existing" or "installed".
 */
export function provideActionScript(workspace: Workspace, field: string, script: string | undefined): 'existing' | 'installed' {
  const builtins = builtinActions();
  if (!script) throw new EscalatorError(`${field}: an action field needs script: a file under actions/ or a built-in (${builtins.join(', ') || 'none'})`);
  const actionsDir = workspace.path('actions');
  const target = pathInside(actionsDir, script, { kind: 'action script' });
  if (existsSync(target)) return 'existing';
  if (builtins.includes(script)) {
    mkdirSync(actionsDir, { recursive: true, mode: 0o700 });
    copyFileSync(join(packageRoot(), 'objects', 'builtin-actions', script), target);
    chmodSync(target, 0o700);
    return 'installed';
  }
  throw new EscalatorError(
    `${field}: actions/${script} does not exist; put the script at ${target} yourself (I do not write scripts), or use a built-in: ${builtins.join(', ') || 'none'}`,
  );
}
