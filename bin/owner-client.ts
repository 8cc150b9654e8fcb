// The routing side: before opening the workspace file (which DuckDB lets one process hold), a command asks the
// workspace's socket whether a `serve` or `chat` owns it, and if so runs there, relaying stdin, stdout, stderr and
// the exit code.
import { existsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import type { CliIo } from './command';
import { frame, frameReader, ownerFrameSchema, ownerSocketPath, type RunRequest } from './owner-protocol';

export interface RouteResult {
  code: number;
  /** The owner's pid and command, for messages. */
  owner: { pid: number; command: string };
}

/**
 * Runs the command in the workspace's owner when one is listening; undefined when there is none (no socket, or a
 * stale one left by a process that died), so the caller opens the workspace itself.
 */
export async function routeToOwner(workspaceDir: string, request: Omit<RunRequest, 'type'>, io: CliIo): Promise<RouteResult | undefined> {
  const socketPath = ownerSocketPath(workspaceDir);
  if (!existsSync(socketPath)) return undefined;
  const socket = await connectOrUndefined(socketPath);
  if (!socket) return undefined;
  return new Promise<RouteResult>((resolve, reject) => {
    let owner: RouteResult['owner'] = { pid: 0, command: 'escalator' };
    let finished = false;
    const relayStdin = () => {
      io.stdin.on('data', (chunk: Buffer | string) => {
        if (!socket.destroyed) socket.write(frame({ type: 'stdin', data: Buffer.from(chunk).toString('base64') }));
      });
      io.stdin.on('end', () => {
        if (!socket.destroyed) socket.write(frame({ type: 'stdin-end' }));
      });
    };
    const done = (code: number) => {
      if (finished) return;
      finished = true;
      io.stdin.pause();
      socket.destroy();
      resolve({ code, owner });
    };
    socket.on('data', frameReader(ownerFrameSchema, (incoming) => {
      if (incoming.type === 'hello') owner = { pid: incoming.pid, command: incoming.command };
      else if (incoming.type === 'stdout') io.stdout(incoming.text);
      else if (incoming.type === 'stderr') io.stderr(incoming.text);
      else done(incoming.code);
    }, (problem) => {
      io.stderr(`escalator: the workspace's owner answered something unexpected (${problem})`);
      done(1);
    }));
    socket.on('close', () => {
      if (finished) return;
      io.stderr(`escalator: the process that owns the workspace (pid ${owner.pid}) stopped before the command finished`);
      done(1);
    });
    socket.on('error', (error) => {
      if (!finished) reject(error);
    });
    socket.write(frame({ type: 'run', ...request }));
    relayStdin();
  });
}

function connectOrUndefined(socketPath: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => resolve(undefined));
  });
}
