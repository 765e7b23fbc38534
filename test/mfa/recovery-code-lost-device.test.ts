// "Can't access two-factor device": the recovery code, typed any way (case, spaces, dashes),
// signs in once, turns the second factor off, ends every other session, kills the account's
// other pending sign-ins and mails a notice (through a real SMTP server) that names no code.
// Wrong recovery codes are wrong codes: they count toward the 5 per challenge and the 10 in a row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SmtpMailer } from '../../src/adapters/mail/smtp-mailer.js';
import { startTestSmtpServer } from '../helpers/smtp.js';
import {
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
  startHarness,
  startSetup,
  verify,
  wrongCode,
} from './support.js';

/** How a person copies a code off paper: lower case, spaces, a stray dash, padding. */
function sloppy(code: string): string {
  const [a, b, c, d] = code.toLowerCase().split('-');
  return `  ${a} ${b}-${c}  ${d} `;
}

test('the recovery code, in lower case with spaces, signs in, turns 2FA off, ends other sessions and sign-ins, and mails a notice', async () => {
  const smtp = await startTestSmtpServer();
  const mailer = new SmtpMailer({ url: smtp.url, from: 'Twofold <no-reply@localhost>' });
  const h = await startHarness({ mailer });
  try {
    const email = 'rita@example.com';
    const { token: first } = await signup(h, email);
    const { secret, recoveryCode } = await enableTotp(h, first);
    // The sign-up's confirmation link comes first; the notices are the rest.
    const notices = () => smtp.messages.filter((m) => !/verify-email\?token=/.test(m.text));
    await smtp.waitFor(2, 30_000);
    assert.match(notices()[0]!.subject, /two-factor authentication is on/i);

    // Another signed-in device, and a sign-in left waiting at its code.
    const second = await verify(h, await challengeFor(h, email), phoneCode(h, secret));
    assert.equal(second.statusCode, 200, second.body);
    const pending = await challengeFor(h, email, 'web');
    const staleSetup = await startSetup(h, first); // e.g. started from a stolen session

    const r = await recover(h, await challengeFor(h, email), sloppy(recoveryCode));
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.status, 'authenticated');
    assert.equal(body.mfa_disabled, true);
    assert.equal(body.user.email, email);
    assert.equal(body.user.mfa.enabled, false);
    assert.equal(typeof body.token, 'string');
    const now = body.token as string;

    assert.deepEqual((await get(h, '/v1/me/mfa', now)).json(), { enabled: false, method: null });
    assertProblem(await get(h, '/v1/me', first), 401, 'unauthorized');
    assertProblem(await get(h, '/v1/me', second.json().token), 401, 'unauthorized');
    const sessions = (await get(h, '/v1/me/sessions', now)).json();
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].current, true);

    h.clock.advance(STEP_MS);
    assertProblem(await verify(h, pending, phoneCode(h, secret)), 410, 'challenge_expired');
    const stale = await post(
      h,
      '/v1/me/mfa/setup/verify',
      { setup_id: staleSetup.setup_id, code: phoneCode(h, staleSetup.secret) },
      now,
    );
    assertProblem(stale, 410, 'setup_expired');
    const plain = await login(h, email);
    assert.equal(plain.json().status, 'authenticated', 'the password alone signs in now');

    const types = (await get(h, '/v1/me/events', now)).json().map((e: { type: string }) => e.type);
    assert.ok(types.includes('mfa.recovery_used') && types.includes('mfa.disabled'), types.join());

    await smtp.waitFor(3, 30_000);
    const notice = notices()[1]!;
    assert.deepEqual(notice.to, [email]);
    assert.match(notice.subject, /recovery code was used/i);
    assert.equal(notice.hasHtml, false);
    const text = `${notice.subject}\n${notice.text}`;
    for (const secretish of [
      recoveryCode,
      recoveryCode.replace(/-/g, ''),
      recoveryCode.toLowerCase(),
      ...recoveryCode.split('-'),
      secret,
    ]) {
      assert.equal(text.includes(secretish), false, 'the notice names no code');
    }
    assert.equal(notices().length, 2);
  } finally {
    await h.close();
    await mailer.close();
    await smtp.close();
  }
});

test('the recovery code is single use: after turning 2FA on again, the old code is refused and the new one works', async () => {
  const h = await startHarness();
  try {
    const email = 'sam@example.com';
    const { token } = await signup(h, email);
    const { recoveryCode: oldCode } = await enableTotp(h, token);
    const r = await recover(h, await challengeFor(h, email), oldCode);
    assert.equal(r.statusCode, 200, r.body);
    const { recoveryCode: newCode } = await enableTotp(h, r.json().token);
    assert.notEqual(newCode, oldCode);
    const c = await challengeFor(h, email);
    assertProblem(await recover(h, c, oldCode), 401, 'invalid_recovery_code');
    assert.equal((await recover(h, c, newCode)).statusCode, 200);
  } finally {
    await h.close();
  }
});

test('wrong recovery codes count toward the 5 per challenge and the 10 in a row, and do not spend the real code', async () => {
  const h = await startHarness();
  try {
    const email = 'tom@example.com';
    const { token } = await signup(h, email);
    const { secret, recoveryCode } = await enableTotp(h, token);
    const wrongs = [
      'AAAAA-AAAAA-AAAAA-AAAAA',
      'not a code',
      recoveryCode.replace(/^./, (ch) => (ch === 'B' ? 'C' : 'B')),
      '',
    ];

    const c1 = await challengeFor(h, email);
    for (const w of wrongs) assertProblem(await recover(h, c1, w), 401, 'invalid_recovery_code');
    assertProblem(await recover(h, c1, 'ZZZZZ-ZZZZZ-ZZZZZ-ZZZZZ'), 429, 'too_many_attempts');
    assertProblem(await recover(h, c1, recoveryCode), 410, 'challenge_expired');

    const c2 = await challengeFor(h, email);
    for (const w of wrongs.slice(0, 3)) assertProblem(await recover(h, c2, w), 401, 'invalid_recovery_code'); // 6th–8th
    assertProblem(await verify(h, c2, wrongCode(h, secret)), 401, 'invalid_code'); // the 9th, a TOTP code
    const c3 = await challengeFor(h, email);
    assertProblem(await recover(h, c3, wrongs[0]!), 401, 'invalid_recovery_code'); // the 10th still answers 401
    const locked = await recover(h, c3, recoveryCode);
    assertProblem(locked, 429, 'too_many_attempts');
    assert.ok(Number(locked.headers['retry-after']) > 850);
    assertProblem(await login(h, email), 429, 'too_many_attempts');

    h.clock.advance(15 * 60_000);
    const ok = await recover(h, await challengeFor(h, email), recoveryCode);
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().mfa_disabled, true);
  } finally {
    await h.close();
  }
});
