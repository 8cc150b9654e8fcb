// The command line: global flags, dispatch to one command, exit codes (0 success, 1 failure, 2 bad usage),
// each failure reported on one line.
import { resolve } from 'node:path';
import { FixedClock, systemClock, type Clock } from '../objects/clock';
import { EscalatorError, UsageError, errorMessage } from '../objects/errors';
import type { Workspace } from '../objects/workspace';
import type { CliIo, CommandContext } from './command';
import { commands, type CommandEntry } from './commands';
import type { OwnerServer } from './owner-server';

export interface CliOptions {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /** Overrides ESCALATOR_NOW and the system clock (tests). */
  clock?: Clock;
  /**
   * Set when this command line was routed here by another process: this process owns the workspace (serve, chat)
   * and the command runs on its open workspace instead of opening the file.
   */
  host?: { workspace: Workspace };
}

/** Runs one command line; returns its exit code. */
export async function runCli(argv: readonly string[], options: CliOptions): Promise<number> {
  const { io } = options;
  let workspace: Workspace | undefined;
  let ownerServer: OwnerServer | undefined;
  try {
    const { rest, workspaceFlag, help } = extractGlobalFlags(argv);
    const [name, ...commandArgs] = rest;
    if (!name || name === 'help' || (help && !name)) {
      io.stdout(helpText());
      return name || help ? 0 : 2;
    }
    const entry = commands.find((candidate) => candidate.name === name);
    if (!entry) throw new UsageError(`unknown command "${name}"\n${helpText()}`);
    const command = entry.load();
    if (help) {
      io.stdout(`${command.summary}\nusage: ${command.usage}`);
      return 0;
    }
    const { readEnv, wantsHelpdeskWriteback } = require('./env') as typeof import('./env.js');
    const env = readEnv(options.env);
    const workspaceDir = resolve(options.cwd ?? process.cwd(), workspaceFlag ?? env.ESCALATOR_WORKSPACE ?? 'workspace');
    const host = options.host && options.host.workspace.dir === workspaceDir ? options.host.workspace : undefined;
    if (!options.host && command.name !== 'init') {
      // DuckDB lets one process hold the file: while serve or chat owns this workspace, the command runs there.
      const { routeToOwner } = require('./owner-client') as typeof import('./owner-client.js');
      const routed = await routeToOwner({ workspaceDir, argv: [...argv], cwd: options.cwd ?? process.cwd(), environment: options.env, io });
      if (routed) return routed.code;
    }
    if (host && command.owns?.nested === 'refuse') {
      throw new EscalatorError(`escalator ${command.name} is already running for ${workspaceDir} (pid ${process.pid}); stop it first`);
    }
    const clock = options.clock ?? host?.clock ?? (env.ESCALATOR_NOW ? new FixedClock(env.ESCALATOR_NOW) : systemClock);
    const context: CommandContext = {
      argv: commandArgs,
      env,
      io,
      workspaceDir,
      clock,
      insideOwner: host !== undefined,
      openWorkspace: async () => {
        if (host) return host;
        if (!workspace) {
          // Loaded here, not at the top: `escalator --help` and routed commands never need DuckDB. DuckDB starts
          // reading the file first, on a libuv thread, while the object files' modules load and parse.
          const { preopenWorkspaceDatabase, abandonPreopened } = require('../objects/workspace-database') as typeof import('../objects/workspace-database.js');
          const preopened = preopenWorkspaceDatabase(workspaceDir);
          const { Workspace } = require('../objects/workspace') as typeof import('../objects/workspace.js');
          const { attachCalendar } = require('../jobs/sla-config') as typeof import('../jobs/sla-config.js');
          const timeout = env.ESCALATOR_QUERY_TIMEOUT_SECONDS;
          try {
            workspace = await Workspace.open(workspaceDir, {
              clock,
              ...(timeout === undefined ? {} : { queryTimeoutMs: Number(timeout) * 1000 }),
              // serve holds the workspace for days beside ingestion and the jobs: its DuckDB gets a smaller default, so
              // a job's first run over a big backlog spills to disk instead of growing the process.
              ...(env.ESCALATOR_MEMORY_LIMIT !== undefined
                ? { memoryLimit: env.ESCALATOR_MEMORY_LIMIT }
                : command.name === 'serve'
                  ? { memoryLimit: (require('../objects/database') as typeof import('../objects/database.js')).serveMemoryLimit }
                  : {}),
            });
          } catch (error) {
            if (preopened) await abandonPreopened(preopened);
            throw error;
          }
          attachCalendar(workspace);
          if (wantsHelpdeskWriteback(env)) {
            // What this command changes on a help-desk ticket is queued for write-back in the change's transaction,
            // whether or not serve runs: serve (or chat) sends it.
            const { attachHelpdeskWriteback } = require('./helpdesk-service') as typeof import('./helpdesk-service.js');
            await attachHelpdeskWriteback(workspace, env);
          }
        }
        if (command.owns && !ownerServer) {
          const owned = workspace;
          const { OwnerServer } = require('./owner-server') as typeof import('./owner-server.js');
          const { routedEnvironment } = require('./owner-protocol') as typeof import('./owner-protocol.js');
          ownerServer = await OwnerServer.listen(workspaceDir, {
            command: command.name,
            environment: options.env,
            // The routed command runs with this process's environment (its keys and tokens), taking only the
            // allow-listed variables from the caller.
            run: (request, routedIo) =>
              runCli(request.argv, { io: routedIo, env: routedEnvironment(options.env, request.env), cwd: request.cwd, host: { workspace: owned } }),
          });
        }
        return workspace;
      },
    };
    return (await command.run(context)) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`escalator: ${error.message}`);
      return 2;
    }
    io.stderr(`escalator: ${error instanceof EscalatorError ? error.message : errorMessage(error)}`);
    if (!(error instanceof EscalatorError) && process.env.ESCALATOR_DEBUG) io.stderr(String((error as Error).stack));
    return 1;
  } finally {
    await ownerServer?.close();
    await workspace?.close();
  }
}

function extractGlobalFlags(argv: readonly string[]): { rest: string[]; workspaceFlag?: string; help: boolean } {
  const rest: string[] = [];
  let workspaceFlag: string | undefined;
  let help = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--workspace' || arg === '-w') {
      workspaceFlag = argv[++index];
      if (workspaceFlag === undefined) throw new UsageError('--workspace needs a folder');
    } else if (arg.startsWith('--workspace=')) {
      workspaceFlag = arg.slice('--workspace='.length);
    } else if ((arg === '--help' || arg === '-h') && rest.length <= 1) {
      help = true;
    } else {
      rest.push(arg);
    }
  }
  return workspaceFlag === undefined ? { rest, help } : { rest, workspaceFlag, help };
}

function helpText(): string {
  const width = Math.max(...commands.map((command: CommandEntry) => command.name.length));
  return [
    'escalator — a conversational CRM agent for support escalations',
    '',
    'usage: escalator <command> [options] [--workspace DIR]',
    '',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Every listing takes --json. "escalator <command> --help" shows a command\'s options.',
  ].join('\n');
}
