// Object folders load in localeCompare order; inLocaleOrder skips building ICU's collator for plain names and must
// give exactly the order localeCompare gives.
import { inLocaleOrder } from '../objects/object-files';

function randomNames(alphabet: string, count: number, seed: number): string[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: count }, () => Array.from({ length: 1 + Math.floor(next() * 6) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
}

const byLocale = (names: string[]) => [...names].sort((a, b) => a.localeCompare(b));

describe('inLocaleOrder', () => {
  it.each([
    ['lowercase letters and underscores', 'ab_z_'],
    ['lowercase letters and digits', 'ab09z'],
  ])('gives localeCompare order for %s', (_label, alphabet) => {
    for (let seed = 1; seed <= 50; seed++) {
      const names = randomNames(alphabet, 40, seed);
      expect(inLocaleOrder(names, (name) => name)).toEqual(byLocale(names));
    }
  });

  it('falls back to localeCompare for other names (capitals, digits beside underscores, hyphens, accents)', () => {
    for (const names of [
      ['support_tickets', 'Support', 'apple', 'Zebra', 'zebra'],
      ['a_b', 'a0', 'a9', 'a_', 'ab'],
      ['deal-stage', 'deal_stage', 'dealstage', 'déal', 'deal'],
    ]) {
      expect(inLocaleOrder(names, (name) => name)).toEqual(byLocale(names));
    }
    expect(inLocaleOrder(['support_tickets', 'people', 'company'], (name) => name)).toEqual(['company', 'people', 'support_tickets']);
  });
});
