// SMS pumping defence: at most 10 texts per account an hour, 10 per phone number an hour, 50 per
// client address an hour, and a daily budget (TWOFOLD_SMS_DAILY_LIMIT). Past one: 429
// sms_rate_limited and the provider gets no request. Windows reopen with the (manual) clock. A
// sign-in whose text is capped still hands out its challenge, so the recovery code can finish it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import {
  assertProblem,
  challengeFor,
  enableSms,
  login,
  recover,
  resend,
  setupCount,
  signup,
  startSmsSetup,
  verify,
  withSmsWorld,
  type SmsWorld,
} from './sms-support.js';

const HOUR = 3_600_000;
/** Distinct valid US mobiles-or-landlines in the fictional 555-01xx range. */
const phone = (i: number) => `+1 415 555 01${String(i).padStart(2, '0')}`;

async function setupOk(w: SmsWorld, token: string, p: string, ip?: string): Promise<void> {
  const r = await startSmsSetup(w.h, token, p, ip);
  assert.equal(r.statusCode, 201, r.body);
}

/** Asserts 429 sms_rate_limited with a Retry-After, and that the stand-in got no request. */
async function capped(w: SmsWorld, attempt: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  const before = w.twilio.count;
  const r = await attempt();
  assertProblem(r, 429, 'sms_rate_limited');
  assert.ok(Number(r.headers['retry-after']) >= 1, `Retry-After ${String(r.headers['retry-after'])}`);
  assert.equal(w.twilio.count, before, 'nothing was sent');
  return r;
}

test('per account: 10 texts an hour; the 11th is refused unsent; the window reopens after an hour', () =>
  withSmsWorld(async (w) => {
    const token = await signup(w.h, 'ann@example.com');
    for (let i = 0; i < 10; i++) await setupOk(w, token, phone(i)); // 10 numbers: only the account cap applies
    assert.equal(w.twilio.count, 10);
    const r = await capped(w, () => startSmsSetup(w.h, token, phone(10)));
    assert.ok(Number(r.headers['retry-after']) <= 3600);
    assert.equal(await setupCount(w.h), 10, 'the refused set-up left nothing behind');
    w.h.clock.advance(HOUR - 60_000);
    await capped(w, () => startSmsSetup(w.h, token, phone(11)));
    w.h.clock.advance(60_000);
    await setupOk(w, token, phone(12));
    assert.equal(w.twilio.texts().at(-1)!.to, '+14155550112');
  }));

test('per account, at sign-in: set-up + two challenges reach 10; the next resend and the next sign-in are capped', () =>
  withSmsWorld(async (w) => {
    const email = 'ben@example.com';
    const token = await signup(w.h, email);
    const recoveryCode = await enableSms(w, token); // text 1
    const a = await challengeFor(w.h, email); // text 2
    for (let i = 0; i < 4; i++) {
      w.h.clock.advance(30_000);
      assert.equal((await resend(w.h, a)).statusCode, 202); // texts 3-6
    }
    const b = await challengeFor(w.h, email); // text 7
    for (let i = 0; i < 3; i++) {
      w.h.clock.advance(30_000);
      assert.equal((await resend(w.h, b)).statusCode, 202); // texts 8-10
    }
    w.h.clock.advance(30_000);
    await capped(w, () => resend(w.h, b));
    assert.equal((await verify(w.h, b, w.twilio.lastCode())).statusCode, 200, 'the code already sent still works');

    // A capped sign-in: the problem still carries the challenge so "Can't access two-factor device" works.
    const r = await capped(w, () => login(w.h, email));
    const body = r.json();
    assert.equal(typeof body.challenge, 'string');
    assert.equal(body.method, 'sms');
    assert.equal(body.phone_hint, '+1 •••-•••-0123');
    assert.ok(!r.body.includes('token'), 'no session before the second factor');
    const rec = await recover(w.h, body.challenge, recoveryCode);
    assert.equal(rec.statusCode, 200, rec.body);
    assert.equal(rec.json().mfa_disabled, true);
  }));

test('per phone: 10 texts an hour to one number, across two accounts; other numbers still go', () =>
  withSmsWorld(async (w) => {
    const one = await signup(w.h, 'cat@example.com');
    const two = await signup(w.h, 'dan@example.com');
    const same = '+1 (415) 555-0123';
    for (let i = 0; i < 5; i++) {
      await setupOk(w, one, same);
      await setupOk(w, two, same);
    }
    await capped(w, () => startSmsSetup(w.h, two, same)); // dan has sent only 5: the number's cap
    await capped(w, () => startSmsSetup(w.h, one, '4155550123')); // the same number in another spelling
    await setupOk(w, two, phone(50));
    assert.equal(w.twilio.texts('+14155550123').length, 10);
    w.h.clock.advance(HOUR);
    await setupOk(w, one, same);
  }));

test('per client address: 50 texts an hour from one address over many accounts; another address still goes', () =>
  withSmsWorld(async (w) => {
    const ip = '203.0.113.7';
    let n = 0;
    for (let a = 0; a < 5; a++) {
      const token = await signup(w.h, `eve${a}@example.com`, ip);
      for (let i = 0; i < 10; i++) await setupOk(w, token, phone(n++), ip);
    }
    assert.equal(w.twilio.count, 50);
    const sixth = await signup(w.h, 'eve5@example.com', ip);
    await capped(w, () => startSmsSetup(w.h, sixth, phone(n), ip));
    await setupOk(w, sixth, phone(n + 1), '198.51.100.2');
    w.h.clock.advance(HOUR);
    await setupOk(w, sixth, phone(n + 2), ip);
  }));

test('the daily budget (TWOFOLD_SMS_DAILY_LIMIT=3) caps everyone until the day is over', () =>
  withSmsWorld(
    async (w) => {
      const tokens: string[] = [];
      for (let i = 0; i < 4; i++) tokens.push(await signup(w.h, `fay${i}@example.com`));
      for (let i = 0; i < 3; i++) await setupOk(w, tokens[i]!, phone(i), `192.0.2.${i + 1}`);
      const r = await capped(w, () => startSmsSetup(w.h, tokens[3]!, phone(3), '192.0.2.9'));
      assert.ok(Number(r.headers['retry-after']) > 3600, 'until the day window closes');
      w.h.clock.advance(HOUR);
      await capped(w, () => startSmsSetup(w.h, tokens[3]!, phone(3), '192.0.2.9'));
      w.h.clock.advance(23 * HOUR);
      await setupOk(w, tokens[3]!, phone(3), '192.0.2.9');
    },
    { TWOFOLD_SMS_DAILY_LIMIT: '3' },
  ));

test('refused attempts do not use up the caps: a capped address cannot burn the daily budget', () =>
  withSmsWorld(
    async (w) => {
      const pumper = await signup(w.h, 'gus@example.com', '203.0.113.66');
      for (let i = 0; i < 10; i++) await setupOk(w, pumper, phone(i), '203.0.113.66');
      for (let i = 0; i < 20; i++) await capped(w, () => startSmsSetup(w.h, pumper, phone(20 + i), '203.0.113.66'));
      // 10 texts sent of a budget of 12: an honest user elsewhere still gets one.
      const honest = await signup(w.h, 'hal@example.com');
      await setupOk(w, honest, phone(90), '198.51.100.9');
      // And the numbers the pumper was refused for were not counted against their owners.
      const owner = await signup(w.h, 'ida@example.com');
      await setupOk(w, owner, phone(20), '198.51.100.10');
    },
    { TWOFOLD_SMS_DAILY_LIMIT: '12' },
  ));

test('per client address, in parallel and across one IPv6 /64: of 60 set-ups sent at once, exactly 50 texts go', () =>
  withSmsWorld(async (w) => {
    const net = (i: number) => `2001:db8:5:7:${(i + 1).toString(16)}::1`;
    const tokens: string[] = [];
    for (let a = 0; a < 6; a++) tokens.push(await signup(w.h, `v6-${a}@example.com`, net(a)));
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => startSmsSetup(w.h, tokens[i % 6]!, phone(i), net(i))),
    );
    const statuses = answers.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s === 201).length, 50, statuses.join(','));
    for (const r of answers.filter((x) => x.statusCode !== 201)) assertProblem(r, 429, 'sms_rate_limited');
    assert.equal(w.twilio.count, 50, 'nothing was sent past the cap');
    // Another /64 still goes.
    const other = await startSmsSetup(w.h, tokens[0]!, phone(70), '2001:db8:5:8::1');
    assert.equal(other.statusCode, 201, other.body);
  }));
