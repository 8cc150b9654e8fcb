// Field names that would become an environment variable a shell, loader or runtime reads are refused.
import { reservedFieldProblem, variableName } from '../objects/environment-names';
import { reservedFieldNames } from './support/reserved-names';

const dangerous = reservedFieldNames;

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
