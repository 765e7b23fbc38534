// Operators: admin access keys, the admin audit log and account locks (docs/admin.md).
import { sql, type Kysely } from 'kysely';
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

  // The audited support reset of a lost second factor: one pending reset per account at most
  // (a partial unique index); the row's state moves pending → cancelled | done by one conditional
  // UPDATE each, which decides who acts when instances race.
  await db.schema
    .createTable('support_resets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('admin_key_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('ticket', 'text', (c) => c.notNull())
    .addColumn('cancel_token_hash', 'text', (c) => c.notNull().unique())
    // The reminder mail carries a link of its own (tokens are stored hashed, so the first cannot be re-sent).
    .addColumn('reminder_token_hash', 'text', (c) => c.unique())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('requested_at', 'bigint', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('reminded_at', 'bigint')
    .addColumn('finished_at', 'bigint')
    .addColumn('finished_by', 'text')
    .execute();
  await sql`create unique index support_resets_pending_idx on support_resets (user_id) where state = 'pending'`.execute(
    db,
  );
  await db.schema.createIndex('support_resets_due_idx').on('support_resets').columns(['state', 'due_at']).execute();
}
