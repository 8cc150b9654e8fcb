// The owner's token: how the owner knows a connection comes from this user. Node has no SO_PEERCRED, so the owner
// writes a random token into a 0600 file beside its socket (in a folder only this user can write) and serves a
// connection only when its first frame carries that token; reading the file proves the peer runs as this user
// (or root). Portable, unlike reading the peer's uid from /proc/net/unix, and it does not trust the socket's mode.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { UnsafeSocketError } from './owner-socket-path';

/** Writes a fresh token (replacing a dead owner's) with O_EXCL, so a planted file or symlink is never written through. */
export function writeOwnerToken(tokenPath: string): string {
  const token = randomBytes(32).toString('hex');
  try {
    unlinkSync(tokenPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const descriptor = openSync(tokenPath, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    writeSync(descriptor, token);
  } finally {
    closeSync(descriptor);
  }
  return token;
}

/** Reads the owner's token, refusing a file that is a symlink, someone else's, or readable by group or others. */
export function readOwnerToken(tokenPath: string): string {
  let descriptor: number;
  try {
    descriptor = openSync(tokenPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw new UnsafeSocketError(`the owner's token ${tokenPath} is a symbolic link; nothing was sent. Remove it and restart escalator serve`);
    throw new UnsafeSocketError(`the owner's token ${tokenPath} cannot be read (${code ?? String(error)}); restart escalator serve (or chat) for this workspace`, { cause: error });
  }
  try {
    const stats = fstatSync(descriptor);
    const uid = process.getuid?.() ?? -1;
    if (!stats.isFile() || stats.uid !== uid || (stats.mode & 0o077) !== 0) {
      throw new UnsafeSocketError(`the owner's token ${tokenPath} is not a private file of yours (uid ${stats.uid}, mode ${(stats.mode & 0o777).toString(8)}); nothing was sent. Remove it and restart escalator serve`);
    }
    return readFileSync(descriptor, 'utf8').trim();
  } finally {
    closeSync(descriptor);
  }
}

/** Compares in constant time. */
export function tokensMatch(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Removes the token file (on close; a missing one is fine). */
export function removeOwnerToken(tokenPath: string): void {
  try {
    unlinkSync(tokenPath);
  } catch {
    // already gone
  }
}
