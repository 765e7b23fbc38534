// Online guessing of the second factor: 10 wrong codes in a row on one account, across challenges
// and addresses, lock its second-factor step for 15 minutes (the 10th still answers 401); from the
// next attempt on, a sign-in and every code (a correct one too) answer 429 with Retry-After. Each
// further round of 10 doubles the lock; a correct code resets the run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from '../helpers/harness.js';
import {
  PASSWORD,
  assertProblem,
  challengeFor,
  enableTotp,
  login,
  phoneCode,
  post,
  signup,
  startHarness,
  startSetup,
  wrongCode,
} from './support.js';

const EMAIL = 'lock@example.com';
const ADDRESSES = ['198.51.100.7', '203.0.113.9', '192.0.2.44'];
let n = 0;

/** A wrong code from a rotating client address: the run is counted per account, not per address. */
function wrong(h: Harness, challenge: string, secret: string): Promise<LightMyRequestResponse> {
  return h.inject({
    method: 'POST',
    url: '/v1/auth/login/verify',
    payload: { challenge, code: wrongCode(h, secret) },
    remoteAddress: ADDRESSES[n++ % ADDRESSES.length]!,
  });
}

async function wrongs(h: Harness, challenge: string, secret: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) assertProblem(await wrong(h, challenge, secret), 401, 'invalid_code');
}

/** `count` wrong codes in a row, 4 per challenge so no challenge dies; answers the last challenge. */
async function wrongRun(h: Harness, secret: string, count: number): Promise<string> {
  let challenge = '';
  for (let left = count; left > 0; left -= 4) {
    challenge = await challengeFor(h, EMAIL);
    await wrongs(h, challenge, secret, Math.min(4, left));
  }
  return challenge;
}

function retryAfter(r: LightMyRequestResponse): number {
  const v = Number(r.headers['retry-after']);
  assert.ok(Number.isInteger(v), `Retry-After: ${String(r.headers['retry-after'])}`);
  return v;
}

async function assertLocked(h: Harness, challenge: string, secret: string, seconds: number): Promise<void> {
  const right = await post(h, '/v1/auth/login/verify', { challenge, code: phoneCode(h, secret) });
  assertProblem(right, 429, 'too_many_attempts');
  const ra = retryAfter(right);
  assert.ok(ra <= seconds && ra >= seconds - 5, `Retry-After ${ra} ≈ ${seconds}`);
  const l = await login(h, EMAIL);
  assertProblem(l, 429, 'too_many_attempts');
  assert.ok(Math.abs(retryAfter(l) - seconds) <= 5);
  assert.equal(l.body.includes('challenge'), false);
}

async function withLockAccount(fn: (h: Harness, a: { token: string; secret: string }) => Promise<void>): Promise<void> {
  const h = await startHarness();
  try {
    const { token } = await signup(h, EMAIL);
    const { secret } = await enableTotp(h, token);
    await fn(h, { token, secret });
  } finally {
    await h.close();
  }
}

test('10 wrong codes across 3 challenges: the 10th is 401, then even a right code and the sign-in are 429 for 15 minutes', () =>
  withLockAccount(async (h, { secret }) => {
    const c1 = await challengeFor(h, EMAIL);
    await wrongs(h, c1, secret, 4);
    const c2 = await challengeFor(h, EMAIL);
    await wrongs(h, c2, secret, 4);
    const c3 = await challengeFor(h, EMAIL);
    await wrongs(h, c3, secret, 2); // the 9th and the 10th: both still 401

    await assertLocked(h, c3, secret, 900);
    // Recovery is locked too, and the password step still checks the password first.
    assertProblem(
      await post(h, '/v1/auth/login/recover', { challenge: c3, recovery_code: 'AAAAA-AAAAA-AAAAA-AAAAA' }),
      429,
      'too_many_attempts',
    );
    assertProblem(
      await post(h, '/v1/auth/login', { email: EMAIL, password: 'wrong password', client: 'app' }),
      401,
      'invalid_credentials',
    );

    // Attempts during the lock do not extend it.
    h.clock.advance(10 * 60_000);
    const mid = await login(h, EMAIL);
    assertProblem(mid, 429, 'too_many_attempts');
    assert.ok(Math.abs(retryAfter(mid) - 300) <= 5);

    h.clock.advance(5 * 60_000 + 1000);
    const after = await challengeFor(h, EMAIL);
    const ok = await post(h, '/v1/auth/login/verify', { challenge: after, code: phoneCode(h, secret) });
    assert.equal(ok.statusCode, 200, ok.body);
  }));

test('a correct code resets the run: 9 wrong, a success, then 9 more wrong do not lock', () =>
  withLockAccount(async (h, { secret }) => {
    await wrongRun(h, secret, 9);
    const ok = await post(h, '/v1/auth/login/verify', {
      challenge: await challengeFor(h, EMAIL),
      code: phoneCode(h, secret),
    });
    assert.equal(ok.statusCode, 200, ok.body);
    h.clock.advance(30_000);
    const c = await wrongRun(h, secret, 9);
    // Still open: a right code works on the last challenge.
    assert.equal(
      (await post(h, '/v1/auth/login/verify', { challenge: c, code: phoneCode(h, secret) })).statusCode,
      200,
    );
  }));

test('each further round of 10 doubles the lock: 15, 30, then 60 minutes; after a success it starts at 15 again', () =>
  withLockAccount(async (h, { secret }) => {
    let c = await wrongRun(h, secret, 10);
    await assertLocked(h, c, secret, 900);
    h.clock.advance(15 * 60_000);

    c = await wrongRun(h, secret, 9);
    const c20 = await challengeFor(h, EMAIL);
    assertProblem(await wrong(h, c20, secret), 401, 'invalid_code'); // the 20th in a row
    await assertLocked(h, c20, secret, 1800);
    h.clock.advance(30 * 60_000);

    c = await wrongRun(h, secret, 10);
    await assertLocked(h, c, secret, 3600);
    h.clock.advance(60 * 60_000);

    // A success ends the run and the rounds: the next 10 lock for 15 minutes again.
    assert.equal(
      (await post(h, '/v1/auth/login/verify', { challenge: await challengeFor(h, EMAIL), code: phoneCode(h, secret) }))
        .statusCode,
      200,
    );
    h.clock.advance(30_000);
    c = await wrongRun(h, secret, 10);
    await assertLocked(h, c, secret, 900);
  }));

test('wrong codes at set-up count in the same run, and a locked account cannot confirm a set-up either', () =>
  withLockAccount(async (h, { token, secret }) => {
    const s = await startSetup(h, token);
    for (let i = 0; i < 5; i++) {
      assertProblem(
        await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: wrongCode(h, s.secret) }, token),
        401,
        'invalid_code',
      );
    }
    const c = await wrongRun(h, secret, 5); // the 6th to 10th
    await assertLocked(h, c, secret, 900);
    const locked = await post(
      h,
      '/v1/me/mfa/setup/verify',
      { setup_id: s.setup_id, code: phoneCode(h, s.secret) },
      token,
    );
    assertProblem(locked, 429, 'too_many_attempts');
    assert.ok(retryAfter(locked) > 0);
    // Starting a set-up needs only the password, which the lock does not cover.
    assert.equal((await post(h, '/v1/me/mfa/setup', { method: 'totp', password: PASSWORD }, token)).statusCode, 201);
  }));
