// SMS codes: the current code's keyed hash, its expiry, how many were sent and when the last one
// went, on pending set-ups and on sign-in challenges. (SQLite takes one ADD COLUMN per ALTER.)
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  for (const table of ['mfa_setups', 'mfa_challenges']) {
    await db.schema.alterTable(table).addColumn('code_hash', 'text').execute();
    await db.schema.alterTable(table).addColumn('code_expires_at', 'bigint').execute();
    await db.schema
      .alterTable(table)
      .addColumn('sends', 'integer', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable(table).addColumn('last_sent_at', 'bigint').execute();
  }
}
