// The one place a name from outside (a tool, a file, a person) becomes a path: checked, then resolved inside its folder.
import { isAbsolute, resolve, sep } from 'node:path';
import { EscalatorError } from './errors';

/** Longest name accepted for one path part; file systems allow 255 bytes, suffixes need room. */
export const maxNameLength = 128;

/**
 * Resolves `name` (one file or folder name, no separators) inside `folder` and returns the absolute path.
 * Refuses empty names, "." and "..", separators, NUL and control characters, absolute paths and names over
 * `maxNameLength`, with one line naming the bad name and what is allowed. `suffix` (".job.yaml") is appended
 * after the check.
 */
export function pathInside(folder: string, name: string, options: { kind: string; suffix?: string }): string {
  const refuse = (why: string): never => {
    throw new EscalatorError(`${options.kind} name ${JSON.stringify(name)} is refused: ${why}; a name is one plain file name (letters, digits, "-", "_", ".") inside ${options.kind === 'job' ? 'jobs/' : 'its folder'}`);
  };
  if (typeof name !== 'string' || name.length === 0) refuse('it is empty');
  if (name.length > maxNameLength) refuse(`it is longer than ${maxNameLength} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) refuse('it holds a control character (NUL, newline, tab...)');
  if (isAbsolute(name)) refuse('it is an absolute path');
  if (name.includes('/') || name.includes('\\')) refuse('it holds a path separator');
  if (name === '.' || name === '..' || name.includes('..')) refuse('it holds ".."');
  const base = resolve(folder);
  const path = resolve(base, `${name}${options.suffix ?? ''}`);
  if (!path.startsWith(base + sep)) refuse('it resolves outside its folder');
  return path;
}
