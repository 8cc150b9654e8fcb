// Field names that would become an environment variable a shell, loader or runtime reads are refused.
import { reservedFieldProblem, variableName } from '../objects/environment-names';

const dangerous = [
  'Path', 'Home', 'IFS', 'Env', 'Bash Env', 'Shellopts', 'PS4', 'LD Preload', 'LD Library Path', 'DYLD Insert Libraries',
  'Node Options', 'Node Path', 'NPM Config Prefix', 'Pythonpath', 'Pythonwarnings', 'Pythonstartup', 'Pythonhome',
  'Perl5opt', 'Perl5lib', 'Perllib', 'Ruby Opt', 'Rubylib', 'Gem Home', 'Java Tool Options', 'Java Home',
  '_Java Options', 'Classpath', 'Browser', 'Editor', 'Pager', 'Git Dir', 'Git SSH Command', 'Tmpdir', 'Lang',
  'LC All', 'LC Ctype', 'TZ', 'Prompt Command', 'CDPath', 'Https Proxy',
];

describe('reserved environment names', () => {
  it.each(dangerous)('a field named %j is refused with a reason and another name to use', (name) => {
    const problem = reservedFieldProblem(name);
    expect(problem).toBeDefined();
    expect(problem).toContain(variableName(name));
    expect(problem).toMatch(/name it/);
  });

  it.each(['Priority', 'Opened Date', 'First Response Date', 'Customer', 'Escalation Tier', 'Path Notes'])('an ordinary field %j is allowed', (name) => {
    expect(reservedFieldProblem(name)).toBeUndefined();
  });
});
