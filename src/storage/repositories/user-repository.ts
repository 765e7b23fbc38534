import { sql, type Kysely } from 'kysely';
import type { UserRecord, UserStore } from '../../core/ports/stores.js';
import type { Database, UsersTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

function toRecord(row: UsersTable): UserRecord {
  return {
    id: row.id,
    email: row.email,
    passwordHash: row.password_hash,
    createdAt: Number(row.created_at),
    emailVerifiedAt: row.email_verified_at === null ? null : Number(row.email_verified_at),
  };
}

export class UserRepository implements UserStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(user: UserRecord): Promise<'created' | 'email_taken'> {
    try {
      await this.db
        .insertInto('users')
        .values({
          id: user.id,
          email: user.email,
          password_hash: user.passwordHash,
          created_at: user.createdAt,
          updated_at: user.createdAt,
          email_verified_at: user.emailVerifiedAt,
        })
        .execute();
      return 'created';
    } catch (e) {
      if (isUniqueViolation(e)) return 'email_taken';
      throw e;
    }
  }

  async findById(id: string): Promise<UserRecord | null> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async findByEmail(email: string): Promise<UserRecord | null> {
    const row = await this.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async setPasswordHash(id: string, passwordHash: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: passwordHash, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
  }

  async lock(id: string): Promise<void> {
    // A no-op write takes the row lock (FOR UPDATE is not SQLite syntax).
    await this.db
      .updateTable('users')
      .set({ updated_at: sql<number>`updated_at` })
      .where('id', '=', id)
      .execute();
  }

  async clearPasswordHash(id: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ password_hash: null, updated_at: Date.now() })
      .where('id', '=', id)
      .execute();
  }

  async markEmailVerified(id: string, at: number): Promise<boolean> {
    // Conditional: of two racing proofs (a link and a Google claim) only one sees a row change.
    const r = await this.db
      .updateTable('users')
      .set({ email_verified_at: at, updated_at: at })
      .where('id', '=', id)
      .where('email_verified_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async changeEmail(id: string, email: string, at: number): Promise<'changed' | 'email_taken'> {
    try {
      await this.db
        .updateTable('users')
        .set({ email, email_verified_at: at, updated_at: at })
        .where('id', '=', id)
        .execute();
      return 'changed';
    } catch (e) {
      // The unique index decides, at the moment of the change, whether the address is free.
      if (isUniqueViolation(e)) return 'email_taken';
      throw e;
    }
  }

  async deleteWithEverything(id: string): Promise<boolean> {
    // Every table that names the account, children first; not left to ON DELETE CASCADE, which
    // SQLite applies only with its foreign_keys pragma on.
    const children = [
      'mfa_factors',
      'mfa_setups',
      'recovery_codes',
      'mfa_challenges',
      'mfa_attempts',
      'passkeys',
      'webauthn_challenges',
      'remembered_devices',
      'access_keys',
      'sessions',
      'user_identities',
      'email_tokens',
      'password_resets',
      'device_grants',
      'events',
      'account_locks',
      'support_resets',
    ] as const;
    for (const table of children) await this.db.deleteFrom(table).where('user_id', '=', id).execute();
    const r = await this.db.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
