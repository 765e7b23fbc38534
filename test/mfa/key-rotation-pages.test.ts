// Key rotation over more rows than one page (500): every factor (TOTP secrets and SMS phone
// numbers, each under its own AAD) and every pending set-up is re-sealed exactly once, and each
// still opens to the same plaintext under the new first key alone; progress is reported per page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { cryptoRandom } from '../../src/adapters/crypto-random.js';
import { open, parseKeyring, seal } from '../../src/core/envelope.js';
import { phoneAad, setupAad, totpAad } from '../../src/core/aad.js';
import { ROTATION_PAGE_SIZE, rotateKeys } from '../../src/services/key-rotation.js';
import { startHarness } from './support.js';

const FACTORS = 2 * ROTATION_PAGE_SIZE + 1;
const SETUPS = ROTATION_PAGE_SIZE + 1;

test(`${FACTORS} factors and ${SETUPS} pending set-ups over several pages are each re-sealed once`, async () => {
  const k1 = `k1:${randomBytes(32).toString('base64')}`;
  const k2 = `k2:${randomBytes(32).toString('base64')}`;
  const old = parseKeyring(k1);
  const h = await startHarness({ env: { TWOFOLD_SECRET_KEYS: `${k2},${k1}` } });
  try {
    const { storage } = h.runtime;
    const now = h.clock.now();
    const plain = new Map<string, { secret: Buffer | null; phone: string | null }>();
    await storage.transaction(async (tx) => {
      for (let i = 0; i < FACTORS; i++) {
        const userId = `u${String(i).padStart(5, '0')}-${randomBytes(3).toString('hex')}`;
        await tx.users.create({
          id: userId,
          email: `p${i}@example.com`,
          passwordHash: null,
          createdAt: now,
          emailVerifiedAt: now,
        });
        const sms = i % 7 === 3;
        const secret = sms ? null : randomBytes(20);
        const phone = sms ? `+1555${String(i).padStart(7, '0')}` : null;
        plain.set(userId, { secret, phone });
        await tx.factors.putFactor({
          userId,
          method: sms ? 'sms' : 'totp',
          secretEnc: secret ? seal(old, secret, totpAad(userId), cryptoRandom) : null,
          phoneEnc: phone ? seal(old, phone, phoneAad(userId), cryptoRandom) : null,
          phoneHint: phone ? `•••• ${phone.slice(-4)}` : null,
          lastStep: null,
          enabledAt: now,
        });
        if (i < SETUPS) {
          const id = `s${String(i).padStart(5, '0')}`;
          await tx.setups.createSetup({
            id,
            userId,
            method: 'totp',
            secretEnc: seal(old, `setup-${i}`, setupAad(id), cryptoRandom),
            phoneEnc: null,
            phoneHint: null,
            createdAt: now,
            expiresAt: now + 60_000,
          });
        }
      }
    });

    const progress: { read: number; factors: number; setups: number }[] = [];
    const report = await rotateKeys({
      storage,
      keyring: h.runtime.keyring,
      random: cryptoRandom,
      clock: h.clock,
      onProgress: ({ read, factors, setups }) => progress.push({ read, factors, setups }),
    });
    assert.deepEqual(report, { factors: FACTORS, setups: SETUPS, accessKeys: 0, adminKeys: 0 });
    // Feedback after every page: 3 of factors, 2 of set-ups, 1 (empty) of access keys.
    assert.deepEqual(
      progress.map((p) => p.read),
      [500, 1000, 1001, 1501, 1502, 1502],
    );
    assert.deepEqual(progress[2], { read: FACTORS, factors: FACTORS, setups: 0 });
    assert.deepEqual(progress.at(-1), { read: FACTORS + SETUPS, factors: FACTORS, setups: SETUPS });

    const onlyK2 = parseKeyring(k2);
    const factors = await h.runtime.db.db.selectFrom('mfa_factors').selectAll().execute();
    assert.equal(factors.length, FACTORS);
    for (const f of factors) {
      const want = plain.get(f.user_id)!;
      if (want.secret) {
        const o = open(onlyK2, f.secret_enc!, totpAad(f.user_id));
        assert.ok(o.ok && o.plaintext.equals(want.secret), `secret of ${f.user_id}`);
      } else assert.equal(f.secret_enc, null);
      if (want.phone) {
        const o = open(onlyK2, f.phone_enc!, phoneAad(f.user_id));
        assert.ok(o.ok && o.plaintext.toString('utf8') === want.phone, `phone of ${f.user_id}`);
      } else assert.equal(f.phone_enc, null);
    }
    const setups = await h.runtime.db.db.selectFrom('mfa_setups').selectAll().orderBy('id').execute();
    assert.equal(setups.length, SETUPS);
    setups.forEach((s, i) => {
      const o = open(onlyK2, s.secret_enc!, setupAad(s.id));
      assert.ok(o.ok && o.plaintext.toString('utf8') === `setup-${i}`, `set-up ${s.id}`);
    });

    assert.deepEqual(await rotateKeys({ storage, keyring: h.runtime.keyring, random: cryptoRandom, clock: h.clock }), {
      factors: 0,
      setups: 0,
      accessKeys: 0,
      adminKeys: 0,
    });
  } finally {
    await h.close();
  }
});
