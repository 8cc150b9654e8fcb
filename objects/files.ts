// Atomic file writes: a definition file is either the old one or the new one, never half of each.
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, mkdirSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';

/** Writes `text` to a temporary file beside `path` and returns a function that moves it into place. */
export function stageFile(path: string, text: string): { commit: () => void; discard: () => void } {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const descriptor = openSync(temporary, 'w', 0o600);
  try {
    writeSync(descriptor, text);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  return {
    commit: () => renameSync(temporary, path),
    discard: () => {
      try {
        unlinkSync(temporary);
      } catch {
        // already gone
      }
    },
  };
}

/** Replaces `path` with `text` atomically. */
export function writeFileAtomic(path: string, text: string): void {
  stageFile(path, text).commit();
}

import { existsSync } from 'node:fs';

/** The escalator package's root folder (where objects/templates and prompts/ live), from source or from dist/. */
export function packageRoot(): string {
  let directory = __dirname;
  for (;;) {
    if (existsSync(join(directory, 'package.json')) && existsSync(join(directory, 'objects', 'templates'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) throw new Error('cannot find the escalator package root (objects/templates)');
    directory = parent;
  }
}
