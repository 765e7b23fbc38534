import type { Kysely } from 'kysely';
import type { EmailTokenPurpose, EmailTokenRecord, EmailTokenStore } from '../../core/ports/email-token-store.js';
import { emailTokenPurposeColumn } from '../column-values.js';
import type { Database, EmailTokensTable } from '../schema.js';

const toRecord = (r: Omit<EmailTokensTable, 'used_at'>): EmailTokenRecord => ({
  tokenHash: r.token_hash,
  userId: r.user_id,
  purpose: emailTokenPurposeColumn(r.purpose, 'email_tokens', 'purpose'),
  email: r.email,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
});

export class EmailTokenRepository implements EmailTokenStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(t: EmailTokenRecord): Promise<void> {
    await this.db
      .insertInto('email_tokens')
      .values({
        token_hash: t.tokenHash,
        user_id: t.userId,
        purpose: t.purpose,
        email: t.email,
        created_at: t.createdAt,
        expires_at: t.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async spend(tokenHash: string, now: number): Promise<EmailTokenRecord | null> {
    // One conditional UPDATE: of any number of racing uses only one sees a row come back.
    const row = await this.db
      .updateTable('email_tokens')
      .set({ used_at: now })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .returning(['token_hash', 'user_id', 'purpose', 'email', 'created_at', 'expires_at'])
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async killForUser(userId: string, now: number, purpose?: EmailTokenPurpose): Promise<number> {
    let q = this.db
      .updateTable('email_tokens')
      .set({ used_at: now })
      .where('user_id', '=', userId)
      .where('used_at', 'is', null);
    if (purpose) q = q.where('purpose', '=', purpose);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
