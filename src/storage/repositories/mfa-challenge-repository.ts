// Sign-in challenges (the second step): their attempts and their SMS code are moved by single
// conditional UPDATE statements, so that concurrent instances cannot lose a count or both pass
// the 30 s gap and the 5-send cap.
import { sql, type Kysely, type Selectable } from 'kysely';
import type { ChallengeRecord, ChallengeStore, CodeRefusal, SmsCodeState } from '../../core/ports/mfa-stores.js';
import { challengeMethodColumn, clientColumn } from '../column-values.js';
import type { Database, MfaChallengesTable } from '../schema.js';
import { CHALLENGE_CODES, restoreCode, storeCode } from './sms-code-state.js';

export function challengeRecord(r: Selectable<MfaChallengesTable>): ChallengeRecord {
  return {
    idHash: r.id_hash,
    userId: r.user_id,
    method: challengeMethodColumn(r.method, 'mfa_challenges', 'method'),
    client: clientColumn(r.client, 'mfa_challenges', 'client'),
    via: r.via,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    failures: Number(r.failures),
    closedAt: r.closed_at === null ? null : Number(r.closed_at),
    codeHash: r.code_hash,
    codeExpiresAt: r.code_expires_at === null ? null : Number(r.code_expires_at),
    sends: Number(r.sends),
    lastSentAt: r.last_sent_at === null ? null : Number(r.last_sent_at),
    pendingLink:
      r.link_issuer !== null && r.link_subject !== null
        ? { issuer: r.link_issuer, subject: r.link_subject, email: r.link_email }
        : null,
  };
}

export class ChallengeRepository implements ChallengeStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createChallenge(c: ChallengeRecord): Promise<void> {
    await this.db
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
  }

  async getChallenge(idHash: string): Promise<ChallengeRecord | null> {
    const r = await this.db.selectFrom('mfa_challenges').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    return r ? challengeRecord(r) : null;
  }

  async reserveChallengeAttempt(idHash: string, now: number, max: number): Promise<number | null> {
    const r = await this.db
      .updateTable('mfa_challenges')
      .set({ failures: sql<number>`failures + 1` })
      .where('id_hash', '=', idHash)
      .where('closed_at', 'is', null)
      .where('expires_at', '>', now)
      .where('failures', '<', max)
      .returning('failures')
      .executeTakeFirst();
    return r ? Number(r.failures) : null;
  }

  async closeChallenge(idHash: string, now: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mfa_challenges')
      .set({ closed_at: now })
      .where('id_hash', '=', idHash)
      .where('closed_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async closeChallengesForUser(userId: string, now: number): Promise<void> {
    await this.db
      .updateTable('mfa_challenges')
      .set({ closed_at: now })
      .where('user_id', '=', userId)
      .where('closed_at', 'is', null)
      .execute();
  }

  setChallengeCode(
    idHash: string,
    codeHash: string,
    codeExpiresAt: number,
    now: number,
    minGapMs: number,
    maxSends: number,
  ): Promise<'ok' | CodeRefusal> {
    return storeCode(
      this.db,
      CHALLENGE_CODES,
      idHash,
      { hash: codeHash, expiresAt: codeExpiresAt },
      now,
      minGapMs,
      maxSends,
    );
  }

  restoreChallengeCode(idHash: string, ourHash: string, p: SmsCodeState): Promise<boolean> {
    return restoreCode(this.db, CHALLENGE_CODES, idHash, ourHash, p);
  }
}
