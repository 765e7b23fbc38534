// Issue 13: a password reset revokes everything the holder of the old password may have: every
// session, every open sign-in challenge, every access key (disabled, still listed, enabled again
// after signing in). It proves the mailbox too. A password change closes open challenges.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { PASSWORD, assertProblem, bearer, enableTotp, eventually, login, webUser } from '../http/http-helpers.js';
import { createKey, me, signed, unprovenUser } from './support.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const STEP = 30_000;
const NEW_PASSWORD = 'an entirely new passphrase';
const code = (secret: string) => totpAt(base32Decode(secret), h.clock.now());
const verify = (challenge: string, c: string) =>
  h.inject({ method: 'POST', url: '/v1/auth/login/verify', payload: { challenge, code: c } });

async function resetLink(email: string): Promise<string> {
  const before = h.mailer.to(email).length;
  assert.equal(
    (await h.inject({ method: 'POST', url: '/v1/auth/password/forgot', payload: { email } })).statusCode,
    202,
  );
  const mail = await eventually(
    () =>
      h.mailer
        .to(email)
        .slice(before)
        .find((m) => /reset-password\?token=/.test(m.text)),
    'the reset mail',
  );
  return /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
}

test('a reset disables every access key, closes open challenges and ends every session; keys can be enabled again after signing in', async () => {
  const email = 'revoked@example.com';
  const { auth } = await webUser(h, email);
  const keys = [await createKey(h, auth), await createKey(h, auth)];
  const { secret } = await enableTotp(h, auth);
  assert.equal((await signed(h, keys[0]!, 'GET', '/v1/me')).statusCode, 200);
  // Someone with the old password has a sign-in waiting for its code.
  const pending = (await login(h, email)).json().challenge as string;

  const token = await resetLink(email);
  const r = await h.inject({
    method: 'POST',
    url: '/v1/auth/password/reset',
    payload: { token, password: NEW_PASSWORD },
  });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().access_keys_disabled, 2);
  assert.equal(typeof r.json().access_keys_disabled, 'number');

  for (const key of keys) assertProblem(await signed(h, key, 'GET', '/v1/me'), 401, 'invalid_signature');
  h.clock.advance(STEP);
  assertProblem(await verify(pending, code(secret)), 410, 'challenge_expired');
  assertProblem(await me(h, auth), 401, 'unauthorized');
  const notice = h.mailer.to(email).find((m) => /was reset/i.test(m.subject))!;
  assert.match(notice.text, /2 access keys were disabled/);

  // The owner signs in with the new password and the second factor, and turns a key back on.
  const challenge = (await login(h, email, NEW_PASSWORD)).json().challenge as string;
  const signedIn = await verify(challenge, code(secret));
  assert.equal(signedIn.statusCode, 200, signedIn.body);
  const owner = bearer(signedIn.json().token);
  const listed = (await h.inject({ method: 'GET', url: '/v1/me/access-keys', headers: owner })).json<
    Array<{ id: string; enabled: boolean }>
  >();
  assert.deepEqual(
    listed.map((k) => k.enabled),
    [false, false],
    'they stay listed, disabled',
  );
  const enabled = await h.inject({
    method: 'PATCH',
    url: `/v1/me/access-keys/${keys[0]!.id}`,
    headers: owner,
    payload: { enabled: true },
  });
  assert.equal(enabled.statusCode, 200, enabled.body);
  assert.equal(enabled.json().enabled, true);
  assert.equal((await signed(h, keys[0]!, 'GET', '/v1/me')).statusCode, 200);
  assert.equal((await me(h, owner)).json().mfa.enabled, true, 'the second factor stays on');
});

test('a reset proves the mailbox of an unproven account and answers access_keys_disabled 0', async () => {
  const email = 'forgetful@example.com';
  await unprovenUser(h, email);
  const token = await resetLink(email);
  const r = await h.inject({
    method: 'POST',
    url: '/v1/auth/password/reset',
    payload: { token, password: NEW_PASSWORD },
  });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.json().access_keys_disabled, 0);
  const signedIn = await login(h, email, NEW_PASSWORD);
  assert.equal(signedIn.json().user.email_verified, true);
});

test('a password change closes open sign-in challenges, keeps access keys, and mails the notice', async () => {
  const email = 'changer@example.com';
  const { auth } = await webUser(h, email);
  const key = await createKey(h, auth);
  const { secret } = await enableTotp(h, auth);
  const pending = (await login(h, email)).json().challenge as string;
  const r = await h.inject({
    method: 'POST',
    url: '/v1/me/password',
    headers: auth,
    payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
  });
  assert.equal(r.statusCode, 200, r.body);
  h.clock.advance(STEP);
  assertProblem(await verify(pending, code(secret)), 410, 'challenge_expired');
  assert.equal((await signed(h, key, 'GET', '/v1/me')).statusCode, 200, 'access keys stay');
  const notice = h.mailer.to(email).at(-1)!;
  assert.match(notice.subject, /password was changed/i);
});
