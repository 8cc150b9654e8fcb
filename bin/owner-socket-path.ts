// Where a workspace's owner socket lives, and the checks that keep another local user from planting, reading or
// faking it: the socket sits only in a folder this user alone can write, and is trusted only when it is a socket
// owned by this user.
import { createHash } from 'node:crypto';
import { chmodSync, lstatSync, mkdirSync, statSync, type Stats } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { EscalatorError } from '../objects/errors';

/** Longest Unix socket path Linux and macOS accept (sun_path is 108 and 104 bytes with the terminator). */
const maxSocketPath = 100;

/** The variables that decide where the private folder is (TMPDIR, as `os.tmpdir()` reads it). */
export type SocketEnvironment = Readonly<Record<string, string | undefined>>;

export interface OwnerSocketLocation {
  /** The Unix socket. */
  socketPath: string;
  /** The owner's token (0600), which a client must present in its first frame: see `owner-server.ts`. */
  tokenPath: string;
  /** The folder holding both: the workspace, or `<tmp>/escalator-<uid>/` (0700) when the workspace cannot. */
  folder: string;
  /** True for the private folder under the temp folder, which is created and checked before use. */
  private: boolean;
}

/** The socket and its folder could be planted or reached by someone else: nothing is sent or served. */
export class UnsafeSocketError extends EscalatorError {
  override name = 'UnsafeSocketError';
}

/**
 * `<workspace>/.escalator.sock` when the workspace is a folder only this user can write and the path fits in a
 * socket address; otherwise `<tmp>/escalator-<uid>/<hash of the workspace path>.sock`. Both sides (owner and client,
 * same user, same environment) reach the same answer.
 */
export function ownerSocketPath(workspaceDir: string, environment: SocketEnvironment = {}): string {
  return locateOwnerSocket(workspaceDir, environment).socketPath;
}

export function locateOwnerSocket(workspaceDir: string, environment: SocketEnvironment = {}): OwnerSocketLocation {
  const inWorkspace = join(workspaceDir, '.escalator.sock');
  if (Buffer.byteLength(inWorkspace) <= maxSocketPath && onlyThisUserWrites(workspaceDir)) {
    return { socketPath: inWorkspace, tokenPath: join(workspaceDir, '.escalator.token'), folder: workspaceDir, private: false };
  }
  const root = environment.TMPDIR?.trim() ? environment.TMPDIR.trim().replace(/(.)\/+$/, '$1') : tmpdir();
  const folder = join(root, `escalator-${currentUid()}`);
  const name = createHash('sha256').update(workspaceDir).digest('hex').slice(0, 20);
  const socketPath = join(folder, `${name}.sock`);
  if (Buffer.byteLength(socketPath) > maxSocketPath) {
    throw new UnsafeSocketError(`the owner socket path ${socketPath} is too long for a Unix socket; set TMPDIR to a shorter folder that only you can write`);
  }
  return { socketPath, tokenPath: join(folder, `${name}.token`), folder, private: true };
}

/**
 * The owner's side: makes sure the socket's folder exists and is this user's alone (creating the private folder
 * 0700 when missing), or throws saying what is wrong and what to do.
 */
export function preparePrivateFolder(location: OwnerSocketLocation): void {
  if (!location.private) return;
  const parent = dirname(location.folder);
  let parentStats: Stats;
  try {
    parentStats = statSync(parent);
  } catch (error) {
    throw new UnsafeSocketError(`the temp folder ${parent} for the owner socket cannot be used (${(error as NodeJS.ErrnoException).code ?? String(error)}); set TMPDIR to an existing folder that only you can write`, { cause: error });
  }
  // A world-writable parent without the sticky bit lets anyone rename our folder away and put theirs in its place.
  if ((parentStats.mode & 0o002) !== 0 && (parentStats.mode & 0o1000) === 0) {
    throw new UnsafeSocketError(`${parent} is writable by everyone and not sticky, so another user could replace the owner socket's folder; set TMPDIR to a folder that only you can write`);
  }
  try {
    mkdirSync(location.folder, { mode: 0o700 });
    // Created just now by us: make the mode exact whatever the umask was.
    chmodSync(location.folder, 0o700);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  checkPrivateFolder(location.folder);
}

/**
 * The client's side: false when the private folder does not exist (so no owner is running); throws when it exists
 * but is not this user's alone.
 */
export function privateFolderExists(location: OwnerSocketLocation): boolean {
  if (!location.private) return true;
  if (lstatOrUndefined(location.folder) === undefined) return false;
  checkPrivateFolder(location.folder);
  return true;
}

/**
 * What is at the socket path: 'absent', or 'socket' when it is a socket owned by this user. Anything else (a
 * symlink, a file, someone else's socket) throws, so nobody connects to a socket another user planted.
 */
export function checkSocketFile(socketPath: string): 'absent' | 'socket' {
  const stats = lstatOrUndefined(socketPath);
  if (!stats) return 'absent';
  if (stats.isSymbolicLink()) {
    throw new UnsafeSocketError(`${socketPath} is a symbolic link, not escalator's socket; nothing was sent to it. Remove it if you did not create it`);
  }
  if (!stats.isSocket()) {
    throw new UnsafeSocketError(`${socketPath} is not a socket; nothing was sent to it. Remove it if you did not create it`);
  }
  if (stats.uid !== currentUid()) {
    throw new UnsafeSocketError(`${socketPath} belongs to uid ${stats.uid}, not to you (uid ${currentUid()}); nothing was sent to it. Run the command as the user who runs escalator serve, or remove the socket`);
  }
  return 'socket';
}

function checkPrivateFolder(folder: string): void {
  const stats = lstatSync(folder);
  const fix = `remove it (rm -r ${folder}) and start again, or set TMPDIR to a folder that only you can write`;
  if (stats.isSymbolicLink()) throw new UnsafeSocketError(`the owner socket's folder ${folder} is a symbolic link, which someone else may have planted; ${fix}`);
  if (!stats.isDirectory()) throw new UnsafeSocketError(`the owner socket's folder ${folder} is not a folder; ${fix}`);
  if (stats.uid !== currentUid()) {
    throw new UnsafeSocketError(`the owner socket's folder ${folder} belongs to uid ${stats.uid}, not to you (uid ${currentUid()}); ${fix}`);
  }
  if ((stats.mode & 0o777) !== 0o700) {
    throw new UnsafeSocketError(`the owner socket's folder ${folder} has mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')}, not 0700, so others could reach or replace the socket; ${fix}`);
  }
}

/** Whether this user owns the folder and neither group nor others may write into it. */
function onlyThisUserWrites(folder: string): boolean {
  let stats: Stats;
  try {
    stats = statSync(folder);
  } catch {
    return false;
  }
  return stats.isDirectory() && stats.uid === currentUid() && (stats.mode & 0o022) === 0;
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The current uid; -1 where there is none (Windows), where Unix sockets do not apply anyway. */
function currentUid(): number {
  return process.getuid?.() ?? -1;
}
