// escalator web [--as NAME] [--url BASE] | escalator web revoke [--as NAME]: a one-time sign-in link to the web
// board (routed to the running `serve`, which knows its port), or the end of every web session.
import { userInfo } from 'node:os';
import { UsageError } from '../../objects/errors';
import { formatTime } from '../../objects/values';
import { webAddress } from '../../web/address';
import { WebSessions } from '../../web/sessions';
import { parseFlags, type Command } from '../command';
import { toJson } from '../format';

const usage = 'escalator web [--as NAME] [--url BASE] [--json] | escalator web revoke [--as NAME]';

/** A person's name as the field history records it (web:<name>): printable, no newlines, at most 64 characters. */
function personName(given: string | undefined): string {
  const name = (given ?? safeUser()).trim();
  if (!/^[\p{L}\p{N} ._@'-]{1,64}$/u.test(name)) throw new UsageError(`--as "${name}" is not a usable name (letters, digits, spaces, . _ @ ' -; at most 64)`);
  return name;
}

function safeUser(): string {
  try {
    return userInfo().username || 'owner';
  } catch {
    return 'owner';
  }
}

export const webCommand: Command = {
  name: 'web',
  summary: 'a one-time sign-in link to the web board (10 minutes); "web revoke" signs everyone out',
  usage,
  async run(context) {
    const { values, positionals } = parseFlags(context.argv, { as: { type: 'string' }, url: { type: 'string' }, json: { type: 'boolean' } }, usage);
    const [action, ...extra] = positionals;
    if (extra.length > 0 || (action !== undefined && action !== 'revoke')) throw new UsageError(`usage: ${usage}`);
    const workspace = await context.openWorkspace();
    const sessions = new WebSessions(workspace.db, workspace.clock);
    if (action === 'revoke') {
      const person = values.as === undefined ? undefined : personName(values.as);
      const revoked = await sessions.revoke(person);
      context.io.stdout(`revoked ${revoked.sessions} web session${revoked.sessions === 1 ? '' : 's'} and ${revoked.links} unused sign-in link${revoked.links === 1 ? '' : 's'}${person ? ` of ${person}` : ''}`);
      return;
    }
    const person = personName(values.as);
    let base = values.url ?? webAddress(workspace);
    if (values.url !== undefined && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(values.url)) throw new UsageError(`--url must be an http(s) address like https://board.example.com, not "${values.url}"`);
    if (!base) {
      base = 'http://127.0.0.1:8080';
      context.io.stderr(`escalator: no "escalator serve --port" is running for ${workspace.dir}; the link below works once it runs on port 8080 (or pass --url with its address)`);
    }
    const { token, expiresAt } = await sessions.createLoginToken(person);
    const link = `${base.replace(/\/+$/, '')}/login?token=${token}`;
    if (values.json) return void context.io.stdout(toJson({ link, person, expires_at: expiresAt }));
    context.io.stdout(`${link}\n(signs in ${person} once; valid until ${formatTime(expiresAt, workspace.timeZone)} ${workspace.timeZone})`);
  },
};
