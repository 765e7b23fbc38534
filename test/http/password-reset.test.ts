// "Forgot password" end to end through a real SMTP server: the mailed link, single use, 30-minute
// expiry, every session ended, and the second factor left on (the link proves the mailbox only).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpMailer } from '../../src/adapters/mail/smtp-mailer.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp.js';
import {
  PASSWORD,
  appUser,
  assertProblem,
  enableTotp,
  eventually,
  login,
  sessionCookie,
  webUser,
} from './http-helpers.js';

const NEW_PASSWORD = 'a fresh and long passphrase';
const LINK = /^http:\/\/127\.0\.0\.1:8080\/reset-password\?token=([A-Za-z0-9_-]{20,128})$/m;
const MIN = 60_000;

interface Ctx {
  h: Harness;
  smtp: TestSmtpServer;
}

async function withMail(fn: (c: Ctx) => Promise<void>): Promise<void> {
  const smtp = await startTestSmtpServer();
  const mailer = new SmtpMailer({ url: smtp.url, from: 'Twofold <no-reply@localhost>' });
  try {
    const h = await startHarness({ mailer });
    try {
      await fn({ h, smtp });
    } finally {
      await h.close();
    }
  } finally {
    await mailer.close();
    await smtp.close();
  }
}

const resetMails = (smtp: TestSmtpServer, email: string): ReceivedMail[] =>
  smtp.messages.filter((m) => m.to.includes(email) && /reset your/i.test(m.subject));

/** Asks for a link and answers the token from the mail that arrives. */
async function requestLink({ h, smtp }: Ctx, email: string): Promise<string> {
  const before = resetMails(smtp, email).length;
  const r = await h.inject({ method: 'POST', url: '/v1/auth/password/forgot', payload: { email } });
  assert.equal(r.statusCode, 202);
  const mail = await eventually(() => resetMails(smtp, email)[before], `a reset mail to ${email}`);
  return LINK.exec(mail.text)![1]!;
}

const reset = (h: Harness, token: string, password = NEW_PASSWORD) =>
  h.inject({ method: 'POST', url: '/v1/auth/password/reset', payload: { token, password } });

test('forgot answers 202 for known and unknown emails alike, and mails a link to the known one only', () =>
  withMail(async (c) => {
    const { h, smtp } = c;
    await appUser(h, 'known@example.com');
    const unknown = await h.inject({
      method: 'POST',
      url: '/v1/auth/password/forgot',
      payload: { email: 'stranger@example.com' },
    });
    const known = await h.inject({
      method: 'POST',
      url: '/v1/auth/password/forgot',
      payload: { email: 'Known@Example.com' },
    });
    assert.equal(unknown.statusCode, 202);
    assert.equal(known.statusCode, 202);
    assert.deepEqual(unknown.json(), known.json());
    await smtp.waitFor(2); // the sign-up's confirmation link, then the reset link
    const resets = smtp.messages.filter((m) => /reset your/i.test(m.subject));
    assert.equal(resets.length, 1);
    const [mail] = resets;
    assert.deepEqual(mail!.to, ['known@example.com']);
    assert.equal(mail!.from, 'no-reply@localhost');
    assert.equal(mail!.hasHtml, false);
    assert.match(mail!.text, LINK);
    assert.match(mail!.text, /30 minutes/);
    assert.ok(!smtp.messages.some((m) => m.to.includes('stranger@example.com')));
  }));

test('a reset sets the new password and ends every session of the account', () =>
  withMail(async (c) => {
    const { h, smtp } = c;
    const app = await appUser(h, 'reset@example.com');
    const portal = await webUser(h, 'reset2@example.com');
    const second = sessionCookie(await login(h, 'reset@example.com', PASSWORD, 'web'));
    const token = await requestLink(c, 'reset@example.com');
    const r = await reset(h, token);
    assert.equal(r.statusCode, 200, r.body);
    assertProblem(await h.inject({ method: 'GET', url: '/v1/me', headers: app.auth }), 401, 'unauthorized');
    assertProblem(await h.inject({ method: 'GET', url: '/v1/me', headers: { cookie: second } }), 401, 'unauthorized');
    assert.equal(
      (await h.inject({ method: 'GET', url: '/v1/me', headers: { cookie: portal.cookie } })).statusCode,
      200,
      "another account's session is untouched",
    );
    assertProblem(await login(h, 'reset@example.com', PASSWORD), 401, 'invalid_credentials');
    assert.equal((await login(h, 'reset@example.com', NEW_PASSWORD)).statusCode, 200);
    await eventually(
      () => smtp.messages.find((m) => m.to.includes('reset@example.com') && /was reset/i.test(m.subject)),
      'the notice',
    );
  }));

test('a reset link works once: the second use is 410 token_expired', () =>
  withMail(async (c) => {
    await appUser(c.h, 'once@example.com');
    const token = await requestLink(c, 'once@example.com');
    assert.equal((await reset(c.h, token)).statusCode, 200);
    assertProblem(await reset(c.h, token, 'yet another passphrase'), 410, 'token_expired');
    assertProblem(await login(c.h, 'once@example.com', 'yet another passphrase'), 401, 'invalid_credentials');
  }));

test('a new reset kills the other links of that account', () =>
  withMail(async (c) => {
    await appUser(c.h, 'two-links@example.com');
    const first = await requestLink(c, 'two-links@example.com');
    const second = await requestLink(c, 'two-links@example.com');
    assert.notEqual(first, second);
    assert.equal((await reset(c.h, second)).statusCode, 200);
    assertProblem(await reset(c.h, first, 'another good passphrase'), 410, 'token_expired');
  }));

test('a reset link expires 30 minutes after it was sent', () =>
  withMail(async (c) => {
    const { h } = c;
    await appUser(h, 'late@example.com');
    const early = await requestLink(c, 'late@example.com');
    h.clock.advance(30 * MIN - 1_000);
    assert.equal((await reset(h, early)).statusCode, 200, 'still valid just before 30 minutes');
    const late = await requestLink(c, 'late@example.com');
    h.clock.advance(30 * MIN);
    assertProblem(await reset(h, late, 'a third good passphrase'), 410, 'token_expired');
    assert.equal((await login(h, 'late@example.com', NEW_PASSWORD)).statusCode, 200);
  }));

test('a weak new password is refused with 422 and does not burn the link', () =>
  withMail(async (c) => {
    await appUser(c.h, 'weak@example.com');
    const token = await requestLink(c, 'weak@example.com');
    for (const password of ['short', 'password123', 'weak@example.com'])
      assertProblem(await reset(c.h, token, password), 422, 'weak_password');
    assert.equal((await login(c.h, 'weak@example.com')).statusCode, 200, 'the old password still works');
    assert.equal((await reset(c.h, token)).statusCode, 200);
    assert.equal((await login(c.h, 'weak@example.com', NEW_PASSWORD)).statusCode, 200);
  }));

test('garbage and unknown tokens are 410 token_expired', () =>
  withMail(async ({ h }) => {
    for (const token of ['', 'x', 'A'.repeat(43), '../../etc/passwd', 'A'.repeat(256)])
      assertProblem(await reset(h, token), 410, 'token_expired');
  }));

test('the second factor stays on after a reset: signing in with the new password still asks for the code', () =>
  withMail(async (c) => {
    const { h } = c;
    const { auth } = await appUser(h, 'mfa@example.com');
    await enableTotp(h, auth);
    const token = await requestLink(c, 'mfa@example.com');
    assert.equal((await reset(h, token)).statusCode, 200);
    const r = await login(h, 'mfa@example.com', NEW_PASSWORD);
    assert.equal(r.statusCode, 200);
    assert.equal(r.json().status, 'mfa_required');
    assert.equal(r.json().method, 'totp');
    assert.equal(r.json().token, undefined);
    assertProblem(await h.inject({ method: 'GET', url: '/v1/me', headers: auth }), 401, 'unauthorized');
  }));
