import type { Kysely } from 'kysely';
import type { IdentityRecord, IdentityStore } from '../../core/ports/identity-store.js';
import type { Database, UserIdentitiesTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

const record = (r: UserIdentitiesTable): IdentityRecord => ({
  issuer: r.issuer,
  subject: r.subject,
  userId: r.user_id,
  email: r.email,
  linkedAt: Number(r.linked_at),
});

export class IdentityRepository implements IdentityStore {
  constructor(private readonly db: Kysely<Database>) {}

  async find(issuer: string, subject: string): Promise<IdentityRecord | null> {
    const r = await this.db
      .selectFrom('user_identities')
      .selectAll()
      .where('issuer', '=', issuer)
      .where('subject', '=', subject)
      .executeTakeFirst();
    return r ? record(r) : null;
  }

  async link(i: IdentityRecord): Promise<'linked' | 'taken'> {
    try {
      await this.db
        .insertInto('user_identities')
        .values({ issuer: i.issuer, subject: i.subject, user_id: i.userId, email: i.email, linked_at: i.linkedAt })
        .execute();
      return 'linked';
    } catch (e) {
      if (isUniqueViolation(e)) return 'taken';
      throw e;
    }
  }

  async listForUser(userId: string): Promise<IdentityRecord[]> {
    const rows = await this.db
      .selectFrom('user_identities')
      .selectAll()
      .where('user_id', '=', userId)
      .orderBy('linked_at')
      .execute();
    return rows.map(record);
  }

  async unlink(userId: string, issuer: string): Promise<number> {
    const r = await this.db
      .deleteFrom('user_identities')
      .where('user_id', '=', userId)
      .where('issuer', '=', issuer)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
