import type { Kysely } from 'kysely';
import type { PasswordResetRecord, PasswordResetStore } from '../../core/ports/stores.js';
import type { Database } from '../schema.js';

export class PasswordResetRepository implements PasswordResetStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(r: PasswordResetRecord): Promise<void> {
    await this.db
      .insertInto('password_resets')
      .values({
        token_hash: r.tokenHash,
        user_id: r.userId,
        created_at: r.createdAt,
        expires_at: r.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async spend(tokenHash: string, now: number): Promise<string | null> {
    // One conditional UPDATE: of two racing requests only one sees a row come back.
    const row = await this.db
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning('user_id')
      .executeTakeFirst();
    return row?.user_id ?? null;
  }

  async spendAllForUser(userId: string, now: number): Promise<void> {
    await this.db
      .updateTable('password_resets')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .execute();
  }
}
