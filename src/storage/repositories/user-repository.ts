import type { Kysely } from 'kysely';
import type { UserRecord, UserStore } from '../../core/ports/stores.js';
import type { Database, UsersTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

function toRecord(row: UsersTable): UserRecord {
  return { id: row.id, email: row.email, passwordHash: row.password_hash, createdAt: row.created_at };
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

  async count(): Promise<number> {
    const row = await this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
    return Number(row?.n ?? 0);
  }
}
