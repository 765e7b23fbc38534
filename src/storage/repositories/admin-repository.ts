import type { Kysely } from 'kysely';
import type { AccountLock, AdminAuditRecord, AdminKeyRecord, AdminStore } from '../../core/ports/admin-store.js';
import type { EventRecord } from '../../core/ports/stores.js';
import type { AdminAuditTable, AdminKeysTable, Database } from '../schema.js';

const num = (v: number | null): number | null => (v === null ? null : Number(v));

const keyRecord = (r: AdminKeysTable): AdminKeyRecord => ({
  id: r.id,
  name: r.name,
  secretEnc: r.secret_enc,
  createdAt: Number(r.created_at),
  lastUsedAt: num(r.last_used_at),
  revokedAt: num(r.revoked_at),
});

const auditRecord = (r: Omit<AdminAuditTable, 'id'> & { id: number }): AdminAuditRecord => ({
  id: Number(r.id),
  at: Number(r.at),
  keyId: r.key_id,
  keyName: r.key_name,
  action: r.action,
  targetUserId: r.target_user_id,
  reason: r.reason,
  ticket: r.ticket,
  status: Number(r.status),
  ip: r.ip,
  userAgent: r.user_agent,
});

export class AdminRepository implements AdminStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createKey(k: AdminKeyRecord): Promise<void> {
    await this.db
      .insertInto('admin_keys')
      .values({
        id: k.id,
        name: k.name,
        secret_enc: k.secretEnc,
        created_at: k.createdAt,
        last_used_at: k.lastUsedAt,
        revoked_at: k.revokedAt,
      })
      .execute();
  }

  async findKey(id: string): Promise<AdminKeyRecord | null> {
    const r = await this.db.selectFrom('admin_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? keyRecord(r) : null;
  }

  async listKeys(): Promise<AdminKeyRecord[]> {
    const rows = await this.db.selectFrom('admin_keys').selectAll().orderBy('created_at').orderBy('id').execute();
    return rows.map(keyRecord);
  }

  async updateKeyCiphertext(id: string, secretEnc: string, expected: string): Promise<boolean> {
    const r = await this.db
      .updateTable('admin_keys')
      .set({ secret_enc: secretEnc })
      .where('id', '=', id)
      .where('secret_enc', '=', expected)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async revokeKey(id: string, at: number): Promise<boolean> {
    const r = await this.db
      .updateTable('admin_keys')
      .set({ revoked_at: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async touchKey(id: string, at: number, olderThan: number): Promise<void> {
    await this.db
      .updateTable('admin_keys')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', olderThan)]))
      .execute();
  }

  async appendAudit(e: Omit<AdminAuditRecord, 'id'>): Promise<number> {
    const row = await this.db
      .insertInto('admin_audit')
      .values({
        at: e.at,
        key_id: e.keyId,
        key_name: e.keyName,
        action: e.action,
        target_user_id: e.targetUserId,
        reason: e.reason,
        ticket: e.ticket,
        status: e.status,
        ip: e.ip,
        user_agent: e.userAgent,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async listAudit(o: { sinceMs: number; afterId?: number; limit: number }): Promise<AdminAuditRecord[]> {
    let q = this.db.selectFrom('admin_audit').selectAll().where('at', '>=', o.sinceMs);
    if (o.afterId !== undefined) q = q.where('id', '>', o.afterId);
    const rows = await q.orderBy('id').limit(o.limit).execute();
    return rows.map(auditRecord);
  }

  async listEvents(o: { sinceMs: number; afterId?: number; limit: number }): Promise<EventRecord[]> {
    let q = this.db.selectFrom('events').selectAll().where('at', '>=', o.sinceMs);
    if (o.afterId !== undefined) q = q.where('id', '>', o.afterId);
    const rows = await q.orderBy('id').limit(o.limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      userId: r.user_id,
      type: r.type,
      at: Number(r.at),
      ip: r.ip,
      userAgent: r.user_agent,
      data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null,
    }));
  }

  async lock(l: AccountLock): Promise<void> {
    await this.db
      .insertInto('account_locks')
      .values({ user_id: l.userId, locked_at: l.lockedAt, locked_until: l.lockedUntil, reason: l.reason })
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({ locked_at: l.lockedAt, locked_until: l.lockedUntil, reason: l.reason }),
      )
      .execute();
  }

  async unlock(userId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('account_locks').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async lockOf(userId: string, now: number): Promise<AccountLock | null> {
    const r = await this.db
      .selectFrom('account_locks')
      .selectAll()
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '>', now)]))
      .executeTakeFirst();
    return r
      ? { userId: r.user_id, lockedAt: Number(r.locked_at), lockedUntil: num(r.locked_until), reason: r.reason }
      : null;
  }
}
