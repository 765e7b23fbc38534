// One-time WebAuthn challenges: spent by one conditional UPDATE that also checks what the
// challenge is bound to (the session, the sign-in challenge, the account), so of any number of
// responses racing on one challenge exactly one sees a row change.
import type { Kysely } from 'kysely';
import type {
  WebAuthnBinding,
  WebAuthnChallengeRecord,
  WebAuthnChallengeStore,
} from '../../core/ports/passkey-stores.js';
import type { Database } from '../schema.js';

export class WebAuthnChallengeRepository implements WebAuthnChallengeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createWebAuthnChallenge(c: WebAuthnChallengeRecord): Promise<void> {
    await this.db
      .insertInto('webauthn_challenges')
      .values({
        challenge_hash: c.challengeHash,
        purpose: c.purpose,
        user_id: c.userId,
        session_id: c.sessionId,
        sign_in_challenge_hash: c.signInChallengeHash,
        created_at: c.createdAt,
        expires_at: c.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async spendWebAuthnChallenge(challengeHash: string, b: WebAuthnBinding, now: number): Promise<boolean> {
    let q = this.db
      .updateTable('webauthn_challenges')
      .set({ used_at: now })
      .where('challenge_hash', '=', challengeHash)
      .where('purpose', '=', b.purpose)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now);
    q = b.userId === undefined ? q.where('user_id', 'is', null) : q.where('user_id', '=', b.userId);
    if (b.sessionId !== undefined) q = q.where('session_id', '=', b.sessionId);
    if (b.signInChallengeHash !== undefined) q = q.where('sign_in_challenge_hash', '=', b.signInChallengeHash);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async deleteExpiredWebAuthnChallenges(now: number): Promise<number> {
    const r = await this.db.deleteFrom('webauthn_challenges').where('expires_at', '<=', now).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
