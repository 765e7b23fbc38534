// Issue 13: DELETE /v1/me. The password, and with 2FA on a current code (spent like at sign-in)
// or the recovery code; wrong codes count in the account's run of wrong codes like anywhere else.
// Then one transaction removes the account and every row of it: checked table by table.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import {
  PASSWORD,
  assertProblem,
  bearer,
  enableTotp,
  eventually,
  login,
  webUser,
  type Auth,
} from '../http/http-helpers.js';
import { dumpAllTables } from '../helpers/tables.js';
import { createKey, me, signed } from './support.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const STEP = 30_000;
const del = (auth: Auth, body: Record<string, unknown>) =>
  h.inject({ method: 'DELETE', url: '/v1/me', headers: auth, payload: body });
const code = (secret: string) => totpAt(base32Decode(secret), h.clock.now());

test('deleting an account without 2FA: password, 204, the cookie cleared, a notice, and the account is gone', async () => {
  const email = 'plain@example.com';
  const { auth } = await webUser(h, email);
  const key = await createKey(h, auth);
  assertProblem(await del(auth, { password: 'wrong password' }), 403, 'reauthentication_failed');
  assertProblem(await signed(h, key, 'DELETE', '/v1/me', { password: PASSWORD }), 403, 'session_required');
  const r = await del(auth, { password: PASSWORD });
  assert.equal(r.statusCode, 204, r.body);
  const cleared = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('twofold_session='));
  assert.ok(
    cleared && /Expires=Thu, 01 Jan 1970|Max-Age=0/i.test(cleared),
    `the session cookie is cleared: ${cleared}`,
  );
  assertProblem(await me(h, auth), 401, 'unauthorized');
  assertProblem(await login(h, email), 401, 'invalid_credentials');
  assertProblem(await signed(h, key, 'GET', '/v1/me'), 401, 'invalid_signature');
  assert.match(h.mailer.to(email).at(-1)!.subject, /account was deleted/i);
});

test('with 2FA on, a missing or wrong code answers 401 invalid_code, wrong ones count toward the lock, a replayed code is refused', async () => {
  const email = 'guarded@example.com';
  const { auth, id } = await webUser(h, email);
  const { secret } = await enableTotp(h, auth);
  assertProblem(await del(auth, { password: PASSWORD }), 401, 'invalid_code');
  // The code that turned 2FA on was spent: the replay guard refuses it (and it counts).
  assertProblem(await del(auth, { password: PASSWORD, code: code(secret) }), 401, 'invalid_code');
  assert.equal((await h.runtime.storage.attempts.getAttempts(id)).failures, 1);
  for (let i = 2; i <= 10; i++)
    assertProblem(
      await del(auth, { password: PASSWORD, code: '000000' === code(secret) ? '111111' : '000000' }),
      401,
      'invalid_code',
    );
  assert.equal((await h.runtime.storage.attempts.getAttempts(id)).failures, 10);
  h.clock.advance(STEP);
  const locked = await del(auth, { password: PASSWORD, code: code(secret) });
  assertProblem(locked, 429, 'too_many_attempts');
  assert.ok(Number(locked.headers['retry-after']) > 0);
  assert.equal((await me(h, auth)).statusCode, 200, 'the account is still there');
});

test('with 2FA on, the recovery code deletes the account', async () => {
  const email = 'recovers@example.com';
  const { auth, id } = await webUser(h, email);
  const { recoveryCode } = await enableTotp(h, auth);
  const r = await del(auth, { password: PASSWORD, code: recoveryCode.toLowerCase() });
  assert.equal(r.statusCode, 204, r.body);
  assert.equal(await h.runtime.storage.users.findById(id), null);
});

test('deletion with a current TOTP code removes the account and every row of it, in every table', async () => {
  const email = 'everything@example.com';
  const { auth, id } = await webUser(h, email);
  await createKey(h, auth);
  const { secret } = await enableTotp(h, auth);
  await createKey(h, auth);
  // A sign-in finished with a code (another session), one left open (a challenge), a wrong code
  // (the attempts row), a pending re-configuration, a reset link, a change of email, a Google link.
  h.clock.advance(STEP);
  const done = await login(h, email);
  const finished = await h.inject({
    method: 'POST',
    url: '/v1/auth/login/verify',
    payload: { challenge: done.json().challenge, code: code(secret) },
  });
  assert.equal(finished.statusCode, 200, finished.body);
  const open = await login(h, email);
  assertProblem(
    await h.inject({
      method: 'POST',
      url: '/v1/auth/login/verify',
      payload: { challenge: open.json().challenge, code: '12345x' },
    }),
    401,
    'invalid_code',
  );
  assert.equal(
    (
      await h.inject({
        method: 'POST',
        url: '/v1/me/mfa/setup',
        headers: auth,
        payload: { method: 'totp', password: PASSWORD },
      })
    ).statusCode,
    201,
  );
  await h.inject({ method: 'POST', url: '/v1/auth/password/forgot', payload: { email } });
  await eventually(() => h.mailer.to(email).find((m) => /reset your/i.test(m.subject)), 'the reset mail');
  assert.equal(
    (
      await h.inject({
        method: 'POST',
        url: '/v1/me/email',
        headers: auth,
        payload: { email: 'moving@example.com', password: PASSWORD },
      })
    ).statusCode,
    202,
  );
  await h.runtime.storage.identities.link({
    issuer: 'https://accounts.google.com',
    subject: `sub-${id}`,
    userId: id,
    email,
    linkedAt: h.clock.now(),
  });

  const before = await dumpAllTables(h);
  const owned = (dump: typeof before) =>
    Object.entries(dump).flatMap(([table, rows]) =>
      rows.filter((row) => Object.values(row).some((v) => v === id || v === email)).map(() => table),
    );
  for (const table of [
    'users',
    'sessions',
    'events',
    'password_resets',
    'mfa_factors',
    'mfa_setups',
    'recovery_codes',
    'mfa_challenges',
    'mfa_attempts',
    'access_keys',
    'user_identities',
    'email_tokens',
  ]) {
    assert.ok(owned(before).includes(table), `before: the account has rows in ${table}`);
  }

  h.clock.advance(STEP);
  const r = await del(auth, { password: PASSWORD, code: code(secret) });
  assert.equal(r.statusCode, 204, r.body);
  assert.deepEqual(owned(await dumpAllTables(h)), [], 'no row of any table names the account');
  assertProblem(await me(h, bearer(finished.json().token)), 401, 'unauthorized');
  assertProblem(
    await h.inject({
      method: 'POST',
      url: '/v1/auth/login/verify',
      payload: { challenge: open.json().challenge, code: code(secret) },
    }),
    410,
    'challenge_expired',
  );
  assert.match(h.mailer.to(email).at(-1)!.subject, /account was deleted/i);
});
