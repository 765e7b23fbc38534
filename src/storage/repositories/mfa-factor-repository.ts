// The account's second factor (one row per account) and the TOTP step it last accepted.
import type { Kysely } from 'kysely';
import type { MfaFactorRecord, MfaFactorStore } from '../../core/ports/mfa-stores.js';
import { mfaMethodColumn } from '../column-values.js';
import type { Database, MfaFactorsTable } from '../schema.js';

export const factorRecord = (r: MfaFactorsTable): MfaFactorRecord => ({
  userId: r.user_id,
  method: mfaMethodColumn(r.method, 'mfa_factors', 'method'),
  secretEnc: r.secret_enc,
  phoneEnc: r.phone_enc,
  phoneHint: r.phone_hint,
  lastStep: r.last_step === null ? null : Number(r.last_step),
  enabledAt: Number(r.enabled_at),
});

export class MfaFactorRepository implements MfaFactorStore {
  constructor(private readonly db: Kysely<Database>) {}

  async getFactor(userId: string): Promise<MfaFactorRecord | null> {
    const r = await this.db.selectFrom('mfa_factors').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return r ? factorRecord(r) : null;
  }

  async putFactor(f: MfaFactorRecord): Promise<void> {
    await this.db.deleteFrom('mfa_factors').where('user_id', '=', f.userId).execute();
    await this.db
      .insertInto('mfa_factors')
      .values({
        user_id: f.userId,
        method: f.method,
        secret_enc: f.secretEnc,
        phone_enc: f.phoneEnc,
        phone_hint: f.phoneHint,
        last_step: f.lastStep,
        enabled_at: f.enabledAt,
      })
      .execute();
  }

  async deleteFactor(userId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('mfa_factors').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  async advanceStep(userId: string, step: number): Promise<boolean> {
    const r = await this.db
      .updateTable('mfa_factors')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async listFactors(afterUserId: string | null, limit: number): Promise<MfaFactorRecord[]> {
    let q = this.db.selectFrom('mfa_factors').selectAll();
    if (afterUserId !== null) q = q.where('user_id', '>', afterUserId);
    return (await q.orderBy('user_id').limit(limit).execute()).map(factorRecord);
  }

  async updateFactorCiphertexts(
    userId: string,
    secretEnc: string | null,
    phoneEnc: string | null,
    expected: { secretEnc: string | null; phoneEnc: string | null },
  ): Promise<boolean> {
    const r = await this.db
      .updateTable('mfa_factors')
      .set({ secret_enc: secretEnc, phone_enc: phoneEnc })
      .where('user_id', '=', userId)
      .where((eb) =>
        expected.secretEnc === null ? eb('secret_enc', 'is', null) : eb('secret_enc', '=', expected.secretEnc),
      )
      .where((eb) =>
        expected.phoneEnc === null ? eb('phone_enc', 'is', null) : eb('phone_enc', '=', expected.phoneEnc),
      )
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
