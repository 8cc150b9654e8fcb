// The routing side: before opening the workspace file (which DuckDB lets one process hold), a command asks the
// workspace's socket whether a `serve` or `chat` owns it, and if so runs there, relaying stdin, stdout, stderr and
// the exit code. It talks only to a socket of its own user's, in a folder only that user can write, and sends the
// owner's token with the command line and an allow-list of variables — never a secret.
// Only the socket-path checks load up front: with no owner listening (most commands) the protocol's schemas, node:net
// and the token code are never loaded.
import type { Socket } from 'node:net';
import type { CliIo } from './command';
import type { RunRequest } from './owner-protocol';
import { checkSocketFile, locateOwnerSocket, privateFolderExists, type SocketEnvironment } from './owner-socket-path';

export interface RouteResult {
  code: number;
  /** The owner's pid and command, for messages. */
  owner: { pid: number; command: string };
}

export interface RouteRequest {
  workspaceDir: string;
  argv: string[];
  cwd: string;
  /** The caller's whole environment: only `routedVariableNames` leave the process; TMPDIR locates the socket. */
  environment: SocketEnvironment;
  io: CliIo;
}

/**
 * Runs the command in the workspace's owner when one is listening; undefined when there is none (no socket, or a
 * stale one left by a process that died), so the caller opens the workspace itself. Throws `UnsafeSocketError`,
 * having sent nothing, when the socket or its folder is not this user's alone.
 */
export async function routeToOwner({ workspaceDir, argv, cwd, environment, io }: RouteRequest): Promise<RouteResult | undefined> {
  const location = locateOwnerSocket(workspaceDir, environment);
  if (!privateFolderExists(location)) return undefined;
  const { socketPath } = location;
  if (checkSocketFile(socketPath) === 'absent') return undefined;
  const { callerVariables, frame, frameReader, ownerFrameSchema } = require('./owner-protocol') as typeof import('./owner-protocol.js');
  const { readOwnerToken } = require('./owner-token') as typeof import('./owner-token.js');
  const socket = await connectOrUndefined(socketPath);
  if (!socket) return undefined;
  let token: string;
  try {
    token = readOwnerToken(location.tokenPath);
  } catch (error) {
    socket.destroy();
    throw error;
  }
  const request: RunRequest = { type: 'run', token, argv, cwd, env: callerVariables(environment), interactive: io.interactive };
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
    socket.write(frame(request));
    relayStdin();
  });
}

function connectOrUndefined(socketPath: string): Promise<Socket | undefined> {
  const { connect } = require('node:net') as typeof import('node:net');
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', () => resolve(undefined));
  });
}
