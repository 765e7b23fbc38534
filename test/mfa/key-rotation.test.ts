// Rotating the key that encrypts second-factor secrets at rest: secrets sealed under k1 are
// re-sealed under k2 while k1 is still in the keyring, after which k1 can be removed and
// authenticator apps keep working. Recovery codes are keyed hashes that name their kid and cannot
// be re-made (the code is never stored): a code made under a removed key is refused like a wrong
// one, so operators must have users renew recovery codes before dropping a key.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { cryptoRandom } from '../../src/adapters/crypto-random.js';
import { KeyRotationError, rotateKeys } from '../../src/services/key-rotation.js';
import { signRequest } from '../../src/client/signer.js';
import { TEST_PUBLIC_URL, type Harness } from '../helpers/harness.js';
import { harnessOn, newKey, sharedDatabase } from './shared-database.js';
import {
  PASSWORD,
  STEP_MS,
  assertProblem,
  challengeFor,
  enableTotp,
  phoneCode,
  post,
  recover,
  signup,
  startSetup,
  verify,
} from './support.js';

const rotate = (h: Harness) =>
  rotateKeys({ storage: h.runtime.storage, keyring: h.runtime.keyring, random: cryptoRandom, clock: h.clock });

async function rows(h: Harness) {
  const db = h.runtime.db.db;
  return {
    factors: await db.selectFrom('mfa_factors').select(['user_id', 'secret_enc']).execute(),
    setups: await db
      .selectFrom('mfa_setups')
      .select(['id', 'user_id', 'secret_enc', 'used_at', 'expires_at'])
      .execute(),
    recovery: await db.selectFrom('recovery_codes').select(['user_id', 'kid', 'used_at']).execute(),
  };
}

async function signIn(h: Harness, email: string, secret: string): Promise<string> {
  h.clock.advance(STEP_MS);
  const r = await verify(h, await challengeFor(h, email), phoneCode(h, secret));
  assert.equal(r.statusCode, 200, r.body);
  return r.json().token;
}

test('k1 → k2: rotation re-seals factors and pending set-ups; after k1 is removed sign-in still works, old recovery codes do not', async () => {
  const db = await sharedDatabase();
  const K1 = `k1:${newKey()}`;
  const K2 = `k2:${newKey()}`;
  try {
    // Under k1 alone: two accounts with TOTP, a pending set-up, and a set-up left to expire.
    const a = await harnessOn(db, K1);
    let at: number;
    let key: { id: string; secret: string };
    let ann: { secret: string; recoveryCode: string },
      bea: { secret: string; recoveryCode: string },
      pending: { setup_id: string; secret: string };
    try {
      const expiring = await signup(a, 'old@example.com');
      await startSetup(a, expiring.token);
      a.clock.advance(16 * 60_000);
      const annToken = (await signup(a, 'ann@example.com')).token;
      ann = await enableTotp(a, annToken);
      // An access key made under k1: its secret must follow the rotation too (the server recomputes MACs).
      key = (await post(a, '/v1/me/access-keys', { password: PASSWORD }, annToken)).json();
      bea = await enableTotp(a, (await signup(a, 'bea@example.com')).token);
      pending = await startSetup(a, (await signup(a, 'cal@example.com')).token);
      const r = await rows(a);
      assert.ok(r.factors.every((f) => f.secret_enc!.startsWith('v1.k1.')));
      assert.ok(r.recovery.every((x) => x.kid === 'k1'));
      // A confirmed set-up keeps no copy of the secret (it lives in mfa_factors only).
      assert.ok(r.setups.filter((s) => s.used_at !== null).every((s) => s.secret_enc === null));
      at = a.clock.now();
    } finally {
      await a.close();
    }

    // k2 first, k1 kept: everything still opens before the rotation; then rotate.
    const b = await harnessOn(db, `${K2},${K1}`, at);
    try {
      await signIn(b, 'ann@example.com', ann.secret);
      assert.deepEqual(await rotate(b), { factors: 2, setups: 1, accessKeys: 1, adminKeys: 0 });
      const r = await rows(b);
      assert.equal(r.factors.length, 2);
      assert.ok(
        r.factors.every((f) => /^v1\.k2\.[\w-]+\.[\w-]+$/.test(f.secret_enc!)),
        'every factor under k2',
      );
      const open = r.setups.filter((s) => s.used_at === null && Number(s.expires_at) > b.clock.now());
      assert.equal(open.length, 1);
      assert.match(open[0]!.secret_enc!, /^v1\.k2\./);
      assert.ok(
        r.setups.every((s) => s.secret_enc === null || s.secret_enc.startsWith('v1.k2.')),
        'the expired set-up was erased, not left under k1',
      );
      assert.deepEqual(
        await rotate(b),
        { factors: 0, setups: 0, accessKeys: 0, adminKeys: 0 },
        'a second run has nothing to do',
      );
      // While k1 is still in the keyring, a recovery code made under it works.
      const rec = await recover(b, await challengeFor(b, 'bea@example.com'), bea.recoveryCode);
      assert.equal(rec.statusCode, 200, rec.body);
      at = b.clock.now();
    } finally {
      await b.close();
    }

    // k1 removed.
    const c = await harnessOn(db, K2, at);
    try {
      const token = await signIn(c, 'ann@example.com', ann.secret);
      // The access key re-sealed under k2 still signs requests.
      const signed = signRequest({
        method: 'GET',
        url: `${TEST_PUBLIC_URL}/v1/me`,
        keyId: key.id,
        secretBase64: key.secret,
        scheme: 'rfc9421',
        nowMs: c.clock.now(),
      });
      const me = await c.inject({
        method: 'GET',
        url: '/v1/me',
        headers: { ...signed, host: new URL(TEST_PUBLIC_URL).host },
      });
      assert.equal(me.statusCode, 200, me.body);
      // The pending set-up, re-sealed under k2, can still be confirmed (same AAD as mfa-setup.ts).
      const cal = await post(c, '/v1/auth/login', { email: 'cal@example.com', password: PASSWORD, client: 'app' });
      const confirmed = await post(
        c,
        '/v1/me/mfa/setup/verify',
        { setup_id: pending.setup_id, code: phoneCode(c, pending.secret) },
        cal.json().token,
      );
      assert.equal(confirmed.statusCode, 200, confirmed.body);

      // The recovery code made under k1 no longer matches: refused (and counted) like a wrong code…
      assertProblem(
        await recover(c, await challengeFor(c, 'ann@example.com'), ann.recoveryCode),
        401,
        'invalid_recovery_code',
      );
      // …until the user makes a new one, which is made under k2.
      const renewed = await post(c, '/v1/me/mfa/recovery-code', { password: PASSWORD }, token);
      assert.equal(renewed.statusCode, 200, renewed.body);
      assert.deepEqual(
        [...new Set((await rows(c)).recovery.filter((x) => x.used_at === null).map((x) => x.kid))],
        ['k2'],
      );
      const ok = await recover(c, await challengeFor(c, 'ann@example.com'), renewed.json().recovery_code);
      assert.equal(ok.statusCode, 200, ok.body);
    } finally {
      await c.close();
    }
  } finally {
    await db.drop();
  }
});

test('rotation stops at an envelope it cannot open, naming the row and never the secret', async () => {
  const db = await sharedDatabase();
  const K1 = `k1:${newKey()}`;
  try {
    const a = await harnessOn(db, K1);
    let at: number;
    let ids: { dan: string; eli: string };
    let secrets: string[];
    try {
      const dan = await signup(a, 'dan@example.com');
      const eli = await signup(a, 'eli@example.com');
      secrets = [(await enableTotp(a, dan.token)).secret, (await enableTotp(a, eli.token)).secret];
      ids = { dan: dan.userId, eli: eli.userId };
      at = a.clock.now();
    } finally {
      await a.close();
    }

    // k1 dropped without a rotation: the rows name a key the keyring no longer has.
    const b = await harnessOn(db, `k3:${newKey()}`, at);
    try {
      const err = await rotate(b).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof KeyRotationError, String(err));
      assert.match(err.message, /mfa_factors row of user \S+ \(secret_enc\)/);
      assert.match(err.message, /"k1".*not in the keyring/);
      assert.ok(err.message.includes(ids.dan) || err.message.includes(ids.eli));
      for (const s of secrets) assert.equal(err.message.includes(s), false);
      assert.equal(/v1\.k1\.[\w-]{8,}/.test(err.message), false, 'no ciphertext in the message');
      // The server refuses to guess: a sign-in that needs that secret is a 5xx, not a bypass.
      b.clock.advance(STEP_MS);
      const r = await verify(b, await challengeFor(b, 'dan@example.com'), phoneCode(b, secrets[0]!));
      assert.equal(r.statusCode, 500);
      assert.equal(r.body.includes(secrets[0]!), false);
    } finally {
      await b.close();
    }

    // The right key, but Eli's row carries Dan's envelope (copied across rows): the AAD catches it.
    const c = await harnessOn(db, `k4:${newKey()},${K1}`, at);
    try {
      await sql`update mfa_factors set secret_enc = (select secret_enc from mfa_factors where user_id = ${ids.dan}) where user_id = ${ids.eli}`.execute(
        c.runtime.db.db,
      );
      const err = await rotate(c).then(
        () => null,
        (e: unknown) => e,
      );
      assert.ok(err instanceof KeyRotationError, String(err));
      assert.match(
        err.message,
        new RegExp(`mfa_factors row of user ${ids.eli} \\(secret_enc\\): it does not authenticate`),
      );
      for (const s of secrets) assert.equal(err.message.includes(s), false);
      // Dan's row, before Eli's or after it, is either re-sealed or untouched: never damaged.
      c.clock.advance(STEP_MS);
      assert.equal(
        (await verify(c, await challengeFor(c, 'dan@example.com'), phoneCode(c, secrets[0]!))).statusCode,
        200,
      );
    } finally {
      await c.close();
    }
  } finally {
    await db.drop();
  }
});
