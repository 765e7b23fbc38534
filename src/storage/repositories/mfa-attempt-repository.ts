// The account's run of wrong second-factor codes (across challenges, addresses and instances),
// moved by one conditional upsert so that concurrent instances cannot lose a count.
import { sql, type Kysely } from 'kysely';
import type { LockPlan, MfaAttemptState, MfaAttemptStore } from '../../core/ports/mfa-stores.js';
import type { Database } from '../schema.js';

export const NO_ATTEMPTS: MfaAttemptState = { failures: 0, rounds: 0, lockedUntil: null };

export class MfaAttemptRepository implements MfaAttemptStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getAttempts(userId: string): Promise<MfaAttemptState> {
    const r = await this.db.selectFrom('mfa_attempts').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r
      ? {
          failures: Number(r.failures),
          rounds: Number(r.rounds),
          lockedUntil: r.locked_until === null ? null : Number(r.locked_until),
        }
      : NO_ATTEMPTS;
  }

  async reserveAccountAttempt(userId: string, now: number, plan: LockPlan): Promise<MfaAttemptState | null> {
    // Every SET sees the row as it was (SQL semantics on both engines). The plan's numbers are
    // constants, inlined so the SQL text stays one prepared statement; `now` is a bigint parameter.
    const lit = (n: number) => sql.lit(Math.trunc(n));
    const reachesLock = sql<boolean>`(mfa_attempts.failures + 1) % ${lit(plan.inARow)} = 0`;
    const lockMs = sql<number>`case mfa_attempts.rounds ${sql.join(
      plan.lockMs.map((ms, i) => sql`when ${lit(i)} then ${lit(ms)}`),
      sql` `,
    )} else ${lit(plan.beyondMs)} end`;
    const r = await this.db
      .insertInto('mfa_attempts')
      .values({ user_id: userId, failures: 1, rounds: 0, locked_until: null })
      .onConflict((oc) =>
        oc
          .column('user_id')
          .doUpdateSet({
            failures: sql<number>`mfa_attempts.failures + 1`,
            locked_until: sql<
              number | null
            >`case when ${reachesLock} then cast(${now} as bigint) + ${lockMs} else mfa_attempts.locked_until end`,
            rounds: sql<number>`case when ${reachesLock} then mfa_attempts.rounds + 1 else mfa_attempts.rounds end`,
          })
          .where((eb) =>
            eb.or([eb('mfa_attempts.locked_until', 'is', null), eb('mfa_attempts.locked_until', '<=', now)]),
          ),
      )
      .returning(['failures', 'rounds', 'locked_until'])
      .executeTakeFirst();
    return r
      ? {
          failures: Number(r.failures),
          rounds: Number(r.rounds),
          lockedUntil: r.locked_until === null ? null : Number(r.locked_until),
        }
      : null;
  }

  async resetAttempts(userId: string): Promise<void> {
    await this.db.deleteFrom('mfa_attempts').where('user_id', '=', userId).execute();
  }
}
