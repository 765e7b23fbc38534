// SMS two-factor through HTTP, texts going through the real Twilio adapter to a local stand-in
// (codes read from the Body it received): set-up and its resend, sign-in, the 3-minute expiry,
// the 30 s gap and 5 sends per challenge, wrong codes, recovery, and what a provider's refusal
// or a bad number answers (nothing is changed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Harness } from '../helpers/harness.js';
import {
  US_E164,
  US_HINT,
  US_PHONE,
  assertProblem,
  captureSetupIds,
  challengeFor,
  enableSms,
  get,
  login,
  otherCode,
  post,
  recover,
  resend,
  setupCount,
  signup,
  startSmsSetup,
  verify,
  verifySetup,
  withSmsWorld,
  type SmsWorld,
} from './sms-support.js';
import { TWILIO_FROM } from './twilio-stand-in.js';

const EMAIL = 'sam@example.com';

/** An account with SMS on (US_PHONE), its recovery code, and the clock past the set-up's gap. */
function withSmsAccount(
  fn: (w: SmsWorld, a: { token: string; recoveryCode: string }) => Promise<void>,
  env: Record<string, string> = {},
) {
  return withSmsWorld(async (w) => {
    const token = await signup(w.h, EMAIL);
    const recoveryCode = await enableSms(w, token);
    w.h.clock.advance(31_000);
    await fn(w, { token, recoveryCode });
  }, env);
}

const mfaOff = async (h: Harness, token: string) =>
  assert.deepEqual((await get(h, '/v1/me/mfa', token)).json(), { enabled: false, method: null });

test('set-up: 201 with the masked number, a text to it; wrong code 401; resend gated 30 s; the old code dies; the new one turns SMS on', () =>
  withSmsWorld(async ({ h, twilio }) => {
    const token = await signup(h, EMAIL);
    const r = await startSmsSetup(h, token, US_PHONE);
    assert.equal(r.statusCode, 201, r.body);
    const s = r.json();
    assert.deepEqual(Object.keys(s).sort(), ['expires_at', 'method', 'phone_hint', 'setup_id']);
    assert.equal(s.method, 'sms');
    assert.equal(s.phone_hint, US_HINT);
    assert.equal(Date.parse(s.expires_at), h.clock.now() + 180_000, 'the code lives 3 minutes');
    assert.ok(!r.body.includes('4155550123'), 'the answer never carries the number');
    assert.equal(twilio.count, 1);
    const first = twilio.texts()[0]!;
    assert.equal(first.to, US_E164);
    assert.equal(first.from, TWILIO_FROM);
    assert.equal(
      first.body,
      `Your Twofold code is ${first.code}. It expires in 3 minutes.\n\n@127.0.0.1:8080 #${first.code}`,
    );

    assertProblem(await verifySetup(h, token, s.setup_id, otherCode(first.code)), 401, 'invalid_code');
    const early = await post(h, '/v1/me/mfa/setup/resend', { setup_id: s.setup_id }, token);
    assertProblem(early, 429, 'resend_too_soon');
    assert.equal(early.headers['retry-after'], '30');
    h.clock.advance(12_000);
    assert.equal(
      (await post(h, '/v1/me/mfa/setup/resend', { setup_id: s.setup_id }, token)).headers['retry-after'],
      '18',
    );
    assert.equal(twilio.count, 1, 'nothing sent while too soon');
    h.clock.advance(18_000);
    const again = await post(h, '/v1/me/mfa/setup/resend', { setup_id: s.setup_id }, token);
    assert.equal(again.statusCode, 202, again.body);
    assert.equal(Date.parse(again.json().expires_at), h.clock.now() + 180_000);
    assert.equal(twilio.count, 2);
    const second = twilio.lastCode();
    if (second !== first.code) assertProblem(await verifySetup(h, token, s.setup_id, first.code), 401, 'invalid_code');
    const ok = await verifySetup(h, token, s.setup_id, second);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().enabled, true);
    assert.equal(ok.json().method, 'sms');
    assert.match(ok.json().recovery_code, /^[A-Z0-9]{5}(-[A-Z0-9]{5}){3}$/);

    const status = await get(h, '/v1/me/mfa', token);
    assert.equal(status.json().enabled, true);
    assert.equal(status.json().method, 'sms');
    assert.equal(status.json().phone_hint, US_HINT);
    assert.ok(!status.body.includes('4155550123') && !status.body.includes('555'), status.body);
    const me = await get(h, '/v1/me', token);
    assert.deepEqual(me.json().mfa, { enabled: true, method: 'sms', methods: ['sms'], phone_hint: US_HINT });
    assert.ok(!me.body.includes('4155550123'));
    // The set-up is spent: no more codes for it.
    h.clock.advance(31_000);
    assertProblem(await post(h, '/v1/me/mfa/setup/resend', { setup_id: s.setup_id }, token), 410, 'setup_expired');
  }));

test('sign-in: mfa_required with method sms and the hint, a text with a fresh code, which finishes it once', () =>
  withSmsAccount(async ({ h, twilio }) => {
    const sent = twilio.count;
    const r = await login(h, EMAIL);
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(Object.keys(r.json()).sort(), [
      'challenge',
      'expires_at',
      'method',
      'methods',
      'phone_hint',
      'status',
    ]);
    assert.equal(r.json().status, 'mfa_required');
    assert.equal(r.json().method, 'sms');
    assert.equal(r.json().phone_hint, US_HINT);
    assert.equal(twilio.count, sent + 1, 'the code is texted at the password step');
    assert.equal(twilio.texts().at(-1)!.to, US_E164);
    const code = twilio.lastCode();
    const ok = await verify(h, r.json().challenge, code);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'authenticated');
    assert.equal(typeof ok.json().token, 'string');
    assertProblem(await verify(h, r.json().challenge, code), 410, 'challenge_expired');
    // The spent code is no good on a new sign-in either.
    const c2 = await challengeFor(h, EMAIL);
    if (twilio.lastCode() !== code) assertProblem(await verify(h, c2, code), 401, 'invalid_code');
  }));

test('a code dies at 3 minutes (401, and it counts as a wrong code); a resend brings a code that works', () =>
  withSmsAccount(async ({ h, twilio }) => {
    const c = await challengeFor(h, EMAIL);
    const stale = twilio.lastCode();
    h.clock.advance(181_000);
    assertProblem(await verify(h, c, stale), 401, 'invalid_code');
    const r = await resend(h, c);
    assert.equal(r.statusCode, 202, r.body);
    const fresh = twilio.lastCode();
    assert.equal(Date.parse(r.json().expires_at), h.clock.now() + 180_000);
    assert.equal((await verify(h, c, fresh)).statusCode, 200);

    // The expired code counted: with 3 more wrong ones the 5th refusal kills the challenge.
    const c2 = await challengeFor(h, EMAIL);
    const code2 = twilio.lastCode();
    h.clock.advance(180_000);
    assertProblem(await verify(h, c2, code2), 401, 'invalid_code');
    for (let i = 0; i < 3; i++) assertProblem(await verify(h, c2, otherCode(code2)), 401, 'invalid_code');
    assertProblem(await verify(h, c2, otherCode(code2)), 429, 'too_many_attempts');
  }));

test('a challenge takes at most 5 texts, 30 s apart; the 6th is 429 sms_rate_limited and nothing is sent', () =>
  withSmsAccount(async ({ h, twilio }) => {
    const c = await challengeFor(h, EMAIL); // text 1
    const early = await resend(h, c);
    assertProblem(early, 429, 'resend_too_soon');
    assert.ok(Number(early.headers['retry-after']) > 0 && Number(early.headers['retry-after']) <= 30);
    for (let i = 2; i <= 5; i++) {
      h.clock.advance(30_000);
      assert.equal((await resend(h, c)).statusCode, 202, `text ${i}`);
    }
    const sent = twilio.count;
    h.clock.advance(30_000);
    assertProblem(await resend(h, c), 429, 'sms_rate_limited');
    assert.equal(twilio.count, sent);
    assert.equal((await verify(h, c, twilio.lastCode())).statusCode, 200, 'the last code still works');
  }));

test('5 wrong codes: 429 too_many_attempts and the challenge is dead for verify, resend and recover', () =>
  withSmsAccount(async ({ h, twilio }, { recoveryCode }) => {
    const c = await challengeFor(h, EMAIL);
    const code = twilio.lastCode();
    for (let i = 0; i < 4; i++) assertProblem(await verify(h, c, otherCode(code)), 401, 'invalid_code');
    assertProblem(await verify(h, c, otherCode(code)), 429, 'too_many_attempts');
    assertProblem(await verify(h, c, code), 410, 'challenge_expired');
    h.clock.advance(30_000);
    const sent = twilio.count;
    assertProblem(await resend(h, c), 410, 'challenge_expired');
    assert.equal(twilio.count, sent);
    assertProblem(await recover(h, c, recoveryCode), 410, 'challenge_expired');
  }));

test('a resend does not reset the failure count: 4 wrong, resend, 1 wrong → 429', () =>
  withSmsAccount(async ({ h, twilio }) => {
    const c = await challengeFor(h, EMAIL);
    for (let i = 0; i < 4; i++) assertProblem(await verify(h, c, otherCode(twilio.lastCode())), 401, 'invalid_code');
    h.clock.advance(30_000);
    assert.equal((await resend(h, c)).statusCode, 202);
    const fresh = twilio.lastCode();
    assertProblem(await verify(h, c, otherCode(fresh)), 429, 'too_many_attempts');
    assertProblem(await verify(h, c, fresh), 410, 'challenge_expired');
  }));

test('the recovery code finishes an SMS sign-in, turns SMS off and mails a notice', () =>
  withSmsAccount(async ({ h, twilio }, { recoveryCode }) => {
    const c = await challengeFor(h, EMAIL);
    const r = await recover(h, c, recoveryCode.toLowerCase().replace(/-/g, ' '));
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().mfa_disabled, true);
    await mfaOff(h, r.json().token);
    assert.ok(h.mailer.to(EMAIL).some((m) => /recovery code was used/i.test(m.subject)));
    const sent = twilio.count;
    const again = await login(h, EMAIL);
    assert.equal(again.json().status, 'authenticated');
    assert.equal(twilio.count, sent, 'no more texts');
  }));

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

test('a phone that is not a mobile number in an allowed country is 422 invalid_phone and nothing is sent', () =>
  withSmsWorld(async ({ h, twilio }) => {
    const token = await signup(h, EMAIL);
    for (const [phone, reason] of [
      ['hello', 'unparseable'],
      ['+1 123', 'invalid'],
      ['+44 20 7946 0958', 'not_mobile'],
      ['+1 800 555 0123', 'not_mobile'],
    ]) {
      const r = await startSmsSetup(h, token, phone!);
      assertProblem(r, 422, 'invalid_phone');
      assert.equal(r.json().reason, reason, phone);
    }
    assertProblem(
      await post(h, '/v1/me/mfa/setup', { method: 'sms', phone: US_PHONE, password: 'wrong password!' }, token),
      403,
      'reauthentication_failed',
    );
    assert.equal(twilio.count, 0);
    assert.equal(await setupCount(h), 0);
    await mfaOff(h, token);
  }));

test('TWOFOLD_SMS_COUNTRIES=GB refuses a US number and takes a GB mobile', () =>
  withSmsWorld(
    async ({ h, twilio }) => {
      const token = await signup(h, EMAIL);
      const us = await startSmsSetup(h, token, US_PHONE);
      assertProblem(us, 422, 'invalid_phone');
      assert.equal(us.json().reason, 'country_not_allowed');
      assert.equal(twilio.count, 0);
      const gb = await startSmsSetup(h, token, '+44 7400 123456');
      assert.equal(gb.statusCode, 201, gb.body);
      assert.equal(gb.json().phone_hint, '+44 •••-•••-3456');
      assert.equal(twilio.texts()[0]!.to, '+447400123456');
    },
    { TWOFOLD_SMS_COUNTRIES: 'GB' },
  ));

test('a text-message code past its 3 minutes is refused as expired, saying to ask for a new one; the new one works', () =>
  withSmsAccount(async ({ h, twilio }) => {
    const r = await login(h, EMAIL);
    const challenge = r.json().challenge as string;
    const code = twilio.lastCode();
    h.clock.advance(3 * 60_000 + 1);
    const late = await verify(h, challenge, code);
    assertProblem(late, 401, 'invalid_code');
    assert.equal(late.json().reason, 'expired');
    assert.match(late.json().detail, /expired.*Ask for a new one/);
    assert.equal((await resend(h, challenge)).statusCode, 202);
    const fresh = await verify(h, challenge, twilio.lastCode());
    assert.equal(fresh.statusCode, 200, fresh.body);
  }));
