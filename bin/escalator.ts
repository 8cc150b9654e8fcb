#!/usr/bin/env node
// The escalator executable: wires the real process (argv, env, stdio) to the command line.
import { printable } from '../objects/printable';
import { runCli } from './cli';

// The workspace holds CRM data: everything this process creates (DuckDB file and .wal included) is owner-only.
process.umask(0o077);

void runCli(process.argv.slice(2), {
  env: process.env,
  io: {
    // The last stop before the terminal: whatever a command prints (tables, alerts, replies quoting tickets) reaches it
    // without escape sequences or bidi overrides; line breaks stay.
    stdout: (text) => process.stdout.write(`${printable(text, { keepLineBreaks: true, max: Infinity })}\n`),
    stderr: (text) => process.stderr.write(`${printable(text, { keepLineBreaks: true, max: Infinity })}\n`),
    stdin: process.stdin,
    interactive: Boolean(process.stdin.isTTY),
    ...(process.stderr.isTTY ? { stderrTerminal: process.stderr } : {}),
  },
}).then((code) => {
  process.exitCode = code;
});
