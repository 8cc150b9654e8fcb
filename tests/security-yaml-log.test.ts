import { readYaml } from '../objects/yaml-file';

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
