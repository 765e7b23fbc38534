import type { Kysely } from 'kysely';
import type { AccessKeyRecord, AccessKeyStore } from '../../core/ports/access-key-store.js';
import type { AccessKeysTable, Database } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

export const accessKeyRecord = (r: AccessKeysTable): AccessKeyRecord => ({
  id: r.id,
  userId: r.user_id,
  secretEnc: r.secret_enc,
  enabled: Number(r.enabled) === 1,
  createdAt: Number(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : Number(r.last_used_at),
});

export class AccessKeyRepository implements AccessKeyStore {
  private sweptAt = 0;

  constructor(private readonly db: Kysely<Database>) {}

  async create(k: AccessKeyRecord): Promise<void> {
    await this.db
      .insertInto('access_keys')
      .values({
        id: k.id,
        user_id: k.userId,
        secret_enc: k.secretEnc,
        enabled: k.enabled ? 1 : 0,
        created_at: k.createdAt,
        last_used_at: k.lastUsedAt,
      })
      .execute();
  }

  async findById(id: string): Promise<AccessKeyRecord | null> {
    const r = await this.db.selectFrom('access_keys').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? accessKeyRecord(r) : null;
  }

  async listForUser(userId: string): Promise<AccessKeyRecord[]> {
    const rows = await this.db
      .selectFrom('access_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(accessKeyRecord);
  }

  async countForUser(userId: string): Promise<number> {
    const r = await this.db
      .selectFrom('access_keys')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return Number(r?.n ?? 0);
  }

  async setEnabled(userId: string, id: string, enabled: boolean): Promise<AccessKeyRecord | null> {
    await this.db
      .updateTable('access_keys')
      .set({ enabled: enabled ? 1 : 0 })
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .execute();
    const r = await this.db
      .selectFrom('access_keys')
      .selectAll()
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? accessKeyRecord(r) : null;
  }

  async delete(userId: string, id: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('access_keys')
      .where('user_id', '=', userId)
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async disableAllForUser(userId: string): Promise<number> {
    const r = await this.db
      .updateTable('access_keys')
      .set({ enabled: 0 })
      .where('user_id', '=', userId)
      .where('enabled', '=', 1)
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async deleteAllForUser(userId: string): Promise<number> {
    const r = await this.db.deleteFrom('access_keys').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async touch(id: string, at: number, olderThan: number): Promise<void> {
    await this.db
      .updateTable('access_keys')
      .set({ last_used_at: at })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', olderThan)]))
      .execute();
  }

  async listAll(afterId: string | null, limit: number): Promise<AccessKeyRecord[]> {
    let q = this.db.selectFrom('access_keys').selectAll();
    if (afterId !== null) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map(accessKeyRecord);
  }

  async updateCiphertext(id: string, secretEnc: string): Promise<void> {
    await this.db.updateTable('access_keys').set({ secret_enc: secretEnc }).where('id', '=', id).execute();
  }

  async claimSignature(hash: string, now: number, expiresAt: number): Promise<boolean> {
    if (now - this.sweptAt > 60_000) {
      this.sweptAt = now;
      await this.db.deleteFrom('signature_replays').where('expires_at', '<=', now).execute();
    }
    // An expired row of the same hash may still be there between sweeps: replace it first.
    await this.db.deleteFrom('signature_replays').where('hash', '=', hash).where('expires_at', '<=', now).execute();
    try {
      await this.db.insertInto('signature_replays').values({ hash, expires_at: expiresAt }).execute();
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }
}
