// The one-query read behind every authenticated request (src/core/ports/principal-store.ts), on
// every engine: it must show exactly what the separate stores show — the same session, key and
// user fields, the current second factor, whether Google is linked — and nothing of another
// account, because GET /v1/me answers from it without a second look.
import { LOCK_PLAN } from '../../src/services/attempt-guard.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AccessKeyRecord } from '../../src/core/ports/access-key-store.js';
import { T0, eachEngine, uid } from './contract-kit.js';

eachEngine('PrincipalStore contract', (kit) => {
  const { newUser, session } = kit;
  const keyOf = (userId: string, o: Partial<AccessKeyRecord> = {}): AccessKeyRecord => ({
    id: uid().toUpperCase(),
    userId,
    secretEnc: `v1.k1.${uid()}.${uid()}`,
    enabled: true,
    createdAt: T0,
    lastUsedAt: null,
    ...o,
  });

  test('a session token hash gives the session, the user and no factor or link for a plain account', async () => {
    const u = await newUser();
    const x = session(u.id, { client: 'app', ip: null });
    await kit.s.sessions.create(x);
    const found = await kit.s.principals.bySessionTokenHash(x.tokenHash);
    assert.deepEqual(found, { user: u, factor: null, googleLinked: false, hasPasskey: false, session: x });
    assert.equal(await kit.s.principals.bySessionTokenHash('f'.repeat(64)), null);
  });

  test('the factor and the Google link show as the factor and identity stores hold them', async () => {
    const u = await newUser({ passwordHash: null });
    const other = await newUser();
    const x = session(u.id);
    await kit.s.sessions.create(x);
    await kit.s.sessions.create(session(other.id));
    await kit.s.factors.putFactor({
      userId: u.id,
      method: 'sms',
      secretEnc: null,
      phoneEnc: 'v1.k1.p.q',
      phoneHint: '•••• 4567',
      lastStep: null,
      enabledAt: T0,
    });
    await kit.s.identities.link({
      issuer: 'https://accounts.google.com',
      subject: uid(),
      userId: u.id,
      email: null,
      linkedAt: T0,
    });
    await kit.s.identities.link({
      issuer: 'https://other.example',
      subject: uid(),
      userId: u.id,
      email: null,
      linkedAt: T0,
    });
    const found = await kit.s.principals.bySessionTokenHash(x.tokenHash);
    assert.deepEqual(found?.user, u);
    assert.deepEqual(found?.factor, { method: 'sms', phoneHint: '•••• 4567' });
    assert.equal(found?.googleLinked, true, 'two links are still one yes, and one row');
    await kit.s.factors.deleteFactor(u.id);
    await kit.s.identities.unlink(u.id, 'https://accounts.google.com');
    await kit.s.identities.unlink(u.id, 'https://other.example');
    const after = await kit.s.principals.bySessionTokenHash(x.tokenHash);
    assert.deepEqual([after?.factor, after?.googleLinked], [null, false]);
  });

  test("an access key id gives the key (enabled or not) and its account, never another account's", async () => {
    const [a, b] = [await newUser(), await newUser()];
    const ka = keyOf(a.id);
    const kb = keyOf(b.id, { enabled: false, lastUsedAt: T0 + 1 });
    await kit.s.accessKeys.create(ka);
    await kit.s.accessKeys.create(kb);
    await kit.s.factors.putFactor({
      userId: b.id,
      method: 'totp',
      secretEnc: 'v1.k1.s.t',
      phoneEnc: null,
      phoneHint: null,
      lastStep: 5,
      enabledAt: T0,
    });
    assert.deepEqual(await kit.s.principals.byAccessKeyId(ka.id), {
      user: a,
      factor: null,
      googleLinked: false,
      hasPasskey: false,
      key: ka,
    });
    assert.deepEqual(await kit.s.principals.byAccessKeyId(kb.id), {
      user: b,
      factor: { method: 'totp', phoneHint: null },
      googleLinked: false,
      hasPasskey: false,
      key: kb,
    });
    assert.equal(await kit.s.principals.byAccessKeyId('A'.repeat(20)), null);
  });

  test('the same reads work inside a transaction and see its uncommitted writes', async () => {
    const u = await newUser();
    const x = session(u.id);
    await kit.s.transaction(async (tx) => {
      await tx.sessions.create(x);
      assert.equal((await tx.principals.bySessionTokenHash(x.tokenHash))?.session.id, x.id);
    });
    assert.equal((await kit.s.principals.bySessionTokenHash(x.tokenHash))?.user.id, u.id);
  });

  test("a challenge id hash gives the challenge, its account's whole factor record and run of wrong codes", async () => {
    const u = await newUser();
    const c = {
      idHash: uid(),
      userId: u.id,
      method: 'totp' as const,
      client: 'app' as const,
      via: 'password',
      createdAt: T0,
      expiresAt: T0 + 300_000,
      failures: 0,
      closedAt: null,
    };
    await kit.s.challenges.createChallenge(c);
    const bare = await kit.s.principals.byChallengeIdHash(c.idHash);
    assert.deepEqual(bare?.challenge, await kit.s.challenges.getChallenge(c.idHash));
    assert.deepEqual(
      [bare?.user, bare?.factor, bare?.factorRecord, bare?.attempts],
      [u, null, null, { failures: 0, rounds: 0, lockedUntil: null }],
    );
    const f = {
      userId: u.id,
      method: 'totp' as const,
      secretEnc: 'v1.k1.s.t',
      phoneEnc: null,
      phoneHint: null,
      lastStep: 95_000_000_123,
      enabledAt: T0,
    };
    await kit.s.factors.putFactor(f);
    await kit.s.attempts.reserveAccountAttempt(u.id, T0, LOCK_PLAN);
    await kit.s.attempts.reserveAccountAttempt(u.id, T0, LOCK_PLAN);
    await kit.s.challenges.reserveChallengeAttempt(c.idHash, T0, 5);
    const full = await kit.s.principals.byChallengeIdHash(c.idHash);
    assert.deepEqual(full?.factorRecord, await kit.s.factors.getFactor(u.id));
    assert.deepEqual(full?.factorRecord, f);
    assert.deepEqual(full?.attempts, await kit.s.attempts.getAttempts(u.id));
    assert.equal(full?.attempts.failures, 2);
    assert.equal(full?.challenge.failures, 1);
    assert.equal(await kit.s.principals.byChallengeIdHash(uid()), null);
  });
});
