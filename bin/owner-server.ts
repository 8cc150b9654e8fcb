// The owning side: while `serve` or `chat` holds the workspace open, it listens on the workspace's socket and runs
// the commands other processes send it, on the already-open workspace, streaming their output back. The socket is
// made in a folder only this user can write, under umask 077 (never connectable by others, not even for a moment),
// and a connection is served only once its first frame carries the owner's token (see `owner-token.ts`).
import { chmodSync, lstatSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { EscalatorError } from '../objects/errors';
import type { CliIo } from './command';
import { clientFrameSchema, frame, frameReader, type RunRequest } from './owner-protocol';
import { checkSocketFile, locateOwnerSocket, preparePrivateFolder, UnsafeSocketError, type SocketEnvironment } from './owner-socket-path';
import { removeOwnerToken, tokensMatch, writeOwnerToken } from './owner-token';

/** Runs one routed command line with this io; returns its exit code. */
export type RoutedRunner = (request: RunRequest, io: CliIo) => Promise<number>;

export interface OwnerServerOptions {
  /** The owning command's name, told to clients for their messages. */
  command: string;
  run: RoutedRunner;
  /** Where the private socket folder goes (TMPDIR); the process's temp folder when absent. */
  environment?: SocketEnvironment;
}

export class OwnerServer {
  private readonly running = new Set<Promise<unknown>>();
  /** Connections that have not shown the token yet: they must not hold up close(). */
  private readonly unauthenticated = new Set<Socket>();

  private constructor(
    readonly socketPath: string,
    private readonly tokenPath: string,
    private readonly token: string,
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
  ) {}

  /**
   * Listens on the workspace's socket. A socket file left by a process that died is removed; one that answers
   * belongs to a live owner, which is an error. A folder or socket path someone else could have planted is refused.
   */
  static async listen(workspaceDir: string, options: OwnerServerOptions): Promise<OwnerServer> {
    const location = locateOwnerSocket(workspaceDir, options.environment);
    const { socketPath, tokenPath } = location;
    const previousUmask = process.umask(0o077);
    let server: Server | undefined;
    let wroteToken = false;
    try {
      preparePrivateFolder(location);
      if (checkSocketFile(socketPath) === 'socket') {
        if (await answers(socketPath)) throw new EscalatorError(`another escalator process already owns ${workspaceDir} (its socket ${socketPath} answers); stop it first`);
        unlinkSync(socketPath);
      }
      const token = writeOwnerToken(tokenPath);
      wroteToken = true;
      const sockets = new Set<Socket>();
      let owner: OwnerServer | undefined;
      const listening = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        owner!.serve(socket, options);
      });
      server = listening;
      // umask 077 is in force here, so the socket is born owner-only: no window between bind and chmod.
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(socketPath, () => resolve());
      });
      assertOwnerOnlySocket(socketPath);
      chmodSync(socketPath, 0o600);
      owner = new OwnerServer(socketPath, tokenPath, token, listening, sockets);
      return owner;
    } catch (error) {
      if (server?.listening) await new Promise<void>((resolve) => server!.close(() => resolve()));
      if (wroteToken) removeOwnerToken(tokenPath);
      throw error;
    } finally {
      process.umask(previousUmask);
    }
  }

  /** Stops listening, lets routed commands under way finish, and removes the socket file. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.unauthenticated) socket.destroy();
    await Promise.allSettled([...this.running]);
    for (const socket of this.sockets) socket.destroy();
    await closed;
    removeOwnerToken(this.tokenPath);
    try {
      unlinkSync(this.socketPath);
    } catch {
      // already gone
    }
  }

  private serve(socket: Socket, options: OwnerServerOptions): void {
    const stdin = new PassThrough();
    let started = false;
    let refused = false;
    this.unauthenticated.add(socket);
    const send = (text: string) => {
      if (!socket.destroyed) socket.write(text);
    };
    // Nothing — not even the hello with our pid — goes to a peer before it has shown the token.
    const refuse = (reason: string) => {
      refused = true;
      this.unauthenticated.delete(socket);
      send(frame({ type: 'stderr', text: `escalator: the workspace's owner refused this connection: ${reason}` }));
      send(frame({ type: 'exit', code: 1 }));
      socket.end();
    };
    socket.on('data', frameReader(clientFrameSchema, (incoming) => {
      if (refused) return;
      if (!started && (incoming.type !== 'run' || !tokensMatch(incoming.token, this.token))) {
        refuse(incoming.type === 'run' ? "it did not present the owner's token" : "its first frame was not a command with the owner's token");
        return;
      }
      if (incoming.type === 'stdin') stdin.write(Buffer.from(incoming.data, 'base64'));
      else if (incoming.type === 'stdin-end') stdin.end();
      else if (!started) {
        started = true;
        this.unauthenticated.delete(socket);
        send(frame({ type: 'hello', pid: process.pid, command: options.command }));
        const io: CliIo = {
          stdout: (text) => send(frame({ type: 'stdout', text })),
          stderr: (text) => send(frame({ type: 'stderr', text })),
          stdin,
          interactive: incoming.interactive,
        };
        const run = options
          .run(incoming, io)
          .catch((error: unknown) => {
            io.stderr(`escalator: ${error instanceof Error ? error.message : String(error)}`);
            return 1;
          })
          .then((code) => {
            send(frame({ type: 'exit', code }));
            socket.end();
          });
        this.running.add(run);
        void run.finally(() => this.running.delete(run));
      }
    }, (problem) => {
      if (refused) return;
      if (!started) {
        refuse(`its first frame is not a command with the owner's token (${problem})`);
        return;
      }
      send(frame({ type: 'stderr', text: `escalator: bad request on the workspace socket: ${problem}` }));
      send(frame({ type: 'exit', code: 2 }));
      socket.end();
    }));
    socket.on('close', () => {
      this.unauthenticated.delete(socket);
      stdin.end();
    });
    socket.on('error', () => stdin.end());
  }
}

/** Checks right after bind that the socket is ours and neither group nor others may connect to it. */
function assertOwnerOnlySocket(socketPath: string): void {
  const stats = lstatSync(socketPath);
  if (!stats.isSocket() || stats.uid !== process.getuid?.() || (stats.mode & 0o077) !== 0) {
    throw new UnsafeSocketError(`the owner socket ${socketPath} came out with mode ${(stats.mode & 0o777).toString(8)} (uid ${stats.uid}); refusing to serve on it`);
  }
}

/** Whether something listens on the socket. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}
