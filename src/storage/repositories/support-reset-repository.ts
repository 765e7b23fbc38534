import type { Kysely } from 'kysely';
import type {
  SupportResetEnd,
  SupportResetRecord,
  SupportResetState,
  SupportResetStore,
} from '../../core/ports/support-reset-store.js';
import type { Database, SupportResetsTable } from '../schema.js';
import { isUniqueViolation } from '../unique-violation.js';

const record = (r: SupportResetsTable): SupportResetRecord => ({
  id: r.id,
  userId: r.user_id,
  adminKeyId: r.admin_key_id,
  reason: r.reason,
  ticket: r.ticket,
  cancelTokenHash: r.cancel_token_hash,
  state: r.state as SupportResetState,
  requestedAt: Number(r.requested_at),
  dueAt: Number(r.due_at),
  remindedAt: r.reminded_at === null ? null : Number(r.reminded_at),
  finishedAt: r.finished_at === null ? null : Number(r.finished_at),
  finishedBy: r.finished_by as SupportResetEnd | null,
});

export class SupportResetRepository implements SupportResetStore {
  constructor(private readonly db: Kysely<Database>) {}

  async create(r: SupportResetRecord): Promise<'created' | 'pending_exists'> {
    try {
      await this.db
        .insertInto('support_resets')
        .values({
          id: r.id,
          user_id: r.userId,
          admin_key_id: r.adminKeyId,
          reason: r.reason,
          ticket: r.ticket,
          cancel_token_hash: r.cancelTokenHash,
          reminder_token_hash: null,
          state: r.state,
          requested_at: r.requestedAt,
          due_at: r.dueAt,
          reminded_at: r.remindedAt,
          finished_at: r.finishedAt,
          finished_by: r.finishedBy,
        })
        .execute();
      return 'created';
    } catch (e) {
      if (isUniqueViolation(e)) return 'pending_exists';
      throw e;
    }
  }

  async pendingFor(userId: string): Promise<SupportResetRecord | null> {
    const r = await this.db
      .selectFrom('support_resets')
      .selectAll()
      .where('user_id', '=', userId)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return r ? record(r) : null;
  }

  async byCancelTokenHash(hash: string): Promise<SupportResetRecord | null> {
    const r = await this.db
      .selectFrom('support_resets')
      .selectAll()
      .where((eb) => eb.or([eb('cancel_token_hash', '=', hash), eb('reminder_token_hash', '=', hash)]))
      .executeTakeFirst();
    return r ? record(r) : null;
  }

  async cancel(
    where: { id: string } | { userId: string },
    now: number,
    by: SupportResetEnd,
  ): Promise<SupportResetRecord | null> {
    const pending = 'id' in where ? await this.byId(where.id) : await this.pendingFor(where.userId);
    if (!pending || pending.state !== 'pending') return null;
    const r = await this.db
      .updateTable('support_resets')
      .set({ state: 'cancelled', finished_at: now, finished_by: by })
      .where('id', '=', pending.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0 ? { ...pending, state: 'cancelled', finishedAt: now, finishedBy: by } : null;
  }

  private async byId(id: string): Promise<SupportResetRecord | null> {
    const r = await this.db.selectFrom('support_resets').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? record(r) : null;
  }

  async due(now: number, limit: number): Promise<SupportResetRecord[]> {
    const rows = await this.db
      .selectFrom('support_resets')
      .selectAll()
      .where('state', '=', 'pending')
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(limit)
      .execute();
    return rows.map(record);
  }

  async markDone(id: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('support_resets')
      .set({ state: 'done', finished_at: now, finished_by: 'sweeper' })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('due_at', '<=', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  async toRemind(remindFrom: number, limit: number): Promise<SupportResetRecord[]> {
    const rows = await this.db
      .selectFrom('support_resets')
      .selectAll()
      .where('state', '=', 'pending')
      .where('reminded_at', 'is', null)
      .where('due_at', '<=', remindFrom)
      .limit(limit)
      .execute();
    return rows.map(record);
  }

  async markReminded(id: string, now: number, tokenHash: string): Promise<boolean> {
    const r = await this.db
      .updateTable('support_resets')
      .set({ reminded_at: now, reminder_token_hash: tokenHash })
      .where('id', '=', id)
      .where('state', '=', 'pending')
      .where('reminded_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** Passkeys and remembered devices go with the factor: neither may stand in for it afterwards. */
  async deletePasskeys(userId: string): Promise<void> {
    await this.db.deleteFrom('passkeys').where('user_id', '=', userId).execute();
    await this.db.deleteFrom('remembered_devices').where('user_id', '=', userId).execute();
  }
}
