// Issue 13: an address nobody has proven holds no lasting credential. Until the mailed link is
// used, the account signs in and reads, but cannot turn on a second factor or make an access key.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.js';
import { PASSWORD, assertProblem, login } from '../http/http-helpers.js';
import { createKey, linkToken, me, unprovenUser, useLink } from './support.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('an unproven address holds no lasting credential: 403 email_unverified on 2FA set-up and key creation', async () => {
  const email = 'unproven@example.com';
  const { auth, res } = await unprovenUser(h, email);
  assert.equal(res.json().user.email_verified, false);

  for (const payload of [
    { method: 'totp', password: PASSWORD },
    { method: 'sms', phone: '+14155550100', password: PASSWORD },
  ]) {
    assertProblem(
      await h.inject({ method: 'POST', url: '/v1/me/mfa/setup', headers: auth, payload }),
      403,
      'email_unverified',
    );
  }
  assertProblem(
    await h.inject({ method: 'POST', url: '/v1/me/access-keys', headers: auth, payload: { password: PASSWORD } }),
    403,
    'email_unverified',
  );
  // Refused before the password is looked at: a wrong one gets the same answer and counts nothing.
  assertProblem(
    await h.inject({
      method: 'POST',
      url: '/v1/me/access-keys',
      headers: auth,
      payload: { password: 'wrong password' },
    }),
    403,
    'email_unverified',
  );
  const stored = await h.runtime.storage.accessKeys.listForUser(res.json().user.id);
  assert.equal(stored.length, 0);
  assert.equal(await h.runtime.storage.factors.getFactor(res.json().user.id), null);
});

test('an unproven account can sign in, read /v1/me, its sessions and events, and sign out', async () => {
  const email = 'reader@example.com';
  const { auth } = await unprovenUser(h, email);
  const again = await login(h, email);
  assert.equal(again.statusCode, 200, again.body);
  assert.equal(again.json().status, 'authenticated');
  assert.equal(again.json().user.email_verified, false);
  const r = await me(h, auth);
  assert.equal(r.statusCode, 200);
  assert.equal(r.json().email_verified, false);
  assert.equal((await h.inject({ method: 'GET', url: '/v1/me/sessions', headers: auth })).statusCode, 200);
  assert.equal((await h.inject({ method: 'GET', url: '/v1/me/events', headers: auth })).statusCode, 200);
  assert.equal((await h.inject({ method: 'POST', url: '/v1/auth/logout', headers: auth })).statusCode, 204);
  assertProblem(await me(h, auth), 401, 'unauthorized');
});

test('the mailed link proves the address: then 2FA set-up and key creation work', async () => {
  const email = 'proven@example.com';
  const { auth } = await unprovenUser(h, email);
  const [mail] = h.mailer.to(email);
  assert.ok(mail, 'a confirmation mail');
  assert.match(mail.text, /^http:\/\/127\.0\.0\.1:8080\/verify-email\?token=[A-Za-z0-9_-]{43}$/m);
  const used = await useLink(h, linkToken(h, email));
  assert.equal(used.statusCode, 200, used.body);
  assert.deepEqual(used.json(), { email_verified: true });
  assert.equal((await me(h, auth)).json().email_verified, true);
  await createKey(h, auth);
  const setup = await h.inject({
    method: 'POST',
    url: '/v1/me/mfa/setup',
    headers: auth,
    payload: { method: 'totp', password: PASSWORD },
  });
  assert.equal(setup.statusCode, 201, setup.body);
});
