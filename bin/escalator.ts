#!/usr/bin/env node
// The escalator executable: wires the real process (argv, env, stdio) to the command line.
import { runCli } from './cli';

// The workspace holds CRM data: everything this process creates (DuckDB file and .wal included) is owner-only.
process.umask(0o077);

void runCli(process.argv.slice(2), {
  env: process.env,
  io: {
    stdout: (text) => process.stdout.write(`${text}\n`),
    stderr: (text) => process.stderr.write(`${text}\n`),
    stdin: process.stdin,
    interactive: Boolean(process.stdin.isTTY),
    ...(process.stderr.isTTY ? { stderrTerminal: process.stderr } : {}),
  },
}).then((code) => {
  process.exitCode = code;
});
