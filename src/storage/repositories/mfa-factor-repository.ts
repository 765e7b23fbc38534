// The account's second factor and its pending set-ups.
import type { Kysely, Selectable } from 'kysely';
import type { MfaFactorRecord, MfaMethod, MfaSetupRecord, MfaStore } from '../../core/ports/mfa-stores.js';
import type { Database, MfaFactorsTable, MfaSetupsTable } from '../schema.js';

type FactorPart = Pick<MfaStore, 'getFactor' | 'putFactor' | 'deleteFactor' | 'advanceStep' | 'listFactors' | 'updateFactorCiphertexts'>;
type SetupPart = Pick<MfaStore, 'createSetup' | 'getSetup' | 'spendSetup' | 'deleteSetupsForUser' | 'listSetups' | 'updateSetupCiphertexts'>;

export const factorRecord = (r: MfaFactorsTable): MfaFactorRecord => ({
  userId: r.user_id,
  method: r.method as MfaMethod,
  secretEnc: r.secret_enc,
  phoneEnc: r.phone_enc,
  phoneHint: r.phone_hint,
  lastStep: r.last_step === null ? null : Number(r.last_step),
  enabledAt: Number(r.enabled_at),
});

const setup = (r: Selectable<MfaSetupsTable>): MfaSetupRecord => ({
  id: r.id,
  userId: r.user_id,
  method: r.method as MfaMethod,
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

export function mfaFactorRepository(db: Kysely<Database>): FactorPart {
  return {
    async getFactor(userId) {
      const r = await db.selectFrom('mfa_factors').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return r ? factorRecord(r) : null;
    },
    async putFactor(f) {
      await db.deleteFrom('mfa_factors').where('user_id', '=', f.userId).execute();
      await db
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
    },
    async deleteFactor(userId) {
      const r = await db.deleteFrom('mfa_factors').where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows) > 0;
    },
    async advanceStep(userId, step) {
      const r = await db
        .updateTable('mfa_factors')
        .set({ last_step: step })
        .where('user_id', '=', userId)
        .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async listFactors(afterUserId, limit) {
      let q = db.selectFrom('mfa_factors').selectAll();
      if (afterUserId !== null) q = q.where('user_id', '>', afterUserId);
      return (await q.orderBy('user_id').limit(limit).execute()).map(factorRecord);
    },
    async updateFactorCiphertexts(userId, secretEnc, phoneEnc, expected) {
      const r = await db
        .updateTable('mfa_factors')
        .set({ secret_enc: secretEnc, phone_enc: phoneEnc })
        .where('user_id', '=', userId)
        .where((eb) => (expected.secretEnc === null ? eb('secret_enc', 'is', null) : eb('secret_enc', '=', expected.secretEnc)))
        .where((eb) => (expected.phoneEnc === null ? eb('phone_enc', 'is', null) : eb('phone_enc', '=', expected.phoneEnc)))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}

export function mfaSetupRepository(db: Kysely<Database>): SetupPart {
  return {
    async createSetup(s) {
      await db
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
    },
    async getSetup(id) {
      const r = await db.selectFrom('mfa_setups').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? { ...setup(r), usedAt: r.used_at === null ? null : Number(r.used_at) } : null;
    },
    async spendSetup(id, now) {
      // A confirmed set-up's secret now lives in mfa_factors; keeping its envelope here would leave
      // the live secret readable under an old key after key rotation. Erase it as it is spent.
      const r = await db
        .updateTable('mfa_setups')
        .set({ used_at: now, secret_enc: null, phone_enc: null })
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async deleteSetupsForUser(userId) {
      await db.deleteFrom('mfa_setups').where('user_id', '=', userId).execute();
    },
    async listSetups(afterId, limit) {
      let q = db.selectFrom('mfa_setups').selectAll().where('used_at', 'is', null);
      if (afterId !== null) q = q.where('id', '>', afterId);
      return (await q.orderBy('id').limit(limit).execute()).map(setup);
    },
    async updateSetupCiphertexts(id, secretEnc, phoneEnc) {
      await db.updateTable('mfa_setups').set({ secret_enc: secretEnc, phone_enc: phoneEnc }).where('id', '=', id).execute();
    },
  };
}
