// The command index loads a command's module only when it runs: each entry's summary is its command's own, and
// `escalator --help` loads neither DuckDB nor any command module.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { commands } from '../bin/commands';

describe('the command index', () => {
  it.each(commands.map((entry) => [entry.name, entry] as const))('%s: the listed name and summary are the loaded command\'s own', (_name, entry) => {
    const command = entry.load();
    expect({ name: command.name, summary: command.summary }).toEqual({ name: entry.name, summary: entry.summary });
  });

  it('escalator --help loads no DuckDB, zod or command module', () => {
    const cli = join(__dirname, '..', 'dist', 'bin', 'cli.js');
    if (!existsSync(cli)) throw new Error('dist/ is missing: run "npx tsc -p ." (npm test does) before this test');
    const script = `
      const { runCli } = require(${JSON.stringify(cli)});
      runCli(['--help'], { env: {}, io: { stdout() {}, stderr() {}, stdin: process.stdin, interactive: false } }).then((code) => {
        const loaded = Object.keys(require.cache).filter((file) => /node_modules[\\\\/](@duckdb|zod|chrono-node|grammy|hono|@anthropic-ai)[\\\\/]|[\\\\/]bin[\\\\/]commands[\\\\/](?!index)/.test(file));
        process.stdout.write(JSON.stringify({ code, loaded }));
      });`;
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))).toEqual({ code: 0, loaded: [] });
  });
});
