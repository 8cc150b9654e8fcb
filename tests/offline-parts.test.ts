// The offline reader's part finders on their own: durations in the forms people type, and typo correction against
// the workspace's words (said back, never applied to words it already knows).
import { correctTypos, editDistance } from '../agent/offline/parts/typos';
import { durationPattern, durationValue } from '../agent/offline/words';

describe('offline parts: durations', () => {
  it.each([
    ['40 min', '40m'],
    ['40m', '40m'],
    ['three quarters of an hour', '45m'],
    ['half an hour', '30m'],
    ['an hour and a half', '90m'],
    ['1.5h', '90m'],
    ['30+ minutes', '30m'],
    ['forty-five minutes', '45m'],
    ['4 hrs', '4h'],
    ['two days', '2d'],
    ['a week', '1w'],
  ])('reads "%s" as %s', (phrase, compact) => {
    expect(new RegExp(`^${durationPattern}$`, 'i').test(phrase)).toBe(true);
    expect(durationValue(phrase)?.compact).toBe(compact);
  });

  it('reads business hours as business time, and never takes "and" for "an d(ay)"', () => {
    expect(durationValue('2 business hours')).toMatchObject({ compact: '2h', business: true });
    expect(new RegExp(durationPattern, 'i').test('escalate and notify')).toBe(false);
  });
});

describe('offline parts: typos', () => {
  const known = new Set(['escalate', 'open', 'globex', 'response', 'tickets', 'hour']);

  it('corrects a word one edit from exactly one known word, swaps included, and says which', () => {
    const corrected = correctTypos('escalte the opne Globx tickets without a responce', known);
    expect(corrected.text).toBe('escalate the open Globex tickets without a response');
    expect(corrected.corrections.map((correction) => correction.from)).toEqual(['escalte', 'opne', 'Globx', 'responce']);
    expect(editDistance('opne', 'open')).toBe(1);
  });

  it('leaves numbers written as words, ids and short words alone', () => {
    expect(correctTypos('open over four hours on kybeghtss2', known).text).toBe('open over four hours on kybeghtss2');
  });
});
