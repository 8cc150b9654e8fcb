// bench:cli — whole-process runs of the commands people type most, on a demo workspace: the median of several runs
// after a warm-up, each a fresh `node dist/bin/escalator.js …` (what a global install or `npm link` runs; `npx`
// adds its own start-up on top). Ends with `cli: help H ms, objects A ms, board B ms, query Q ms, jobs J ms, sla S ms`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '7' } } });
const runs = Math.max(1, Number(values.runs));
const binary = join(__dirname, '..', 'bin', 'escalator.js');
const dir = mkdtempSync(join(tmpdir(), 'escalator-bench-cli-'));
const workspace = join(dir, 'workspace');

function run(args: string[]): number {
  const started = performance.now();
  execFileSync(process.execPath, [binary, ...args, '--workspace', workspace], { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
  return performance.now() - started;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const cases: [label: string, args: string[]][] = [
  ['help', ['--help']],
  ['objects', ['objects', 'list']],
  ['board', ['board']],
  ['query', ['query', 'SELECT count(*) FROM v_support_tickets']],
  ['jobs', ['jobs', 'list']],
  ['sla', ['sla']],
];

try {
  execFileSync(process.execPath, [binary, 'init', '--demo', '--workspace', workspace], { stdio: 'ignore' });
  const figures: string[] = [];
  for (const [label, args] of cases) {
    run(args);
    const samples = Array.from({ length: runs }, () => run(args));
    const ms = Math.round(median(samples));
    console.log(`${label.padEnd(8)} median ${ms} ms over ${runs} runs (min ${Math.round(Math.min(...samples))}, max ${Math.round(Math.max(...samples))})`);
    figures.push(`${label} ${ms} ms`);
  }
  console.log(`cli: ${figures.join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
