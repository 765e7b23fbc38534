import type { Kysely } from 'kysely';
import type { EventRecord, EventStore } from '../../core/ports/stores.js';
import type { Database } from '../schema.js';

/** Append-only: there is no update or delete here on purpose (the log is evidence). */
export class EventRepository implements EventStore {
  constructor(private readonly db: Kysely<Database>) {}

  async append(e: Omit<EventRecord, 'id'>): Promise<number> {
    const row = await this.db
      .insertInto('events')
      .values({
        user_id: e.userId,
        type: e.type,
        at: e.at,
        ip: e.ip,
        user_agent: e.userAgent,
        data: e.data ? JSON.stringify(e.data) : null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  async list(userId: string, options: { limit: number; before?: number }): Promise<EventRecord[]> {
    let q = this.db.selectFrom('events').selectAll().where('user_id', '=', userId);
    if (options.before !== undefined) q = q.where('id', '<', options.before);
    const rows = await q.orderBy('id', 'desc').limit(options.limit).execute();
    return rows.map((r) => ({
      id: Number(r.id),
      userId: r.user_id,
      type: r.type,
      at: r.at,
      ip: r.ip,
      userAgent: r.user_agent,
      data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null,
    }));
  }
}
