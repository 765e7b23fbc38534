import type { Kysely } from 'kysely';
import type { SessionRecord, SessionStore } from '../../core/ports/stores.js';
import { sessionClientColumn } from '../column-values.js';
import type { Database, SessionsTable } from '../schema.js';

export function sessionRecord(row: SessionsTable): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    tokenHash: row.token_hash,
    client: sessionClientColumn(row.client, 'sessions', 'client'),
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    absoluteExpiresAt: row.absolute_expires_at,
    ip: row.ip,
    userAgent: row.user_agent,
  };
}

export class SessionRepository implements SessionStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(s: SessionRecord): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: s.id,
        user_id: s.userId,
        token_hash: s.tokenHash,
        client: s.client,
        created_at: s.createdAt,
        last_seen_at: s.lastSeenAt,
        absolute_expires_at: s.absoluteExpiresAt,
        ip: s.ip,
        user_agent: s.userAgent,
      })
      .execute();
  }

  async findByTokenHash(tokenHash: string): Promise<SessionRecord | null> {
    const row = await this.db.selectFrom('sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? sessionRecord(row) : null;
  }

  async touch(id: string, at: number): Promise<void> {
    await this.db
      .updateTable('sessions')
      .set({ last_seen_at: at })
      .where('id', '=', id)
      .where('last_seen_at', '<', at)
      .execute();
  }

  async listForUser(userId: string): Promise<SessionRecord[]> {
    const rows = await this.db
      .selectFrom('sessions')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('last_seen_at', 'desc')
      .orderBy('id')
      .execute();
    return rows.map(sessionRecord);
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('sessions')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async deleteAllForUser(userId: string, exceptId?: string): Promise<number> {
    let q = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (exceptId !== undefined) q = q.where('id', '!=', exceptId);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async deleteExpired(now: number, idleWebMs: number, idleAppMs: number, idleCliMs = idleAppMs): Promise<number> {
    const r = await this.db
      .deleteFrom('sessions')
      .where((eb) =>
        eb.or([
          eb('absolute_expires_at', '<=', now),
          eb.and([eb('client', '=', 'web'), eb('last_seen_at', '<=', now - idleWebMs)]),
          eb.and([eb('client', '=', 'app'), eb('last_seen_at', '<=', now - idleAppMs)]),
          eb.and([eb('client', '=', 'cli'), eb('last_seen_at', '<=', now - idleCliMs)]),
        ]),
      )
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
