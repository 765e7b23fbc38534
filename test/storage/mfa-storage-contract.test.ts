// The Storage contract for the second factor (src/core/ports/mfa-stores.ts), on every engine:
// a TOTP step, a set-up, a recovery code and a challenge are each spent once, and the run of wrong
// codes loses no count, even when 20 requests race.
import { LOCK_PLAN } from '../../src/services/attempt-guard.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChallengeRecord, MfaFactorRecord, MfaSetupRecord } from '../../src/core/ports/mfa-stores.js';
import { MIN, T0, assertFields, eachEngine, race, uid } from './contract-kit.js';

eachEngine('second-factor stores contract', (kit) => {
  const { newUser } = kit;
  const factorOf = (userId: string, o: Partial<MfaFactorRecord> = {}): MfaFactorRecord => ({
    userId,
    method: 'totp',
    secretEnc: 'v1.k1.iv.ct',
    phoneEnc: null,
    phoneHint: null,
    lastStep: null,
    enabledAt: T0,
    ...o,
  });
  const setupOf = (userId: string, o: Partial<MfaSetupRecord> = {}): MfaSetupRecord => ({
    id: uid(),
    userId,
    method: 'totp',
    secretEnc: 'v1.k1.a.b',
    phoneEnc: null,
    phoneHint: null,
    createdAt: T0,
    expiresAt: T0 + 15 * MIN,
    ...o,
  });
  const challengeOf = (userId: string): ChallengeRecord => ({
    idHash: uid(),
    userId,
    method: 'totp',
    client: 'app',
    via: 'password',
    createdAt: T0,
    expiresAt: T0 + 5 * MIN,
    failures: 0,
    closedAt: null,
  });

  test('a factor round-trips, is replaced by putFactor and removed once by deleteFactor', async () => {
    const u = await newUser();
    assert.equal(await kit.s.factors.getFactor(u.id), null);
    const f = factorOf(u.id, {
      method: 'sms',
      secretEnc: null,
      phoneEnc: 'v1.k1.p.q',
      phoneHint: '•••• 4567',
      lastStep: 95_000_000_123,
    });
    await kit.s.factors.putFactor(f);
    assertFields(await kit.s.factors.getFactor(u.id), f);
    await kit.s.factors.putFactor(factorOf(u.id));
    assertFields(await kit.s.factors.getFactor(u.id), factorOf(u.id));
    assert.equal(
      await kit.s.factors.updateFactorCiphertexts(u.id, 'v1.k2.new', null, {
        secretEnc: 'v1.k1.stale',
        phoneEnc: null,
      }),
      false,
      'a factor re-configured since it was read is left alone',
    );
    assert.equal((await kit.s.factors.getFactor(u.id))!.secretEnc, 'v1.k1.iv.ct');
    assert.equal(
      await kit.s.factors.updateFactorCiphertexts(u.id, 'v1.k2.new', null, {
        secretEnc: 'v1.k1.iv.ct',
        phoneEnc: null,
      }),
      true,
    );
    assert.equal((await kit.s.factors.getFactor(u.id))!.secretEnc, 'v1.k2.new');
    assert.equal(await kit.s.factors.deleteFactor(u.id), true);
    assert.equal(await kit.s.factors.deleteFactor(u.id), false);
  });

  test('advanceStep only moves forward: a used or earlier TOTP step is refused', async () => {
    const u = await newUser();
    assert.equal(await kit.s.factors.advanceStep(u.id, 100), false, 'no factor, nothing to advance');
    await kit.s.factors.putFactor(factorOf(u.id));
    assert.equal(await kit.s.factors.advanceStep(u.id, 100), true);
    assert.equal(await kit.s.factors.advanceStep(u.id, 100), false);
    assert.equal(await kit.s.factors.advanceStep(u.id, 99), false);
    assert.equal(await kit.s.factors.advanceStep(u.id, 101), true);
    assert.equal((await kit.s.factors.getFactor(u.id))!.lastStep, 101);
  });

  test('20 parallel advanceStep calls with one step: exactly one accepts the code', async () => {
    const u = await newUser();
    await kit.s.factors.putFactor(factorOf(u.id, { lastStep: 10 }));
    const got = await race(20, () => kit.s.factors.advanceStep(u.id, 11));
    assert.equal(got.filter(Boolean).length, 1);
  });

  test('listFactors pages in user-id order without gaps or repeats', async () => {
    const mine = [await newUser(), await newUser(), await newUser()];
    for (const u of mine) await kit.s.factors.putFactor(factorOf(u.id));
    const seen: string[] = [];
    for (
      let after: string | null = null, page;
      (page = await kit.s.factors.listFactors(after, 2)).length > 0;
      after = page.at(-1)!.userId
    ) {
      assert.ok(page.length <= 2);
      seen.push(...page.map((f) => f.userId));
    }
    assert.equal(new Set(seen).size, seen.length);
    for (const u of mine) assert.ok(seen.includes(u.id));
  });

  test('a pending set-up is spent once, never after it expires, and deleted with its user', async () => {
    const u = await newUser();
    const [a, b, c] = [setupOf(u.id), setupOf(u.id), setupOf(u.id)];
    for (const x of [a, b, c]) await kit.s.setups.createSetup(x);
    assertFields(await kit.s.setups.getSetup(a.id), { ...a, usedAt: null });
    assert.equal(await kit.s.setups.spendSetup(a.id, T0 + 1), true);
    assert.equal(await kit.s.setups.spendSetup(a.id, T0 + 2), false);
    assert.equal((await kit.s.setups.getSetup(a.id))!.usedAt, T0 + 1);
    assert.equal(await kit.s.setups.spendSetup(b.id, T0 + 15 * MIN), false, 'expired');
    await kit.s.setups.updateSetupCiphertexts(c.id, 'v1.k2.c', null);
    assert.equal((await kit.s.setups.getSetup(c.id))!.secretEnc, 'v1.k2.c');
    const pending: string[] = [];
    for (
      let after: string | null = null, page;
      (page = await kit.s.setups.listSetups(after, 2)).length > 0;
      after = page.at(-1)!.id
    )
      pending.push(...page.map((x) => x.id));
    assert.ok(
      pending.includes(b.id) && pending.includes(c.id) && !pending.includes(a.id),
      'a used set-up is not listed',
    );
    await kit.s.setups.deleteSetupsForUser(u.id);
    assert.equal(await kit.s.setups.getSetup(c.id), null);
    assert.equal(await kit.s.setups.spendSetup(c.id, T0 + 3), false);
  });

  test('the recovery code is spent once, only with its current hash; a new one replaces it', async () => {
    const u = await newUser();
    assert.equal(await kit.s.recoveryCodes.getRecoveryCode(u.id), null);
    await kit.s.recoveryCodes.putRecoveryCode(u.id, 'hash-1', 'k1', T0);
    assertFields(await kit.s.recoveryCodes.getRecoveryCode(u.id), { codeHash: 'hash-1', kid: 'k1', usedAt: null });
    assert.equal(await kit.s.recoveryCodes.spendRecoveryCode(u.id, 'wrong', T0 + 1), false);
    assert.equal(await kit.s.recoveryCodes.spendRecoveryCode(u.id, 'hash-1', T0 + 1), true);
    assert.equal(await kit.s.recoveryCodes.spendRecoveryCode(u.id, 'hash-1', T0 + 2), false);
    assert.equal((await kit.s.recoveryCodes.getRecoveryCode(u.id))!.usedAt, T0 + 1);
    await kit.s.recoveryCodes.putRecoveryCode(u.id, 'hash-2', 'k2', T0 + 3);
    assertFields(await kit.s.recoveryCodes.getRecoveryCode(u.id), { codeHash: 'hash-2', kid: 'k2', usedAt: null });
    assert.equal(await kit.s.recoveryCodes.spendRecoveryCode(u.id, 'hash-1', T0 + 4), false, 'the old code died');
    await kit.s.recoveryCodes.deleteRecoveryCode(u.id);
    assert.equal(await kit.s.recoveryCodes.getRecoveryCode(u.id), null);
  });

  test('20 parallel spends of one recovery code: exactly one succeeds', async () => {
    const u = await newUser();
    await kit.s.recoveryCodes.putRecoveryCode(u.id, 'hash', 'k1', T0);
    assert.equal(
      (await race(20, () => kit.s.recoveryCodes.spendRecoveryCode(u.id, 'hash', T0 + 1))).filter(Boolean).length,
      1,
    );
  });

  test('a challenge reserves attempts while open and unexpired, up to its max, then refuses', async () => {
    const u = await newUser();
    const c = challengeOf(u.id);
    await kit.s.challenges.createChallenge(c);
    assertFields(await kit.s.challenges.getChallenge(c.idHash), c);
    const r = (now = T0 + 1, max = 5) => kit.s.challenges.reserveChallengeAttempt(c.idHash, now, max);
    assert.deepEqual([await r(), await r(), await r()], [1, 2, 3]);
    assert.equal(await r(T0 + 1, 3), null, 'at its max');
    assert.equal(await r(c.expiresAt), null, 'expired');
    assert.equal(await kit.s.challenges.closeChallenge(c.idHash, T0 + 9), true);
    assert.equal(await kit.s.challenges.closeChallenge(c.idHash, T0 + 10), false);
    assert.equal(await r(), null, 'closed');
    assertFields(await kit.s.challenges.getChallenge(c.idHash), { ...c, failures: 3, closedAt: T0 + 9 });
    assert.equal(await kit.s.challenges.reserveChallengeAttempt('unknown', T0, 5), null);
    assert.equal(await kit.s.challenges.getChallenge('unknown'), null);
  });

  test('60 parallel attempts on one challenge reserve exactly 5 places, numbered 1 to 5', async () => {
    const u = await newUser();
    const c = challengeOf(u.id);
    await kit.s.challenges.createChallenge(c);
    const got = await race(60, () => kit.s.challenges.reserveChallengeAttempt(c.idHash, T0 + 1, 5));
    assert.deepEqual(got.filter((x) => x !== null).sort(), [1, 2, 3, 4, 5]);
    assert.equal((await kit.s.challenges.getChallenge(c.idHash))!.failures, 5);
  });

  test("closeChallengesForUser closes that user's open challenges only", async () => {
    const [a, b] = [await newUser(), await newUser()];
    const [a1, a2, b1] = [challengeOf(a.id), challengeOf(a.id), challengeOf(b.id)];
    for (const c of [a1, a2, b1]) await kit.s.challenges.createChallenge(c);
    await kit.s.challenges.closeChallengesForUser(a.id, T0 + 5);
    assert.equal((await kit.s.challenges.getChallenge(a1.idHash))!.closedAt, T0 + 5);
    assert.equal((await kit.s.challenges.getChallenge(a2.idHash))!.closedAt, T0 + 5);
    assert.equal((await kit.s.challenges.getChallenge(b1.idHash))!.closedAt, null);
  });

  test('the run reserves 1..9, the 10th sets the 15-minute lock, nothing is reserved while locked, and it resets to zero', async () => {
    const u = await newUser();
    const reserve = (now: number) => kit.s.attempts.reserveAccountAttempt(u.id, now, LOCK_PLAN);
    assertFields(await kit.s.attempts.getAttempts(u.id), { failures: 0, rounds: 0, lockedUntil: null });
    for (let i = 1; i <= 9; i++) assertFields(await reserve(T0), { failures: i, rounds: 0, lockedUntil: null });
    assertFields(await reserve(T0 + 1), { failures: 10, rounds: 1, lockedUntil: T0 + 1 + 15 * MIN });
    assert.equal(await reserve(T0 + 2), null);
    assert.equal(await reserve(T0 + 1 + 15 * MIN - 1), null);
    assertFields(await kit.s.attempts.getAttempts(u.id), { failures: 10, rounds: 1, lockedUntil: T0 + 1 + 15 * MIN });
    // The lock passed: the run goes on, and its next 10th doubles the lock.
    const after = T0 + 1 + 15 * MIN;
    for (let i = 11; i <= 19; i++)
      assertFields(await reserve(after), { failures: i, rounds: 1, lockedUntil: T0 + 1 + 15 * MIN });
    assertFields(await reserve(after), { failures: 20, rounds: 2, lockedUntil: after + 30 * MIN });
    await kit.s.attempts.resetAttempts(u.id);
    assertFields(await kit.s.attempts.getAttempts(u.id), { failures: 0, rounds: 0, lockedUntil: null });
  });

  test('the lock doubles each round up to a week, never longer', async () => {
    const u = await newUser();
    let now = T0;
    let expected = 15 * MIN;
    for (let round = 1; round <= 12; round++) {
      let last = null;
      for (let i = 0; i < 10; i++) last = await kit.s.attempts.reserveAccountAttempt(u.id, now, LOCK_PLAN);
      assert.equal(last?.rounds, round);
      assert.equal(last.lockedUntil! - now, Math.min(expected, 7 * 24 * 60 * MIN), `round ${round}`);
      now = last.lockedUntil!;
      expected *= 2;
    }
  });

  test('parallel attempts: of 50 at once, exactly 10 are reserved and the 10th locks', async () => {
    const u = await newUser();
    const states = await race(50, () => kit.s.attempts.reserveAccountAttempt(u.id, T0, LOCK_PLAN));
    const taken = states.filter((x) => x !== null);
    assert.deepEqual(
      taken.map((x) => x.failures).sort((x, y) => x - y),
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    assertFields(await kit.s.attempts.getAttempts(u.id), { failures: 10, rounds: 1, lockedUntil: T0 + 15 * MIN });
  });
});
