// YAML bounds (issue 9, hole 9): an alias bomb is refused quickly with the file named — in the reader itself, and
// when dropped into a workspace's jobs/, objects/ or workspace.yaml.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { saveJob } from '../jobs/job-files';
import { Scheduler } from '../jobs/scheduler';
import { seedEscalationJob } from '../jobs/seed-job';
import { Workspace } from '../objects/workspace';
import { readYaml } from '../objects/yaml-file';
import { FakeTimers } from './fake-time';
import { createTestWorkspace, runEscalator } from './helpers';

const levels = 'abcdefghi'.split('');
const billionLaughs = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...levels.slice(1).map((name, index) => `${name}: &${name} [${Array(9).fill(`*${levels[index]}`).join(',')}]`),
].join('\n');

test('a billion-laughs YAML file is refused quickly with an error naming the file', () => {
  const started = Date.now();
  expect(() => readYaml(billionLaughs, { file: 'jobs/bomb.job.yaml' })).toThrow(/jobs\/bomb\.job\.yaml.*aliases/);
  expect(Date.now() - started).toBeLessThan(1000);
});

test('a YAML file over the byte limit is refused', () => {
  expect(() => readYaml('a: x\n'.repeat(300_000), { file: 'workspace.yaml' })).toThrow(/workspace\.yaml.*bytes/);
});

test('an ordinary YAML file with a few aliases still loads', () => {
  expect(readYaml('base: &b {x: 1}\nother: *b', { file: 'ok.yaml' })).toEqual({ base: { x: 1 }, other: { x: 1 } });
});

describe('alias bombs dropped into a workspace', () => {

  it('a bomb job file next to a good one: the scheduler reports it and schedules the good job', async () => {
    const test = await createTestWorkspace();
    try {
      await saveJob(test.workspace, seedEscalationJob({ channel: 'telegram', chat: 4242 }));
      writeFileSync(join(test.dir, 'jobs', 'bomb.job.yaml'), billionLaughs);
      const lines: string[] = [];
      const scheduler = new Scheduler({ workspace: test.workspace, timers: new FakeTimers(test.clock), log: (line) => lines.push(line) });
      await scheduler.start();
      await scheduler.stop();
      expect(lines.join('\n')).toMatch(/job bomb: not scheduled — .*bomb\.job\.yaml.*aliases/);
      expect(lines.join('\n')).not.toMatch(/job support-escalation: not scheduled/);
    } finally {
      await test.cleanup();
    }
  });

  it('a bomb under an unknown key of workspace.yaml, or in an object file, is refused naming the file', async () => {
    const test = await createTestWorkspace();
    await test.workspace.close();
    const config = join(test.dir, 'workspace.yaml');
    const original = readFileSync(config, 'utf8');
    writeFileSync(config, `${original}\nextras:\n${billionLaughs.split('\n').map((line) => `  ${line}`).join('\n')}\n`);
    await expect(Workspace.open(test.dir)).rejects.toThrow(/workspace\.yaml.*aliases/);
    writeFileSync(config, original);
    mkdirSync(join(test.dir, 'objects', 'bomb'));
    writeFileSync(join(test.dir, 'objects', 'bomb', '.object.yaml'), billionLaughs);
    const cli = await runEscalator(['objects', 'list'], { env: { ESCALATOR_WORKSPACE: test.dir } });
    expect(cli.code).not.toBe(0);
    expect(cli.stderr).toMatch(/objects\/bomb\/\.object\.yaml.*aliases/);
    rmSync(join(test.dir, 'objects', 'bomb'), { recursive: true });
    test.workspace = await Workspace.open(test.dir);
    await test.cleanup();
  });
});
