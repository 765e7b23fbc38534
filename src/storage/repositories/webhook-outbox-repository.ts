import { sql, type Kysely, type Selectable } from 'kysely';
import type { WebhookDelivery, WebhookOutboxStore, WebhookState } from '../../core/ports/webhook-outbox-store.js';
import type { Database, WebhookOutboxTable } from '../schema.js';

function toDelivery(r: Selectable<WebhookOutboxTable>): WebhookDelivery {
  return {
    id: r.id,
    type: r.type,
    payload: r.payload,
    state: r.state as WebhookState,
    attempts: Number(r.attempts),
    createdAt: Number(r.created_at),
    nextAt: Number(r.next_at),
    lastError: r.last_error,
    deliveredAt: r.delivered_at === null ? null : Number(r.delivered_at),
  };
}

export class WebhookOutboxRepository implements WebhookOutboxStore {
  constructor(private readonly db: Kysely<Database>) {}

  async enqueue(d: { id: string; type: string; payload: string; createdAt: number }): Promise<void> {
    await this.db
      .insertInto('webhook_outbox')
      .values({
        id: d.id,
        type: d.type,
        payload: d.payload,
        state: 'pending',
        attempts: 0,
        created_at: d.createdAt,
        next_at: d.createdAt,
        lease_owner: null,
        lease_until: null,
        last_error: null,
        delivered_at: null,
      })
      .execute();
  }

  async claim(owner: string, now: number, leaseUntil: number, limit: number): Promise<WebhookDelivery[]> {
    // One statement: the subquery picks due rows, the outer WHERE re-checks the lease on each row
    // as it is written (PostgreSQL re-evaluates it after a concurrent update; SQLite serialises
    // writers), so a row is held by one owner at a time.
    const free = sql<boolean>`(lease_until is null or lease_until <= ${now})`;
    await this.db
      .updateTable('webhook_outbox')
      .set({ lease_owner: owner, lease_until: leaseUntil })
      .where('state', '=', 'pending')
      .where(free)
      .where('id', 'in', (qb) =>
        qb
          .selectFrom('webhook_outbox')
          .select('id')
          .where('state', '=', 'pending')
          .where('next_at', '<=', now)
          .where(free)
          .orderBy('next_at')
          .orderBy('id')
          .limit(limit),
      )
      .execute();
    const rows = await this.db
      .selectFrom('webhook_outbox')
      .selectAll()
      .where('lease_owner', '=', owner)
      .where('lease_until', '=', leaseUntil)
      .where('state', '=', 'pending')
      .orderBy('next_at')
      .orderBy('id')
      .execute();
    return rows.map(toDelivery);
  }

  private async settle(id: string, owner: string, values: Partial<WebhookOutboxTable>): Promise<boolean> {
    const res = await this.db
      .updateTable('webhook_outbox')
      .set({ ...values, attempts: sql`attempts + 1`, lease_owner: null, lease_until: null })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  markDelivered(id: string, owner: string, now: number): Promise<boolean> {
    return this.settle(id, owner, { state: 'delivered', delivered_at: now, last_error: null });
  }

  retryLater(id: string, owner: string, nextAt: number, error: string): Promise<boolean> {
    return this.settle(id, owner, { next_at: nextAt, last_error: error });
  }

  markFailed(id: string, owner: string, error: string): Promise<boolean> {
    return this.settle(id, owner, { state: 'failed', last_error: error });
  }

  async list(options: { state?: WebhookState; limit: number }): Promise<WebhookDelivery[]> {
    let q = this.db.selectFrom('webhook_outbox').selectAll();
    if (options.state) q = q.where('state', '=', options.state);
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map(toDelivery);
  }

  async replay(target: { id: string } | { failed: true }, now: number): Promise<number> {
    let q = this.db
      .updateTable('webhook_outbox')
      // A replay is a fresh start: the give-up clock counts from the replay, not the event.
      .set({ state: 'pending', next_at: now, created_at: now, lease_owner: null, lease_until: null });
    q = 'id' in target ? q.where('id', '=', target.id) : q.where('state', '=', 'failed');
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows);
  }
}
