// Issue 13: a change of email needs the password, changes nothing until the link mailed to the
// NEW address is used, tells the OLD address, and re-checks at confirmation that the new address
// is still free (the unique index decides). A signed request cannot ask for it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.js';
import { PASSWORD, assertProblem, login, webUser } from '../http/http-helpers.js';
import { createKey, eventTypes, linkToken, me, signed, unprovenUser, useLink } from './support.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const change = (auth: Record<string, string>, email: string, password = PASSWORD) =>
  h.inject({ method: 'POST', url: '/v1/me/email', headers: auth, payload: { email, password } });

test('change of email: 202, a link to the new address, a notice to the old, the email changes only when the link is used', async () => {
  const { auth } = await webUser(h, 'old@example.com');
  assertProblem(await change(auth, 'new@example.com', 'wrong password'), 403, 'reauthentication_failed');
  assertProblem(await change(auth, 'not-an-address'), 422, 'invalid_email');
  const r = await change(auth, 'New@Example.com');
  assert.equal(r.statusCode, 202, r.body);

  const notice = h.mailer.to('old@example.com').at(-1)!;
  assert.match(notice.subject, /change of your email/i);
  assert.match(notice.text, /new@example\.com/);
  assert.doesNotMatch(notice.text, /token=/, 'the old address gets no link');
  const token = linkToken(h, 'new@example.com');
  assert.equal((await me(h, auth)).json().email, 'old@example.com', 'nothing changes before the link is used');

  const used = await useLink(h, token);
  assert.equal(used.statusCode, 200, used.body);
  const now = (await me(h, auth)).json();
  assert.equal(now.email, 'new@example.com');
  assert.equal(now.email_verified, true);
  assert.equal((await login(h, 'new@example.com')).statusCode, 200);
  assertProblem(await login(h, 'old@example.com'), 401, 'invalid_credentials');
  assert.match(h.mailer.to('old@example.com').at(-1)!.subject, /email address was changed/i);
  const types = await eventTypes(h, auth);
  for (const t of ['email.change_requested', 'email.changed', 'email.verified'])
    assert.ok(types.includes(t), types.join());
  assertProblem(await useLink(h, token), 410, 'token_expired');
});

test('an address that is taken answers 409 email_taken when asked, and again when the link is used', async () => {
  await webUser(h, 'holder@example.com');
  const { auth } = await webUser(h, 'mover@example.com');
  assertProblem(await change(auth, 'holder@example.com'), 409, 'email_taken');
  assertProblem(await change(auth, 'mover@example.com'), 409, 'email_taken');

  assert.equal((await change(auth, 'contested@example.com')).statusCode, 202);
  const token = linkToken(h, 'contested@example.com');
  // Someone else takes the address before the link is used.
  await unprovenUser(h, 'contested@example.com');
  assertProblem(await useLink(h, token), 409, 'email_taken');
  assert.equal((await me(h, auth)).json().email, 'mover@example.com');
});

test('a change of email is session only: an access key gets 403 session_required', async () => {
  const { auth } = await webUser(h, 'keyed@example.com');
  const key = await createKey(h, auth);
  assertProblem(
    await signed(h, key, 'POST', '/v1/me/email', { email: 'elsewhere@example.com', password: PASSWORD }),
    403,
    'session_required',
  );
  assert.equal(h.mailer.to('elsewhere@example.com').length, 0);
});

test('a confirmation link mailed before a change of email proves nothing after it', async () => {
  const { auth } = await unprovenUser(h, 'typo@exmaple.com', 'web');
  const stale = linkToken(h, 'typo@exmaple.com');
  assert.equal((await change(auth, 'fixed@example.com')).statusCode, 202);
  assert.equal((await useLink(h, linkToken(h, 'fixed@example.com'))).statusCode, 200);
  assertProblem(await useLink(h, stale), 410, 'token_expired');
  const now = (await me(h, auth)).json();
  assert.equal(now.email, 'fixed@example.com');
  assert.equal(now.email_verified, true);
});
