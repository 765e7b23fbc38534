// Managing the second factor once it is on: the status never shows a secret; a new recovery code
// kills the old one; Turn Off needs the password and stops the sign-in from asking; Re-configure
// replaces the secret and the recovery code, so the old authenticator's codes stop working.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Harness } from '../helpers/harness.js';
import {
  PASSWORD,
  STEP_MS,
  assertProblem,
  challengeFor,
  enableTotp,
  get,
  login,
  phoneCode,
  post,
  recover,
  signup,
  startSetup,
  verify,
} from './support.js';
import { withHarness } from '../helpers/harness.js';

const del = (h: Harness, url: string, payload: unknown, token: string) =>
  h.inject({ method: 'DELETE', url, payload: payload as object, headers: { authorization: `Bearer ${token}` } });

test('GET /v1/me/mfa answers the state and never a secret', () =>
  withHarness(async (h) => {
    const { token } = await signup(h, 'uma@example.com');
    const { secret, recoveryCode } = await enableTotp(h, token);
    const r = await get(h, '/v1/me/mfa', token);
    assert.equal(r.statusCode, 200);
    assert.deepEqual(Object.keys(r.json()).sort(), ['enabled', 'enabled_at', 'method']);
    assert.equal(r.json().enabled, true);
    assert.equal(r.json().method, 'totp');
    for (const s of [secret, recoveryCode, recoveryCode.replace(/-/g, '')]) assert.equal(r.body.includes(s), false);
    assert.equal(/secret|otpauth|recovery/i.test(r.body), false);
  }));

test('a new recovery code needs the password, and the old code dies with it; 409 when 2FA is off', () =>
  withHarness(async (h) => {
    const email = 'vic@example.com';
    const { token } = await signup(h, email);
    assertProblem(await post(h, '/v1/me/mfa/recovery-code', { password: PASSWORD }, token), 409, 'mfa_not_enabled');

    const { recoveryCode: oldCode } = await enableTotp(h, token);
    assertProblem(
      await post(h, '/v1/me/mfa/recovery-code', { password: 'not the password' }, token),
      403,
      'reauthentication_failed',
    );
    const r = await post(h, '/v1/me/mfa/recovery-code', { password: PASSWORD }, token);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(Object.keys(r.json()), ['recovery_code']);
    const newCode = r.json().recovery_code as string;
    assert.match(newCode, /^[A-Z2-9]{5}(-[A-Z2-9]{5}){3}$/);
    assert.notEqual(newCode, oldCode);
    assert.equal((await get(h, '/v1/me/mfa', token)).json().enabled, true, 'the factor stays on');
    assert.ok(h.mailer.to(email).some((m) => /new recovery code/i.test(m.subject) && !m.text.includes(newCode)));

    const c = await challengeFor(h, email);
    assertProblem(await recover(h, c, oldCode), 401, 'invalid_recovery_code');
    const ok = await recover(h, c, newCode);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().mfa_disabled, true);
  }));

test('Turn Off needs the password, answers {enabled:false}, and the sign-in stops asking for a code', () =>
  withHarness(async (h) => {
    const email = 'wes@example.com';
    const { token } = await signup(h, email);
    const { recoveryCode } = await enableTotp(h, token);
    const pending = await challengeFor(h, email);
    assertProblem(await del(h, '/v1/me/mfa', { password: 'not the password' }, token), 403, 'reauthentication_failed');
    assert.equal((await get(h, '/v1/me/mfa', token)).json().enabled, true);

    const r = await del(h, '/v1/me/mfa', { password: PASSWORD }, token);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(r.json(), { enabled: false });
    assert.deepEqual((await get(h, '/v1/me/mfa', token)).json(), { enabled: false, method: null });
    assert.equal((await get(h, '/v1/me', token)).json().mfa.method, null);
    const l = await login(h, email);
    assert.equal(l.statusCode, 200);
    assert.equal(l.json().status, 'authenticated');
    // A sign-in that was waiting for its code cannot finish it any more, nor use the old recovery code.
    assertProblem(await recover(h, pending, recoveryCode), 410, 'challenge_expired');
    assert.ok(h.mailer.to(email).some((m) => /turned off/i.test(m.subject)));
    // Turning off what is off is harmless.
    assert.deepEqual((await del(h, '/v1/me/mfa', { password: PASSWORD }, token)).json(), { enabled: false });
    assertProblem(await post(h, '/v1/me/mfa/recovery-code', { password: PASSWORD }, token), 409, 'mfa_not_enabled');
  }));

test('Re-configure while on gives a new secret and recovery code; the old secret and code are refused after', () =>
  withHarness(async (h) => {
    const email = 'xia@example.com';
    const { token } = await signup(h, email);
    const old = await enableTotp(h, token);

    // Until the new set-up is confirmed, the old authenticator keeps working.
    const s = await startSetup(h, token);
    assert.notEqual(s.secret, old.secret);
    assert.equal((await verify(h, await challengeFor(h, email), phoneCode(h, old.secret))).statusCode, 200);
    h.clock.advance(STEP_MS);

    const r = await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: phoneCode(h, s.secret) }, token);
    assert.equal(r.statusCode, 200, r.body);
    const newCode = r.json().recovery_code as string;
    assert.notEqual(newCode, old.recoveryCode);
    assert.ok(h.mailer.to(email).some((m) => /re-configured/i.test(m.subject)));
    const types = (await get(h, '/v1/me/events', token)).json().map((e: { type: string }) => e.type);
    assert.ok(types.includes('mfa.reconfigured'), types.join());

    h.clock.advance(STEP_MS);
    const c = await challengeFor(h, email);
    assertProblem(await verify(h, c, phoneCode(h, old.secret)), 401, 'invalid_code');
    assertProblem(await recover(h, c, old.recoveryCode), 401, 'invalid_recovery_code');
    assert.equal((await verify(h, c, phoneCode(h, s.secret))).statusCode, 200);
    h.clock.advance(STEP_MS);
    assert.equal((await recover(h, await challengeFor(h, email), newCode)).statusCode, 200);
  }));
