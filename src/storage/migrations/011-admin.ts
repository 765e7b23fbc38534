// Operators: admin access keys, the admin audit log and account locks (docs/admin.md).
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  // Kept apart from access_keys so that no user key can ever be read as an admin key (and back).
  await db.schema
    .createTable('admin_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();

  // Append-only evidence: no foreign keys, so that deleting an account or revoking a key keeps it.
  await db.schema
    .createTable('admin_audit')
    .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) => c.primaryKey())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('key_id', 'text', (c) => c.notNull())
    .addColumn('key_name', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('target_user_id', 'text')
    .addColumn('reason', 'text')
    .addColumn('ticket', 'text')
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addColumn('user_agent', 'text')
    .execute();
  await db.schema.createIndex('admin_audit_at_idx').on('admin_audit').columns(['at', 'id']).execute();

  await db.schema
    .createTable('account_locks')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    .addColumn('locked_at', 'bigint', (c) => c.notNull())
    // null: until an operator unlocks it.
    .addColumn('locked_until', 'bigint')
    .addColumn('reason', 'text')
    .execute();
}
