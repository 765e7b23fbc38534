// The sign-in challenge of an account with TOTP: the password alone gives a challenge and no
// session; a current code finishes it with a cookie (web) or a token (app); a code is accepted once
// only (RFC 6238 §5.2), one step of drift either way; a challenge dies at its 5th wrong code and
// after 5 minutes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Harness } from '../helpers/harness.js';
import {
  STEP_MS,
  assertProblem,
  challengeFor,
  enableTotp,
  get,
  login,
  phoneCode,
  post,
  signup,
  startHarness,
  startSetup,
  verify,
  wrongCode,
} from './support.js';

async function withTotpAccount(
  fn: (h: Harness, a: { email: string; token: string; secret: string }) => Promise<void>,
): Promise<void> {
  const h = await startHarness();
  try {
    const email = 'tess@example.com';
    const { token } = await signup(h, email);
    const { secret } = await enableTotp(h, token);
    await fn(h, { email, token, secret });
  } finally {
    await h.close();
  }
}

test('the password alone answers mfa_required with a challenge and starts no session (app and web)', () =>
  withTotpAccount(async (h, { email, token }) => {
    for (const client of ['app', 'web'] as const) {
      const r = await login(h, email, client);
      assert.equal(r.statusCode, 200, r.body);
      const body = r.json();
      assert.deepEqual(Object.keys(body).sort(), ['challenge', 'expires_at', 'method', 'methods', 'status']);
      assert.equal(body.status, 'mfa_required');
      assert.equal(body.method, 'totp');
      assert.deepEqual(body.methods, ['totp']);
      assert.ok(body.challenge.length >= 20);
      assert.equal(Date.parse(body.expires_at), h.clock.now() + 5 * 60_000);
      assert.equal(r.headers['set-cookie'], undefined, 'no cookie before the second factor');
      assert.equal(r.body.includes('token'), false);
    }
    assert.equal((await get(h, '/v1/me/sessions', token)).json().length, 1, 'only the session that turned 2FA on');
  }));

test('a current code finishes a web sign-in with the session cookie and no token', () =>
  withTotpAccount(async (h, { email, secret }) => {
    const challenge = await challengeFor(h, email, 'web');
    const r = await verify(h, challenge, phoneCode(h, secret));
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, 'authenticated');
    assert.equal(r.json().user.email, email);
    assert.equal(r.json().user.mfa.enabled, true);
    assert.equal(r.json().token, undefined);
    const cookie = r.cookies.find((c) => c.name === 'twofold_session');
    assert.ok(cookie, 'the portal gets its session cookie');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Lax');
    assert.equal(cookie.path, '/');
    const me = await h.inject({ method: 'GET', url: '/v1/me', cookies: { twofold_session: cookie.value } });
    assert.equal(me.statusCode, 200);
    assert.equal(me.json().email, email);
  }));

test('a current code finishes an app sign-in with a bearer token and no cookie', () =>
  withTotpAccount(async (h, { email, secret }) => {
    const challenge = await challengeFor(h, email, 'app');
    const r = await verify(h, challenge, phoneCode(h, secret));
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(typeof r.json().token, 'string');
    assert.equal(r.headers['set-cookie'], undefined);
    assert.equal((await get(h, '/v1/me', r.json().token)).json().email, email);
    // The challenge is spent with it.
    h.clock.advance(STEP_MS);
    assertProblem(await verify(h, challenge, phoneCode(h, secret)), 410, 'challenge_expired');
  }));

test('a code is accepted once: the same code on a new challenge, or an earlier step, is 401 invalid_code', () =>
  withTotpAccount(async (h, { email, secret }) => {
    const code = phoneCode(h, secret);
    assert.equal((await verify(h, await challengeFor(h, email), code)).statusCode, 200);
    // Replay within the same 30 s step (RFC 6238 §5.2).
    assertProblem(await verify(h, await challengeFor(h, email), code), 401, 'invalid_code');
    // The previous step's code is still inside the drift window but older than the accepted one.
    assertProblem(await verify(h, await challengeFor(h, email), phoneCode(h, secret, -1)), 401, 'invalid_code');
    // The replay refusals counted on that challenge: it still takes a fresh code in the next step.
    const c = await challengeFor(h, email);
    h.clock.advance(STEP_MS);
    assert.equal((await verify(h, c, phoneCode(h, secret))).statusCode, 200);
  }));

test('the code that confirmed the set-up is spent too: signing in with it right after is 401', async () => {
  const h = await startHarness();
  try {
    const { token } = await signup(h, 'ivy@example.com');
    const s = await startSetup(h, token);
    const code = phoneCode(h, s.secret);
    assert.equal((await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code }, token)).statusCode, 200);
    assertProblem(await verify(h, await challengeFor(h, 'ivy@example.com'), code), 401, 'invalid_code');
    h.clock.advance(STEP_MS);
    assert.equal((await verify(h, await challengeFor(h, 'ivy@example.com'), phoneCode(h, s.secret))).statusCode, 200);
  } finally {
    await h.close();
  }
});

test('one step of drift either way is accepted, two are not', () =>
  withTotpAccount(async (h, { email, secret }) => {
    // A phone one step behind.
    h.clock.advance(STEP_MS);
    assert.equal((await verify(h, await challengeFor(h, email), phoneCode(h, secret, -1))).statusCode, 200);
    // A phone one step ahead.
    assert.equal((await verify(h, await challengeFor(h, email), phoneCode(h, secret, +1))).statusCode, 200);
    // Two steps ahead is outside the window.
    h.clock.advance(3 * STEP_MS);
    assertProblem(await verify(h, await challengeFor(h, email), phoneCode(h, secret, +2)), 401, 'invalid_code');
    assertProblem(await verify(h, await challengeFor(h, email), phoneCode(h, secret, -2)), 401, 'invalid_code');
    assert.equal((await verify(h, await challengeFor(h, email), phoneCode(h, secret))).statusCode, 200);
  }));

test('the 5th wrong code on a challenge answers 429 too_many_attempts and kills it: a right code then gets 410', () =>
  withTotpAccount(async (h, { email, secret }) => {
    const challenge = await challengeFor(h, email);
    for (let i = 1; i <= 4; i++) assertProblem(await verify(h, challenge, wrongCode(h, secret)), 401, 'invalid_code');
    const fifth = await verify(h, challenge, wrongCode(h, secret));
    assertProblem(fifth, 429, 'too_many_attempts');
    assertProblem(await verify(h, challenge, phoneCode(h, secret)), 410, 'challenge_expired');
    assertProblem(await verify(h, challenge, wrongCode(h, secret)), 410, 'challenge_expired');
    // A new sign-in is not locked (5 < 10 in a row) and the right code works there.
    assert.equal((await verify(h, await challengeFor(h, email), phoneCode(h, secret))).statusCode, 200);
  }));

test('a challenge expires after 5 minutes: 410 challenge_expired even with a current code', () =>
  withTotpAccount(async (h, { email, secret }) => {
    const challenge = await challengeFor(h, email);
    h.clock.advance(5 * 60_000);
    assertProblem(await verify(h, challenge, phoneCode(h, secret)), 410, 'challenge_expired');
    assertProblem(await verify(h, 'not-a-challenge', phoneCode(h, secret)), 410, 'challenge_expired');
    assertProblem(await verify(h, 'A'.repeat(43), phoneCode(h, secret)), 410, 'challenge_expired');
  }));

test('bad input on verify is a 4xx problem, never a 5xx', () =>
  withTotpAccount(async (h, { email }) => {
    const challenge = await challengeFor(h, email);
    for (const payload of [
      {},
      { challenge },
      { challenge, code: 123456 },
      { challenge: '', code: '123456' },
      { challenge, code: 'x'.repeat(1000) },
    ]) {
      const r = await h.inject({ method: 'POST', url: '/v1/auth/login/verify', payload });
      assert.ok(r.statusCode >= 400 && r.statusCode < 500, `${JSON.stringify(payload).slice(0, 60)} → ${r.statusCode}`);
    }
  }));
