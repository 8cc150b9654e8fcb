// Shared test helpers: temporary workspaces on real DuckDB files, a fixed clock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { runCli } from '../bin/cli';
import { FixedClock, seededIds } from '../objects/clock';
import { Workspace } from '../objects/workspace';

/** The instant the seed's story happens in tests: a Tuesday. */
export const testNow = '2026-04-14T10:00:00.000Z';

export interface TestWorkspace {
  workspace: Workspace;
  clock: FixedClock;
  dir: string;
  cleanup: () => Promise<void>;
}

/** A fresh folder under the system temp dir, removed by `cleanup`. */
export function temporaryDir(prefix = 'escalator-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A new workspace (optionally populated) in a temporary folder, on a fixed clock and seeded ids. */
export async function createTestWorkspace(
  options: { now?: string; populate?: (workspace: Workspace) => Promise<void>; timezone?: string } = {},
): Promise<TestWorkspace> {
  const { dir, remove } = temporaryDir();
  const clock = new FixedClock(options.now ?? testNow);
  const workspaceDir = join(dir, 'workspace');
  const init: Parameters<typeof Workspace.init>[1] = { clock, ids: seededIds(7), timezone: options.timezone ?? 'UTC' };
  if (options.populate) init.populate = options.populate;
  const workspace = await Workspace.init(workspaceDir, init);
  return {
    workspace,
    clock,
    dir: workspaceDir,
    cleanup: async () => {
      await workspace.close();
      remove();
    },
  };
}

/** Runs the escalator command line in-process, capturing its output and exit code. */
export async function runEscalator(
  argv: string[],
  options: { env?: Record<string, string>; stdin?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, {
    env: { ESCALATOR_NOW: testNow, ...options.env },
    io: {
      stdout: (text) => out.push(text),
      stderr: (text) => err.push(text),
      stdin: Readable.from([options.stdin ?? '']),
      interactive: false,
    },
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
