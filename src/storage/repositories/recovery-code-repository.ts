// The account's recovery code: one keyed hash per account, spent once by a conditional UPDATE
// that also requires the hash to be the one checked (a renewed code kills the old one).
import type { Kysely } from 'kysely';
import type { RecoveryCodeStore } from '../../core/ports/mfa-stores.js';
import type { Database } from '../schema.js';

export class RecoveryCodeRepository implements RecoveryCodeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async putRecoveryCode(userId: string, codeHash: string, kid: string, now: number): Promise<void> {
    await this.db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    await this.db
      .insertInto('recovery_codes')
      .values({ user_id: userId, code_hash: codeHash, kid, created_at: now, used_at: null })
      .execute();
  }

  async getRecoveryCode(userId: string): Promise<{ codeHash: string; kid: string; usedAt: number | null } | null> {
    const r = await this.db.selectFrom('recovery_codes').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r ? { codeHash: r.code_hash, kid: r.kid, usedAt: r.used_at === null ? null : Number(r.used_at) } : null;
  }

  async spendRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('recovery_codes')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('code_hash', '=', codeHash)
      .where('used_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async deleteRecoveryCode(userId: string): Promise<void> {
    await this.db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
  }
}
