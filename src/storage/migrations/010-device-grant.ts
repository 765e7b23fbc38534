// The OAuth 2.0 device authorization grant (RFC 8628, issue 16): one row per grant, keyed by the
// SHA-256 of its device code; the SHA-256 of its user code is unique so a typed code names one grant.
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('device_grants')
    .addColumn('device_code_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_code_hash', 'text', (c) => c.notNull().unique())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('interval_sec', 'integer', (c) => c.notNull())
    .addColumn('last_polled_at', 'bigint')
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
    .addColumn('decided_at', 'bigint')
    .addColumn('session_id', 'text')
    .execute();
  await db.schema.createIndex('device_grants_user_idx').on('device_grants').column('user_id').execute();
  await db.schema.createIndex('device_grants_expires_idx').on('device_grants').column('expires_at').execute();
}
