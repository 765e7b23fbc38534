// Security webhooks (docs/admin.md): a durable outbox, written in the same transaction as the
// security event, so that a crash or restart between the event and its delivery loses nothing.
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

export async function up(db: Kysely<unknown>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable('webhook_outbox')
    // The delivery id the receiver de-duplicates on ("event-12", "audit-7"): the same on every retry.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    // pending → delivered | failed (an operator's replay puts failed back to pending).
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('next_at', 'bigint', (c) => c.notNull())
    // A deliverer's claim: rows with a live lease are someone else's (several instances may run).
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_outbox_due_idx').on('webhook_outbox').columns(['state', 'next_at']).execute();
}
