// The owning side: while `serve` or `chat` holds the workspace open, it listens on the workspace's socket and runs
// the commands other processes send it, on the already-open workspace, streaming their output back.
import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { EscalatorError } from '../objects/errors';
import type { CliIo } from './command';
import { clientFrameSchema, frame, frameReader, ownerSocketPath, type RunRequest } from './owner-protocol';

/** Runs one routed command line with this io; returns its exit code. */
export type RoutedRunner = (request: RunRequest, io: CliIo) => Promise<number>;

export class OwnerServer {
  private readonly running = new Set<Promise<unknown>>();

  private constructor(
    readonly socketPath: string,
    private readonly server: Server,
    private readonly sockets: Set<Socket>,
  ) {}

  /**
   * Listens on the workspace's socket. A socket file left by a process that died is removed; one that answers
   * belongs to a live owner, which is an error.
   */
  static async listen(workspaceDir: string, options: { command: string; run: RoutedRunner }): Promise<OwnerServer> {
    const socketPath = ownerSocketPath(workspaceDir);
    if (existsSync(socketPath)) {
      if (await answers(socketPath)) throw new EscalatorError(`another escalator process already owns ${workspaceDir} (its socket ${socketPath} answers); stop it first`);
      unlinkSync(socketPath);
    }
    const sockets = new Set<Socket>();
    let owner: OwnerServer | undefined;
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      owner!.serve(socket, options);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    chmodSync(socketPath, 0o600);
    owner = new OwnerServer(socketPath, server, sockets);
    return owner;
  }

  /** Stops listening, lets routed commands under way finish, and removes the socket file. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.allSettled([...this.running]);
    for (const socket of this.sockets) socket.destroy();
    if (existsSync(this.socketPath)) unlinkSync(this.socketPath);
  }

  private serve(socket: Socket, options: { command: string; run: RoutedRunner }): void {
    const stdin = new PassThrough();
    let started = false;
    const send = (text: string) => {
      if (!socket.destroyed) socket.write(text);
    };
    send(frame({ type: 'hello', pid: process.pid, command: options.command }));
    socket.on('data', frameReader(clientFrameSchema, (incoming) => {
      if (incoming.type === 'stdin') stdin.write(Buffer.from(incoming.data, 'base64'));
      else if (incoming.type === 'stdin-end') stdin.end();
      else if (!started) {
        started = true;
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
      send(frame({ type: 'stderr', text: `escalator: bad request on the workspace socket: ${problem}` }));
      send(frame({ type: 'exit', code: 2 }));
      socket.end();
    }));
    socket.on('close', () => stdin.end());
    socket.on('error', () => stdin.end());
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
