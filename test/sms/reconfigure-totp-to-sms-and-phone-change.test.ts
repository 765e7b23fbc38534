// Changing the second factor to SMS, or moving SMS to another phone, is a re-configuration: it
// needs the password, takes effect only when a code texted to the NEW phone confirms it, then
// brings a new recovery code (the old one dies), ends other sessions and mails a notice. Until
// then, and when the new phone cannot be texted, the old factor stays as it was.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from '../helpers/harness.js';
import {
  PASSWORD,
  US_E164,
  US_HINT,
  US_PHONE,
  assertProblem,
  challengeFor,
  enableSms,
  get,
  login,
  otherCode,
  post,
  recover,
  signup,
  startSmsSetup,
  verify,
  verifySetup,
  withSmsWorld,
  type SmsWorld,
} from './sms-support.js';

const EMAIL = 'rey@example.com';
const NEW_PHONE = '+44 7400 123456';
const NEW_E164 = '+447400123456';
const NEW_HINT = '+44 •••-•••-3456';

/** GET /v1/me/mfa answered this factor (enabled_at aside) and nothing else. */
function assertMfa(r: LightMyRequestResponse, method: string, hint: string): void {
  const { enabled_at, ...rest } = r.json<Record<string, unknown>>();
  assert.equal(typeof enabled_at, 'string');
  assert.deepEqual(rest, { enabled: true, method, phone_hint: hint });
}

const reconfiguredMails = (h: Harness) => h.mailer.to(EMAIL).filter((m) => /re-configured/i.test(m.subject));

function assertNoticeHasNoSecret(h: Harness, ...secrets: string[]): void {
  for (const m of h.mailer.to(EMAIL)) {
    for (const s of ['4155550123', '7400123456', ...secrets])
      assert.ok(!m.text.includes(s) && !m.subject.includes(s), `mail "${m.subject}" shows ${s}`);
  }
}

/** A second signed-in device: a full sign-in through the SMS code. */
async function smsSession(w: SmsWorld): Promise<string> {
  const c = await challengeFor(w.h, EMAIL);
  const r = await verify(w.h, c, w.twilio.lastCode());
  assert.equal(r.statusCode, 200, r.body);
  return r.json().token;
}

test('TOTP → SMS: the authenticator keeps working until the texted code confirms; then SMS only, a new recovery code, a notice', () =>
  withSmsWorld(async (w) => {
    const { h, twilio } = w;
    const token = await signup(h, EMAIL);
    const t = await post(h, '/v1/me/mfa/setup', { method: 'totp', password: PASSWORD }, token);
    const secret = base32Decode(t.json().secret);
    const on = await verifySetup(h, token, t.json().setup_id, totpAt(secret, h.clock.now()));
    assert.equal(on.statusCode, 200, on.body);
    const oldRecovery = on.json().recovery_code;
    h.clock.advance(30_000);
    const c0 = await challengeFor(h, EMAIL);
    const other = await verify(h, c0, totpAt(secret, h.clock.now()));
    assert.equal(other.statusCode, 200, other.body);
    const otherToken = other.json().token;
    h.clock.advance(30_000);

    assertProblem(
      await post(h, '/v1/me/mfa/setup', { method: 'sms', phone: US_PHONE, password: 'not the password' }, token),
      403,
      'reauthentication_failed',
    );
    assert.equal(twilio.count, 0);
    const s = await startSmsSetup(h, token, US_PHONE);
    assert.equal(s.statusCode, 201, s.body);
    assert.equal(twilio.count, 1);
    // Pending: still TOTP, for the status and for sign-in.
    assert.equal((await get(h, '/v1/me/mfa', token)).json().method, 'totp');
    const pendingSignIn = await login(h, EMAIL);
    assert.equal(pendingSignIn.json().method, 'totp');
    assert.equal(pendingSignIn.json().phone_hint, undefined);
    assert.equal(twilio.count, 1, 'a TOTP sign-in texts nothing');
    assertProblem(await verifySetup(h, token, s.json().setup_id, otherCode(twilio.lastCode())), 401, 'invalid_code');
    assertProblem(await verifySetup(h, token, s.json().setup_id, totpAt(secret, h.clock.now())), 401, 'invalid_code');

    const done = await verifySetup(h, token, s.json().setup_id, twilio.lastCode());
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json().method, 'sms');
    const newRecovery = done.json().recovery_code;
    assert.notEqual(newRecovery, oldRecovery);
    assertMfa(await get(h, '/v1/me/mfa', token), 'sms', US_HINT);
    assert.equal((await get(h, '/v1/me', otherToken)).statusCode, 401, 'the other device was signed out');
    assert.equal(reconfiguredMails(h).length, 1);
    assertNoticeHasNoSecret(h, newRecovery, oldRecovery);

    // Sign-in now texts a code; the authenticator's code and the old recovery code are refused.
    const c = await challengeFor(h, EMAIL);
    assert.equal(twilio.count, 2);
    h.clock.advance(30_000);
    assertProblem(await verify(h, c, totpAt(secret, h.clock.now())), 401, 'invalid_code');
    assertProblem(await recover(h, c, oldRecovery), 401, 'invalid_recovery_code');
    assert.equal((await recover(h, c, newRecovery)).statusCode, 200);
  }));

test('phone A → phone B: codes go to B for the change, to A until it is confirmed, to B only afterwards', () =>
  withSmsWorld(async (w) => {
    const { h, twilio } = w;
    const token = await signup(h, EMAIL);
    const oldRecovery = await enableSms(w, token, US_PHONE);
    h.clock.advance(31_000);
    const otherToken = await smsSession(w);
    const mailsBefore = h.mailer.to(EMAIL).length;

    const s = await startSmsSetup(h, token, NEW_PHONE);
    assert.equal(s.statusCode, 201, s.body);
    assert.equal(s.json().phone_hint, NEW_HINT);
    assert.equal(twilio.texts().at(-1)!.to, NEW_E164, 'the confirmation goes to the new phone');
    const setupCode = twilio.lastCode(NEW_E164);

    // Meanwhile sign-in still texts the old phone, and codes do not cross over.
    const c = await challengeFor(h, EMAIL);
    assert.equal(twilio.texts().at(-1)!.to, US_E164);
    const signInCode = twilio.lastCode(US_E164);
    if (signInCode !== setupCode) {
      assertProblem(await verifySetup(h, token, s.json().setup_id, signInCode), 401, 'invalid_code');
      assertProblem(await verify(h, c, setupCode), 401, 'invalid_code');
    }
    assert.equal(h.mailer.to(EMAIL).length, mailsBefore, 'no notice before the change is confirmed');

    const done = await verifySetup(h, token, s.json().setup_id, setupCode);
    assert.equal(done.statusCode, 200, done.body);
    const newRecovery = done.json().recovery_code;
    assert.notEqual(newRecovery, oldRecovery);
    assert.equal((await get(h, '/v1/me/mfa', token)).json().phone_hint, NEW_HINT);
    assert.equal((await get(h, '/v1/me', otherToken)).statusCode, 401, 'the other device was signed out');
    assertProblem(await verify(h, c, signInCode), 410, 'challenge_expired');
    assert.equal(reconfiguredMails(h).length, 1);
    assertNoticeHasNoSecret(h, newRecovery, oldRecovery, setupCode, signInCode);

    const toOld = twilio.texts(US_E164).length;
    const r = await login(h, EMAIL);
    assert.equal(r.json().phone_hint, NEW_HINT);
    assert.equal(twilio.texts().at(-1)!.to, NEW_E164);
    assert.equal(twilio.texts(US_E164).length, toOld, 'the old phone gets nothing');
    assertProblem(await recover(h, r.json().challenge, oldRecovery), 401, 'invalid_recovery_code');
    assert.equal((await verify(h, r.json().challenge, twilio.lastCode(NEW_E164))).statusCode, 200);
  }));

test('a phone change the provider refuses (invalid number) leaves phone A, its recovery code and no notice', () =>
  withSmsWorld(async (w) => {
    const { h, twilio } = w;
    const token = await signup(h, EMAIL);
    const recoveryCode = await enableSms(w, token, US_PHONE);
    const mails = h.mailer.to(EMAIL).length;
    twilio.answerNext({ status: 400, body: { code: 21211 } });
    assertProblem(await startSmsSetup(h, token, NEW_PHONE), 422, 'invalid_phone');
    twilio.answerNext({ status: 503 });
    assertProblem(await startSmsSetup(h, token, NEW_PHONE), 502, 'sms_delivery_failed');
    assertMfa(await get(h, '/v1/me/mfa', token), 'sms', US_HINT);
    assert.equal(h.mailer.to(EMAIL).length, mails);
    h.clock.advance(31_000);
    const c = await challengeFor(h, EMAIL);
    assert.equal(twilio.texts().at(-1)!.to, US_E164);
    assert.equal((await recover(h, c, recoveryCode)).statusCode, 200, 'the recovery code is unchanged');
  }));
