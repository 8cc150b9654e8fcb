// Who may talk to the Telegram bot besides TELEGRAM_ALLOWED_CHATS: chats that asked (and got a short code) and that
// the owner approved with `escalator pair approve CODE`. Kept in the workspace's DuckDB file.
import { randomInt } from 'node:crypto';
import type { Database } from '../../objects/database';
import type { Clock } from '../../objects/clock';
import { EscalatorError } from '../../objects/errors';

export type PairingStatus = 'pending' | 'approved' | 'revoked';

export interface Pairing {
  chatId: number;
  code: string;
  status: PairingStatus;
  /** Who asked: the Telegram name of the person or group. */
  name: string | null;
  requestedAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
}

/** How long a pairing code can be approved after it was handed out. */
export const pairingCodeLifetimeMs = 60 * 60 * 1000;
const codeAlphabet = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';

const ready = new WeakSet<Database>();

export class PairingStore {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    /** Makes codes; random by default, fixed in tests. */
    private readonly makeCode: () => string = randomCode,
  ) {}

  /** Whether an approved pairing lets this chat in. */
  async isApproved(chatId: number): Promise<boolean> {
    await this.ensureTable();
    const rows = await this.db.query(`SELECT 1 FROM telegram_pairings WHERE chat_id = $1 AND status = 'approved'`, [chatId]);
    return rows.length > 0;
  }

  /**
   * The code this chat should show the owner: its pending code while that is fresh, else a new one. An approved
   * chat gets undefined.
   */
  async requestCode(chatId: number, name: string | null): Promise<string | undefined> {
    await this.ensureTable();
    const now = this.clock.now();
    return this.db.transaction(async (sql) => {
      const [row] = await sql.query<{ status: string; code: string; requested_at: Date }>(
        'SELECT status, code, requested_at FROM telegram_pairings WHERE chat_id = $1',
        [chatId],
      );
      if (row?.status === 'approved') return undefined;
      if (row?.status === 'pending' && now.getTime() - row.requested_at.getTime() < pairingCodeLifetimeMs) return row.code;
      const code = this.makeCode();
      await sql.run(
        `INSERT OR REPLACE INTO telegram_pairings (chat_id, code, status, name, requested_at, decided_at, decided_by)
         VALUES ($1, $2, 'pending', $3, $4::TIMESTAMPTZ, NULL, NULL)`,
        [chatId, code, name, now],
      );
      return code;
    });
  }

  /** Approves the chat that was given `code`; returns its pairing. Unknown, used or expired codes are errors. */
  async approve(code: string, by: string): Promise<Pairing> {
    await this.ensureTable();
    const normalized = code.trim().toUpperCase().replace(/[\s-]/g, '');
    const now = this.clock.now();
    return this.db.transaction(async (sql) => {
      const [row] = await sql.query<PairingRow>('SELECT * FROM telegram_pairings WHERE code = $1', [normalized]);
      if (!row || row.status === 'revoked') throw new EscalatorError(`no chat is waiting with pairing code "${code}"; run "escalator pair list" to see the pending ones`);
      if (row.status === 'approved') throw new EscalatorError(`code "${code}" was already used: chat ${row.chat_id} is approved`);
      if (now.getTime() - row.requested_at.getTime() >= pairingCodeLifetimeMs) {
        throw new EscalatorError(`pairing code "${code}" expired (codes last an hour); ask the chat to message the bot again for a new one`);
      }
      await sql.run(`UPDATE telegram_pairings SET status = 'approved', decided_at = $2::TIMESTAMPTZ, decided_by = $3 WHERE chat_id = $1`, [row.chat_id, now, by]);
      return toPairing({ ...row, status: 'approved', decided_at: now, decided_by: by });
    });
  }

  /** Revokes a chat's access (pending or approved); an unknown chat is an error. */
  async revoke(chatId: number, by: string): Promise<Pairing> {
    await this.ensureTable();
    const now = this.clock.now();
    return this.db.transaction(async (sql) => {
      const [row] = await sql.query<PairingRow>('SELECT * FROM telegram_pairings WHERE chat_id = $1', [chatId]);
      if (!row || row.status === 'revoked') throw new EscalatorError(`chat ${chatId} is not paired; run "escalator pair list" to see who is`);
      await sql.run(`UPDATE telegram_pairings SET status = 'revoked', decided_at = $2::TIMESTAMPTZ, decided_by = $3 WHERE chat_id = $1`, [chatId, now, by]);
      return toPairing({ ...row, status: 'revoked', decided_at: now, decided_by: by });
    });
  }

  /** Every pairing, pending first, newest first within each status. */
  async list(): Promise<Pairing[]> {
    await this.ensureTable();
    const rows = await this.db.query<PairingRow>(
      `SELECT * FROM telegram_pairings ORDER BY CASE status WHEN 'pending' THEN 0 WHEN 'approved' THEN 1 ELSE 2 END, requested_at DESC`,
    );
    return rows.map(toPairing);
  }

  /** Whether a pending pairing's code is still valid now. */
  isFresh(pairing: Pairing): boolean {
    return pairing.status === 'pending' && this.clock.now().getTime() - pairing.requestedAt.getTime() < pairingCodeLifetimeMs;
  }

  /** Creates the pairings table if missing (once per open database); `init` calls it so `pair list` only reads. */
  async ensureTable(): Promise<void> {
    if (ready.has(this.db)) return;
    await this.db.run(`CREATE TABLE IF NOT EXISTS telegram_pairings (
      chat_id BIGINT PRIMARY KEY,
      code VARCHAR NOT NULL,
      status VARCHAR NOT NULL,
      name VARCHAR,
      requested_at TIMESTAMPTZ NOT NULL,
      decided_at TIMESTAMPTZ,
      decided_by VARCHAR
    )`);
    ready.add(this.db);
  }
}

interface PairingRow {
  [key: string]: unknown;
  chat_id: number;
  code: string;
  status: PairingStatus;
  name: string | null;
  requested_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
}

function toPairing(row: PairingRow): Pairing {
  return {
    chatId: Number(row.chat_id),
    code: row.code,
    status: row.status,
    name: row.name,
    requestedAt: row.requested_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
  };
}

/** Six characters without look-alikes (no I, L, O, U, 0, 1): easy to read out and type. */
export function randomCode(): string {
  let code = '';
  for (let index = 0; index < 6; index++) code += codeAlphabet[randomInt(codeAlphabet.length)];
  return code;
}
