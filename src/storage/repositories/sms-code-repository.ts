// Stores a new SMS code on a set-up or a challenge with one conditional UPDATE, so the 30 s gap
// and the 5-send cap hold even when two instances get a resend at the same moment.
import { sql, type Kysely } from 'kysely';
import type { CodeRefusal, MfaStore } from '../../core/ports/mfa-stores.js';
import type { Database } from '../schema.js';

type Part = Pick<MfaStore, 'setSetupCode' | 'setChallengeCode' | 'restoreSetupCode' | 'restoreChallengeCode' | 'deleteSetup'>;

export function smsCodeRepository(db: Kysely<Database>): Part {
  function refusal(row: { open: boolean; sends: number; last_sent_at: number | null } | undefined, now: number, minGapMs: number, maxSends: number): CodeRefusal {
    if (!row || !row.open) return 'closed';
    if (Number(row.sends) >= maxSends) return 'too_many';
    if (row.last_sent_at !== null && Number(row.last_sent_at) > now - minGapMs) return 'too_soon';
    return 'closed';
  }

  return {
    async setSetupCode(id, codeHash, codeExpiresAt, now, minGapMs, maxSends) {
      const r = await db
        .updateTable('mfa_setups')
        .set({ code_hash: codeHash, code_expires_at: codeExpiresAt, sends: sql<number>`sends + 1`, last_sent_at: now })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .where('sends', '<', maxSends)
        .where((eb) => eb.or([eb('last_sent_at', 'is', null), eb('last_sent_at', '<=', now - minGapMs)]))
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return 'ok';
      const row = await db.selectFrom('mfa_setups').select(['used_at', 'expires_at', 'sends', 'last_sent_at']).where('id', '=', id).executeTakeFirst();
      return refusal(row && { open: row.used_at === null && Number(row.expires_at) > now, sends: row.sends, last_sent_at: row.last_sent_at }, now, minGapMs, maxSends);
    },

    async setChallengeCode(idHash, codeHash, codeExpiresAt, now, minGapMs, maxSends) {
      const r = await db
        .updateTable('mfa_challenges')
        .set({ code_hash: codeHash, code_expires_at: codeExpiresAt, sends: sql<number>`sends + 1`, last_sent_at: now })
        .where('id_hash', '=', idHash)
        .where('closed_at', 'is', null)
        .where('expires_at', '>', now)
        .where('sends', '<', maxSends)
        .where((eb) => eb.or([eb('last_sent_at', 'is', null), eb('last_sent_at', '<=', now - minGapMs)]))
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 1) return 'ok';
      const row = await db.selectFrom('mfa_challenges').select(['closed_at', 'expires_at', 'sends', 'last_sent_at']).where('id_hash', '=', idHash).executeTakeFirst();
      return refusal(row && { open: row.closed_at === null && Number(row.expires_at) > now, sends: row.sends, last_sent_at: row.last_sent_at }, now, minGapMs, maxSends);
    },

    async restoreSetupCode(id, ourHash, p) {
      const r = await db
        .updateTable('mfa_setups')
        .set({ code_hash: p.codeHash, code_expires_at: p.codeExpiresAt, sends: p.sends, last_sent_at: p.lastSentAt })
        .where('id', '=', id)
        .where('code_hash', '=', ourHash)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async restoreChallengeCode(idHash, ourHash, p) {
      const r = await db
        .updateTable('mfa_challenges')
        .set({ code_hash: p.codeHash, code_expires_at: p.codeExpiresAt, sends: p.sends, last_sent_at: p.lastSentAt })
        .where('id_hash', '=', idHash)
        .where('code_hash', '=', ourHash)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    async deleteSetup(id) {
      await db.deleteFrom('mfa_setups').where('id', '=', id).execute();
    },
  };
}
