// Where the running web board listens, so `escalator web` (routed into the serve that owns the workspace) can print
// a link to it. Kept per open workspace in memory: only the process serving the board knows its port.
import { hostname } from 'node:os';
import type { Workspace } from '../objects/workspace';

const addresses = new WeakMap<Workspace, string>();

/** Records that the board of `workspace` is served on host:port. */
export function rememberWebAddress(workspace: Workspace, host: string, port: number): void {
  const shown = host === '0.0.0.0' || host === '::' ? hostname() : host.includes(':') ? `[${host}]` : host;
  addresses.set(workspace, `http://${shown}:${port}`);
}

/** "http://127.0.0.1:8080" when this process serves the board of `workspace`. */
export function webAddress(workspace: Workspace): string | undefined {
  return addresses.get(workspace);
}
