// Pending set-ups of a second factor and the SMS code each has out. The code is stored with one
// conditional UPDATE, so the 30 s gap and the 5-send cap hold even when two instances get a
// resend at the same moment.
import type { Kysely, Selectable } from 'kysely';
import type { CodeRefusal, MfaSetupRecord, MfaSetupStore, SmsCodeState } from '../../core/ports/mfa-stores.js';
import { mfaMethodColumn } from '../column-values.js';
import type { Database, MfaSetupsTable } from '../schema.js';
import { SETUP_CODES, restoreCode, storeCode } from './sms-code-state.js';

const setupRecord = (r: Selectable<MfaSetupsTable>): MfaSetupRecord => ({
  id: r.id,
  userId: r.user_id,
  method: mfaMethodColumn(r.method, 'mfa_setups', 'method'),
  secretEnc: r.secret_enc,
  phoneEnc: r.phone_enc,
  phoneHint: r.phone_hint,
  createdAt: Number(r.created_at),
  expiresAt: Number(r.expires_at),
  codeHash: r.code_hash,
  codeExpiresAt: r.code_expires_at === null ? null : Number(r.code_expires_at),
  sends: Number(r.sends),
  lastSentAt: r.last_sent_at === null ? null : Number(r.last_sent_at),
});

export class MfaSetupRepository implements MfaSetupStore {
  constructor(private readonly db: Kysely<Database>) {}

  async createSetup(s: MfaSetupRecord): Promise<void> {
    await this.db
      .insertInto('mfa_setups')
      .values({
        id: s.id,
        user_id: s.userId,
        method: s.method,
        secret_enc: s.secretEnc,
        phone_enc: s.phoneEnc,
        phone_hint: s.phoneHint,
        created_at: s.createdAt,
        expires_at: s.expiresAt,
        used_at: null,
      })
      .execute();
  }

  async getSetup(id: string): Promise<(MfaSetupRecord & { usedAt: number | null }) | null> {
    const r = await this.db.selectFrom('mfa_setups').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? { ...setupRecord(r), usedAt: r.used_at === null ? null : Number(r.used_at) } : null;
  }

  async spendSetup(id: string, now: number): Promise<boolean> {
    // A confirmed set-up's secret now lives in mfa_factors; keeping its envelope here would leave
    // the live secret readable under an old key after key rotation. Erase it as it is spent.
    const r = await this.db
      .updateTable('mfa_setups')
      .set({ used_at: now, secret_enc: null, phone_enc: null })
      .where('id', '=', id)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async deleteSetup(id: string): Promise<void> {
    await this.db.deleteFrom('mfa_setups').where('id', '=', id).execute();
  }

  async deleteSetupsForUser(userId: string): Promise<void> {
    await this.db.deleteFrom('mfa_setups').where('user_id', '=', userId).execute();
  }

  async listSetups(afterId: string | null, limit: number): Promise<MfaSetupRecord[]> {
    let q = this.db.selectFrom('mfa_setups').selectAll().where('used_at', 'is', null);
    if (afterId !== null) q = q.where('id', '>', afterId);
    return (await q.orderBy('id').limit(limit).execute()).map(setupRecord);
  }

  async updateSetupCiphertexts(id: string, secretEnc: string | null, phoneEnc: string | null): Promise<void> {
    await this.db
      .updateTable('mfa_setups')
      .set({ secret_enc: secretEnc, phone_enc: phoneEnc })
      .where('id', '=', id)
      .execute();
  }

  setSetupCode(
    id: string,
    codeHash: string,
    codeExpiresAt: number,
    now: number,
    minGapMs: number,
    maxSends: number,
  ): Promise<'ok' | CodeRefusal> {
    return storeCode(this.db, SETUP_CODES, id, { hash: codeHash, expiresAt: codeExpiresAt }, now, minGapMs, maxSends);
  }

  restoreSetupCode(id: string, ourHash: string, p: SmsCodeState): Promise<boolean> {
    return restoreCode(this.db, SETUP_CODES, id, ourHash, p);
  }
}
