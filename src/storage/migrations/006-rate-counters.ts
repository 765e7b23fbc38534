// Rate-limit counters and one-time claims in the database, for deployments that share one
// PostgreSQL between instances but run no Redis (shared state must not live in a process).
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('rate_counters')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rate_counters_reset_idx').on('rate_counters').column('reset_at').execute();
}
