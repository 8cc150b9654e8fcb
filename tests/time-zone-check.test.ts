// isTimeZone answers from Intl's list of canonical zones when it can (no DateTimeFormat built), and must agree with
// DateTimeFormat, which decides what the rest of escalator (luxon, croner, formatting) accepts.
import { isTimeZone } from '../objects/workspace-config';

function acceptedByDateTimeFormat(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

describe('isTimeZone', () => {
  it('agrees with Intl.DateTimeFormat on every canonical zone, aliases, other spellings and non-zones', () => {
    const names = [
      ...Intl.supportedValuesOf('timeZone'),
      ...['UTC', 'utc', 'Etc/UTC', 'GMT', 'Etc/GMT+5', 'US/Eastern', 'Asia/Calcutta', 'Europe/Kiev', 'europe/berlin', 'EUROPE/LONDON'],
      ...['Mars/Olympus_Mons', '', ' ', 'Europe/', '/Berlin', '+01:00', 'Europe/Berlin ', 'Berlin', 'local'],
    ];
    const disagreements = names.filter((name) => isTimeZone(name) !== acceptedByDateTimeFormat(name));
    expect(disagreements).toEqual([]);
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
  });
});
