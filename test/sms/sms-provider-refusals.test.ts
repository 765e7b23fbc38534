// When the SMS provider refuses, through HTTP with the real Twilio adapter and a local stand-in: a
// number Twilio calls invalid (400/21211) is 422 invalid_phone and leaves no set-up; a failure
// (500) is 502 sms_delivery_failed, changes nothing and can be retried at once; at sign-in the
// challenge survives it, and a refused resend leaves the code already sent valid.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMAIL,
  US_HINT,
  US_PHONE,
  assertProblem,
  captureSetupIds,
  login,
  mfaOff,
  post,
  recover,
  resend,
  setupCount,
  signup,
  startSmsSetup,
  verify,
  verifySetup,
  withSmsAccount,
  withSmsWorld,
} from './sms-support.js';

test('Twilio says the number is invalid (400/21211): 422 invalid_phone and no set-up is left', () =>
  withSmsWorld(async ({ h, twilio }) => {
    const token = await signup(h, EMAIL);
    const ids = captureSetupIds(h);
    twilio.answerNext({
      status: 400,
      body: { code: 21211, message: "The 'To' number is not a valid phone number.", status: 400 },
    });
    const r = await startSmsSetup(h, token, US_PHONE);
    assertProblem(r, 422, 'invalid_phone');
    assert.ok(!r.body.includes('4155550123') && !r.body.includes('21211'), r.body);
    await mfaOff(h, token);
    assert.equal(await setupCount(h), 0);
    assert.equal(ids.length, 1);
    h.clock.advance(31_000);
    assertProblem(await post(h, '/v1/me/mfa/setup/resend', { setup_id: ids[0] }, token), 410, 'setup_expired');
    assertProblem(await verifySetup(h, token, ids[0]!, twilio.lastCode()), 410, 'setup_expired');
    assert.equal(twilio.count, 1);
  }));

test('Twilio fails (500): 502 sms_delivery_failed, nothing changed, and trying again works at once', () =>
  withSmsWorld(async ({ h, twilio }) => {
    const token = await signup(h, EMAIL);
    twilio.answerNext({ status: 500, body: { code: 20500 } });
    assertProblem(await startSmsSetup(h, token, US_PHONE), 502, 'sms_delivery_failed');
    assert.equal(twilio.count, 1, 'an HTTP answer is not retried');
    await mfaOff(h, token);
    assert.equal(await setupCount(h), 0);
    const r = await startSmsSetup(h, token, US_PHONE);
    assert.equal(r.statusCode, 201, r.body);
    assert.equal((await verifySetup(h, token, r.json().setup_id, twilio.lastCode())).statusCode, 200);
  }));

test('Twilio fails at sign-in: 502 that still names the challenge; a later resend, or the recovery code, finishes it', () =>
  withSmsAccount(async ({ h, twilio }, { recoveryCode }) => {
    twilio.answerNext({ status: 500 });
    const r = await login(h, EMAIL);
    assertProblem(r, 502, 'sms_delivery_failed');
    assert.equal(r.json().method, 'sms');
    assert.equal(r.json().phone_hint, US_HINT);
    assert.ok(!r.body.includes('token'));
    h.clock.advance(30_000);
    assert.equal((await resend(h, r.json().challenge)).statusCode, 202);
    assert.equal((await verify(h, r.json().challenge, twilio.lastCode())).statusCode, 200);
    // Twilio now calls the enrolled number invalid: 422 invalid_phone, and recovery still works.
    twilio.answerNext({ status: 400, body: { code: 21211 } });
    const bad = await login(h, EMAIL);
    assertProblem(bad, 422, 'invalid_phone');
    assert.equal((await recover(h, bad.json().challenge, recoveryCode)).statusCode, 200);
  }));

test('a resend the provider refuses leaves the code already sent valid, and another resend can go at once', () =>
  withSmsAccount(async ({ h, twilio }) => {
    const r = await login(h, EMAIL);
    assert.equal(r.statusCode, 200, r.body);
    const { challenge } = r.json();
    const first = twilio.lastCode();
    h.clock.advance(30_000);
    twilio.answerNext({ status: 500 });
    assertProblem(await resend(h, challenge), 502, 'sms_delivery_failed');
    // Nothing reached the phone: no 30 s wait starts, and the send does not count.
    const again = await resend(h, challenge);
    assert.equal(again.statusCode, 202, again.body);
    const second = twilio.lastCode();
    if (second !== first) assertProblem(await verify(h, challenge, first), 401, 'invalid_code');
    assert.equal((await verify(h, challenge, second)).statusCode, 200);
  }));

test('while a resend is refused by the provider, the code sent before still signs in', () =>
  withSmsAccount(async ({ h, twilio }) => {
    const r = await login(h, EMAIL);
    const { challenge } = r.json();
    const first = twilio.lastCode();
    h.clock.advance(30_000);
    twilio.answerNext({ status: 500 });
    assertProblem(await resend(h, challenge), 502, 'sms_delivery_failed');
    assert.equal((await verify(h, challenge, first)).statusCode, 200);
  }));
