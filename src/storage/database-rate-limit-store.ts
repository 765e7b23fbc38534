// The RateLimitStore port over the database: each call is one atomic upsert (INSERT … ON CONFLICT
// DO UPDATE … RETURNING, on SQLite ≥ 3.35 and PostgreSQL alike), so instances sharing the
// database count together. Used when PostgreSQL is configured without Redis.
import { sql, type Kysely } from 'kysely';
import { AppError } from '../core/errors.js';
import type { Clock } from '../core/ports/clock.js';
import type { LimitSlot, RateLimitStore, Release, Reservation, WindowCount } from '../core/ports/rate-limit.js';
import type { Database } from './schema.js';

const SWEEP_EVERY_MS = 60_000;

/** Thrown inside the reservation's transaction to roll back the places already taken. */
class Full extends Error {
  constructor(readonly refusal: Reservation & { ok: false }) {
    super('limit reached');
  }
}

export class DatabaseRateLimitStore implements RateLimitStore {
  private sweptAt = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
  ) {}

  private async guarded<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      // Fail closed: a security check that cannot count refuses rather than lets through.
      throw new AppError('service_unavailable', 'The rate-limit store is unreachable. Try again shortly.', {
        retryAfter: 5,
        cause: e,
      });
    }
  }

  private async sweep(now: number): Promise<void> {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    await this.db.deleteFrom('rate_counters').where('reset_at', '<=', now).execute();
  }

  hit(key: string, windowMs: number, by = 1): Promise<WindowCount> {
    return this.guarded(async () => {
      const now = this.clock.now();
      await this.sweep(now);
      const row = await this.db
        .insertInto('rate_counters')
        .values({ key, count: by, reset_at: now + windowMs })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            count: sql<number>`case when rate_counters.reset_at <= ${now} then ${by} else rate_counters.count + ${by} end`,
            reset_at: sql<number>`case when rate_counters.reset_at <= ${now} then ${now + windowMs} else rate_counters.reset_at end`,
          }),
        )
        .returning(['count', 'reset_at'])
        .executeTakeFirstOrThrow();
      return { count: Number(row.count), resetInMs: Math.max(0, Number(row.reset_at) - now) };
    });
  }

  peek(key: string): Promise<WindowCount> {
    return this.guarded(async () => {
      const now = this.clock.now();
      const row = await this.db
        .selectFrom('rate_counters')
        .select(['count', 'reset_at'])
        .where('key', '=', key)
        .executeTakeFirst();
      if (!row || Number(row.reset_at) <= now) return { count: 0, resetInMs: 0 };
      return { count: Number(row.count), resetInMs: Number(row.reset_at) - now };
    });
  }

  reset(key: string): Promise<void> {
    return this.guarded(async () => {
      await this.db.deleteFrom('rate_counters').where('key', '=', key).execute();
    });
  }

  /**
   * One transaction of conditional upserts (… DO UPDATE … WHERE count < max): the row lock makes
   * parallel reservations of a key wait for each other and re-check the count. A full key rolls
   * the others back. Keys are taken in sorted order so two reservations never deadlock.
   */
  reserve(slots: readonly LimitSlot[]): Promise<Reservation> {
    return this.guarded(async () => {
      const now = this.clock.now();
      await this.sweep(now);
      const ordered = [...slots].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      try {
        await this.db.transaction().execute(async (tx) => {
          for (const slot of ordered) {
            const row = await tx
              .insertInto('rate_counters')
              .values({ key: slot.key, count: 1, reset_at: now + slot.windowMs })
              .onConflict((oc) =>
                oc
                  .column('key')
                  .doUpdateSet({
                    count: sql<number>`case when rate_counters.reset_at <= ${now} then 1 else rate_counters.count + 1 end`,
                    reset_at: sql<number>`case when rate_counters.reset_at <= ${now} then ${now + slot.windowMs} else rate_counters.reset_at end`,
                  })
                  .where((eb) =>
                    eb.or([eb('rate_counters.reset_at', '<=', now), eb('rate_counters.count', '<', slot.max)]),
                  ),
              )
              .returning('key')
              .executeTakeFirst();
            if (row) continue;
            const held = await tx
              .selectFrom('rate_counters')
              .select('reset_at')
              .where('key', '=', slot.key)
              .executeTakeFirst();
            throw new Full({ ok: false, key: slot.key, resetInMs: Math.max(0, Number(held?.reset_at ?? now) - now) });
          }
        });
      } catch (e) {
        if (e instanceof Full) return e.refusal;
        throw e;
      }
      return { ok: true } as const;
    });
  }

  release(releases: readonly Release[]): Promise<void> {
    return this.guarded(async () => {
      for (const r of releases) {
        if (r.clear) {
          await this.db.deleteFrom('rate_counters').where('key', '=', r.key).execute();
        } else {
          await this.db
            .updateTable('rate_counters')
            .set({ count: sql<number>`count - 1` })
            .where('key', '=', r.key)
            .where('count', '>', 0)
            .execute();
        }
      }
    });
  }

  claim(key: string, ttlMs: number): Promise<boolean> {
    return this.guarded(async () => {
      const now = this.clock.now();
      // Inserted, or taken over from an expired claim: a row comes back. A live claim: none.
      const row = await this.db
        .insertInto('rate_counters')
        .values({ key, count: 1, reset_at: now + ttlMs })
        .onConflict((oc) =>
          oc
            .column('key')
            .doUpdateSet({ count: 1, reset_at: now + ttlMs })
            .where('rate_counters.reset_at', '<=', now),
        )
        .returning('key')
        .executeTakeFirst();
      return row !== undefined;
    });
  }

  async close(): Promise<void> {}
}
