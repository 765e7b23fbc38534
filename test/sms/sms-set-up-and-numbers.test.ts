// Turning SMS on through HTTP, texts going through the real Twilio adapter to a local stand-in
// (codes read from the Body it received): the set-up texts a code to the number and shows it only
// masked, its resend waits 30 s and kills the old code; a number that is no mobile in an allowed
// country (TWOFOLD_SMS_COUNTRIES) is 422 invalid_phone, a wrong password 403, and nothing is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  EMAIL,
  US_E164,
  US_HINT,
  US_PHONE,
  assertProblem,
  get,
  mfaOff,
  otherCode,
  post,
  setupCount,
  signup,
  startSmsSetup,
  verifySetup,
  withSmsWorld,
} from './sms-support.js';
import { TWILIO_FROM } from './twilio-stand-in.js';

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
