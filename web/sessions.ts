// Web sign-in: one-time login tokens (10 minutes, single use) and sessions (12 hours, revocable), both stored hashed
// in DuckDB so a copy of the database lets nobody in; times come from the workspace's clock.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../objects/clock';
import type { Database } from '../objects/database';

export const loginTokenMs = 10 * 60_000;
export const sessionMs = 12 * 60 * 60_000;

export interface WebSession {
  person: string;
  csrf: string;
  expiresAt: Date;
}

export type RedeemOutcome = { ok: true; sessionId: string; session: WebSession } | { ok: false; reason: string };

const ready = new WeakSet<Database>();

function hash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function secret(): string {
  return randomBytes(32).toString('base64url');
}

/** Whether two secrets are equal, in constant time. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The sign-in links, sessions and cookie-signing key of one workspace. */
export class WebSessions {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  private async ensureTables(): Promise<void> {
    if (ready.has(this.db)) return;
    await this.db.transaction(async (sql) => {
      await sql.run(`CREATE TABLE IF NOT EXISTS web_login_tokens (token_hash VARCHAR PRIMARY KEY, person VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL, used_at TIMESTAMPTZ)`);
      await sql.run(`CREATE TABLE IF NOT EXISTS web_sessions (session_hash VARCHAR PRIMARY KEY, person VARCHAR NOT NULL, csrf VARCHAR NOT NULL,
        created_at TIMESTAMPTZ NOT NULL, expires_at TIMESTAMPTZ NOT NULL, revoked_at TIMESTAMPTZ)`);
      await sql.run(`CREATE TABLE IF NOT EXISTS web_settings (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)`);
    });
    ready.add(this.db);
  }

  /** The key that signs session cookies, made on first use and kept in the workspace database. */
  async cookieKey(): Promise<string> {
    await this.ensureTables();
    return this.db.transaction(async (sql) => {
      const [found] = await sql.query<{ value: string }>(`SELECT value FROM web_settings WHERE name = 'cookie_key'`);
      if (found) return found.value;
      const key = secret();
      await sql.run(`INSERT INTO web_settings VALUES ('cookie_key', $1)`, [key]);
      return key;
    });
  }

  /** A new one-time sign-in token for `person`, valid for 10 minutes; only its hash is stored. */
  async createLoginToken(person: string): Promise<{ token: string; expiresAt: Date }> {
    await this.ensureTables();
    const token = secret();
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + loginTokenMs);
    await this.db.run(`INSERT INTO web_login_tokens VALUES ($1, $2, $3::TIMESTAMPTZ, $4::TIMESTAMPTZ, NULL)`, [hash(token), person, now, expiresAt]);
    return { token, expiresAt };
  }

  /** Spends a sign-in token and opens a session; a used, expired, revoked or unknown token is refused. */
  async redeem(token: string): Promise<RedeemOutcome> {
    await this.ensureTables();
    const now = this.clock.now();
    return this.db.transaction(async (sql) => {
      const [row] = await sql.query<{ person: string; expires_at: Date; used_at: Date | null }>(
        `SELECT person, expires_at, used_at FROM web_login_tokens WHERE token_hash = $1`, [hash(token)]);
      if (!row) return { ok: false, reason: 'This sign-in link is not known here (or was revoked). Run "escalator web" for a new one.' };
      if (row.used_at) return { ok: false, reason: 'This sign-in link was already used; each link works once. Run "escalator web" for a new one.' };
      if (row.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'This sign-in link has expired (links last 10 minutes). Run "escalator web" for a new one.' };
      await sql.run(`UPDATE web_login_tokens SET used_at = $2::TIMESTAMPTZ WHERE token_hash = $1`, [hash(token), now]);
      const sessionId = secret();
      const session: WebSession = { person: row.person, csrf: secret(), expiresAt: new Date(now.getTime() + sessionMs) };
      await sql.run(`INSERT INTO web_sessions VALUES ($1, $2, $3, $4::TIMESTAMPTZ, $5::TIMESTAMPTZ, NULL)`, [hash(sessionId), session.person, session.csrf, now, session.expiresAt]);
      return { ok: true, sessionId, session };
    });
  }

  /** The live session a cookie names, or undefined when it is unknown, expired or revoked. */
  async lookup(sessionId: string): Promise<WebSession | undefined> {
    await this.ensureTables();
    const [row] = await this.db.query<{ person: string; csrf: string; expires_at: Date }>(
      `SELECT person, csrf, expires_at FROM web_sessions WHERE session_hash = $1 AND revoked_at IS NULL AND expires_at > $2::TIMESTAMPTZ`,
      [hash(sessionId), this.clock.now()]);
    return row ? { person: row.person, csrf: row.csrf, expiresAt: row.expires_at } : undefined;
  }

  /** Ends a session (sign out). */
  async end(sessionId: string): Promise<void> {
    await this.ensureTables();
    await this.db.run(`UPDATE web_sessions SET revoked_at = $2::TIMESTAMPTZ WHERE session_hash = $1 AND revoked_at IS NULL`, [hash(sessionId), this.clock.now()]);
  }

  /** Revokes every live session and unused sign-in link (of one person, or of everyone); returns how many. */
  async revoke(person?: string): Promise<{ sessions: number; links: number }> {
    await this.ensureTables();
    const now = this.clock.now();
    return this.db.transaction(async (sql) => {
      const who = person === undefined ? '' : ' AND person = $2';
      const parameters = person === undefined ? [now] : [now, person];
      const [sessions] = await sql.query<{ count: number }>(`SELECT count(*)::INTEGER AS count FROM web_sessions WHERE revoked_at IS NULL AND expires_at > $1::TIMESTAMPTZ${who}`, parameters);
      const [links] = await sql.query<{ count: number }>(`SELECT count(*)::INTEGER AS count FROM web_login_tokens WHERE used_at IS NULL AND expires_at > $1::TIMESTAMPTZ${who}`, parameters);
      await sql.run(`UPDATE web_sessions SET revoked_at = $1::TIMESTAMPTZ WHERE revoked_at IS NULL${who}`, parameters);
      // A revoked link is deleted: redeeming it then says "not known".
      if (person === undefined) await sql.run(`DELETE FROM web_login_tokens WHERE used_at IS NULL`);
      else await sql.run(`DELETE FROM web_login_tokens WHERE used_at IS NULL AND person = $1`, [person]);
      return { sessions: sessions?.count ?? 0, links: links?.count ?? 0 };
    });
  }
}
