// Sign-in challenges, the recovery code, and the per-account run of wrong codes. Counters are
// moved by single UPDATE statements so that concurrent instances cannot lose a count.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ChallengeRecord, MfaAttemptState, MfaMethod, MfaStore } from '../../core/ports/mfa-stores.js';
import type { Database, MfaChallengesTable } from '../schema.js';

type Part = Pick<
  MfaStore,
  | 'putRecoveryCode' | 'getRecoveryCode' | 'spendRecoveryCode' | 'deleteRecoveryCode'
  | 'createChallenge' | 'getChallenge' | 'reserveChallengeAttempt' | 'closeChallenge' | 'closeChallengesForUser'
  | 'getAttempts' | 'reserveAccountAttempt' | 'resetAttempts'
>;

export const NO_ATTEMPTS: MfaAttemptState = { failures: 0, rounds: 0, lockedUntil: null };

export function challengeRecord(r: Selectable<MfaChallengesTable>): ChallengeRecord {
  return {
    idHash: r.id_hash,
    userId: r.user_id,
    method: r.method as MfaMethod,
    client: r.client === 'app' ? 'app' : 'web',
    via: r.via,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    failures: Number(r.failures),
    closedAt: r.closed_at === null ? null : Number(r.closed_at),
    codeHash: r.code_hash,
    codeExpiresAt: r.code_expires_at === null ? null : Number(r.code_expires_at),
    sends: Number(r.sends),
    lastSentAt: r.last_sent_at === null ? null : Number(r.last_sent_at),
    pendingLink: r.link_issuer !== null && r.link_subject !== null ? { issuer: r.link_issuer, subject: r.link_subject, email: r.link_email } : null,
  };
}

export function mfaChallengeRepository(db: Kysely<Database>): Part {
  return {
    async putRecoveryCode(userId, codeHash, kid, now) {
      await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
      await db.insertInto('recovery_codes').values({ user_id: userId, code_hash: codeHash, kid, created_at: now, used_at: null }).execute();
    },
    async getRecoveryCode(userId) {
      const r = await db.selectFrom('recovery_codes').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return r ? { codeHash: r.code_hash, kid: r.kid, usedAt: r.used_at === null ? null : Number(r.used_at) } : null;
    },
    async spendRecoveryCode(userId, codeHash, now) {
      const r = await db
        .updateTable('recovery_codes')
        .set({ used_at: now })
        .where('user_id', '=', userId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async deleteRecoveryCode(userId) {
      await db.deleteFrom('recovery_codes').where('user_id', '=', userId).execute();
    },

    async createChallenge(c) {
      await db
        .insertInto('mfa_challenges')
        .values({
          id_hash: c.idHash,
          user_id: c.userId,
          method: c.method,
          client: c.client,
          via: c.via,
          created_at: c.createdAt,
          expires_at: c.expiresAt,
          failures: c.failures,
          closed_at: c.closedAt,
          link_issuer: c.pendingLink?.issuer ?? null,
          link_subject: c.pendingLink?.subject ?? null,
          link_email: c.pendingLink?.email ?? null,
        })
        .execute();
    },
    async getChallenge(idHash) {
      const r = await db.selectFrom('mfa_challenges').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      if (!r) return null;
      return challengeRecord(r);
    },
    async reserveChallengeAttempt(idHash, now, max) {
      const r = await db
        .updateTable('mfa_challenges')
        .set({ failures: sql<number>`failures + 1` })
        .where('id_hash', '=', idHash)
        .where('closed_at', 'is', null)
        .where('expires_at', '>', now)
        .where('failures', '<', max)
        .returning('failures')
        .executeTakeFirst();
      return r ? Number(r.failures) : null;
    },
    async closeChallenge(idHash, now) {
      const r = await db.updateTable('mfa_challenges').set({ closed_at: now }).where('id_hash', '=', idHash).where('closed_at', 'is', null).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async closeChallengesForUser(userId, now) {
      await db.updateTable('mfa_challenges').set({ closed_at: now }).where('user_id', '=', userId).where('closed_at', 'is', null).execute();
    },

    async getAttempts(userId) {
      const r = await db.selectFrom('mfa_attempts').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return r ? { failures: Number(r.failures), rounds: Number(r.rounds), lockedUntil: r.locked_until === null ? null : Number(r.locked_until) } : NO_ATTEMPTS;
    },
    async reserveAccountAttempt(userId, now, plan) {
      // Every SET sees the row as it was (SQL semantics on both engines). The plan's numbers are
      // constants, inlined so the SQL text stays one prepared statement; `now` is a bigint parameter.
      const lit = (n: number) => sql.lit(Math.trunc(n));
      const reachesLock = sql<boolean>`(mfa_attempts.failures + 1) % ${lit(plan.inARow)} = 0`;
      const lockMs = sql<number>`case mfa_attempts.rounds ${sql.join(
        plan.lockMs.map((ms, i) => sql`when ${lit(i)} then ${lit(ms)}`),
        sql` `,
      )} else ${lit(plan.beyondMs)} end`;
      const r = await db
        .insertInto('mfa_attempts')
        .values({ user_id: userId, failures: 1, rounds: 0, locked_until: null })
        .onConflict((oc) =>
          oc
            .column('user_id')
            .doUpdateSet({
              failures: sql<number>`mfa_attempts.failures + 1`,
              locked_until: sql<number | null>`case when ${reachesLock} then cast(${now} as bigint) + ${lockMs} else mfa_attempts.locked_until end`,
              rounds: sql<number>`case when ${reachesLock} then mfa_attempts.rounds + 1 else mfa_attempts.rounds end`,
            })
            .where((eb) => eb.or([eb('mfa_attempts.locked_until', 'is', null), eb('mfa_attempts.locked_until', '<=', now)])),
        )
        .returning(['failures', 'rounds', 'locked_until'])
        .executeTakeFirst();
      return r ? { failures: Number(r.failures), rounds: Number(r.rounds), lockedUntil: r.locked_until === null ? null : Number(r.locked_until) } : null;
    },
    async resetAttempts(userId) {
      await db.deleteFrom('mfa_attempts').where('user_id', '=', userId).execute();
    },
  };
}
