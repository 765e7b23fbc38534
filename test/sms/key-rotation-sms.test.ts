// Key rotation reaches SMS factors: the phone number sealed under k1 is re-sealed by `twofold keys
// rotate`'s service with the AAD the sign-in challenge reads it with (src/core/aad.ts), so after k1
// leaves the keyring a sign-in still texts its code to the same number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cryptoRandom } from '../../src/adapters/crypto-random.js';
import { rotateKeys } from '../../src/services/key-rotation.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { newKey, sharedDatabase, type SharedDatabase } from '../mfa/shared-database.js';
import { TwilioStandIn, twilioEnv } from './twilio-stand-in.js';
import { US_E164, challengeFor, enableSms, signup, verify } from './sms-support.js';

async function smsHarnessOn(db: SharedDatabase, twilio: TwilioStandIn, keys: string, at?: number): Promise<Harness> {
  const h = await startHarness({ env: twilioEnv(twilio, { TWOFOLD_DATABASE_URL: db.url, TWOFOLD_SECRET_KEYS: keys }) });
  if (at !== undefined) h.clock.set(at);
  return h;
}

test('k1 → k2: an SMS factor re-sealed by rotation still texts its sign-in code once k1 is removed', async () => {
  const db = await sharedDatabase();
  const twilio = await TwilioStandIn.start();
  const K1 = `k1:${newKey()}`;
  const K2 = `k2:${newKey()}`;
  try {
    let at: number;
    const a = await smsHarnessOn(db, twilio, K1);
    try {
      await enableSms({ h: a, twilio }, await signup(a, 'sms-rotation@example.com'));
      const [factor] = await a.runtime.db.db.selectFrom('mfa_factors').select(['phone_enc']).execute();
      assert.match(factor!.phone_enc!, /^v1\.k1\./);
      at = a.clock.now();
    } finally {
      await a.close();
    }

    const b = await smsHarnessOn(db, twilio, `${K2},${K1}`, at);
    try {
      const report = await rotateKeys({
        storage: b.runtime.storage,
        keyring: b.runtime.keyring,
        random: cryptoRandom,
        clock: b.clock,
      });
      assert.equal(report.factors, 1);
      const [factor] = await b.runtime.db.db.selectFrom('mfa_factors').select(['phone_enc']).execute();
      assert.match(factor!.phone_enc!, /^v1\.k2\./);
      at = b.clock.now();
    } finally {
      await b.close();
    }

    const c = await smsHarnessOn(db, twilio, K2, at);
    try {
      const sent = twilio.count;
      const challenge = await challengeFor(c, 'sms-rotation@example.com');
      assert.equal(twilio.count, sent + 1, 'the sign-in code was texted');
      const r = await verify(c, challenge, twilio.lastCode(US_E164));
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().status, 'authenticated');
    } finally {
      await c.close();
    }
  } finally {
    await twilio.close();
    await db.drop();
  }
});
