// Signing in with SMS through HTTP, texts going through the real Twilio adapter to a local stand-in
// (codes read from the Body it received): a fresh code texted at the password step finishes the
// challenge once; a code dies at 3 minutes (saying to ask for a new one); at most 5 texts 30 s
// apart; 5 wrong codes end the challenge, a resend does not reset them; the recovery code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMAIL,
  US_E164,
  US_HINT,
  assertProblem,
  challengeFor,
  login,
  mfaOff,
  otherCode,
  recover,
  resend,
  verify,
  withSmsAccount,
} from './sms-support.js';

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
