// Issue 13, item 5: "pre-hijacking". An attacker signs up with the victim's address and a
// password of their own, never proves the mailbox, and waits for the victim to arrive through
// "Sign in with Google". The verified Google email claims the account instead of joining it: the
// attacker's password, sessions and open challenges die (and any factor or key, defensively),
// and the owner is told by mail how to set a password.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.js';
import { PASSWORD, assertProblem, login, webUser } from '../http/http-helpers.js';
import { googleSignIn } from '../google/flow.js';
import { startLocalProvider, type LocalProvider } from '../google/local-provider.js';
import { eventTypes, me, unprovenUser } from './support.js';

let idp: LocalProvider;
let h: Harness;
before(async () => {
  idp = await startLocalProvider();
  h = await startHarness({ env: idp.env });
});
after(async () => {
  await h?.close();
  await idp?.close();
});

test('pre-hijacked account is claimed by Google: the password, every session, challenge, factor and key of the squatter end', async () => {
  const email = 'victim@example.com';
  const squatter = await unprovenUser(h, email, 'app');
  const squatterWeb = await unprovenUser(h, 'other@example.com', 'web'); // an unrelated account stays as it is
  // Defensively: a factor and a key that an unproven account could not have made.
  const { storage } = h.runtime;
  await storage.accessKeys.create({
    id: 'AAAAAAAAAAAAAAAAAAAA',
    userId: squatter.id,
    secretEnc: 'sealed',
    enabled: true,
    createdAt: h.clock.now(),
    lastUsedAt: null,
  });
  await storage.factors.putFactor({
    userId: squatter.id,
    method: 'totp',
    secretEnc: 'sealed',
    phoneEnc: null,
    phoneHint: null,
    lastStep: null,
    enabledAt: h.clock.now(),
  });
  await storage.challenges.createChallenge({
    idHash: 'f'.repeat(64),
    userId: squatter.id,
    method: 'totp',
    client: 'app',
    via: 'password',
    createdAt: h.clock.now(),
    expiresAt: h.clock.now() + 300_000,
    failures: 0,
    closedAt: null,
  });

  const run = await googleSignIn(h, idp, { sub: 'google-victim', email: 'Victim@Example.com', email_verified: true });
  assert.equal(run.to.pathname, '/', `signed in without any second factor: ${run.to.href}`);
  assert.ok(run.session, 'a session for the Google user');
  const owner = { cookie: run.session };
  const view = (await me(h, owner)).json();
  assert.equal(view.id, squatter.id, 'the same account, claimed');
  assert.equal(view.email_verified, true);
  assert.equal(view.google_linked, true);
  assert.equal(view.mfa.enabled, false);

  assertProblem(await me(h, squatter.auth), 401, 'unauthorized');
  assertProblem(await login(h, email), 401, 'invalid_credentials');
  assert.equal((await storage.users.findById(squatter.id))!.passwordHash, null);
  assert.deepEqual(await storage.accessKeys.listForUser(squatter.id), []);
  assert.equal(await storage.factors.getFactor(squatter.id), null);
  assert.notEqual((await storage.challenges.getChallenge('f'.repeat(64)))!.closedAt, null);
  assert.equal((await me(h, squatterWeb.auth)).statusCode, 200);

  const notice = h.mailer.to(email).find((m) => /taken over by its Google account/i.test(m.subject));
  assert.ok(notice, 'the claim notice');
  assert.match(notice.text, /Forgot password/);
  const types = await eventTypes(h, owner);
  assert.ok(types.includes('account.claimed') && types.includes('google.linked'), types.join());
  assert.ok(
    types.indexOf('account.claimed') > types.indexOf('google.linked'),
    'claimed before the link (newest first)',
  );

  // "Forgot password" gives the owner a password again.
  assert.equal(
    (await h.inject({ method: 'POST', url: '/v1/auth/password/forgot', payload: { email } })).statusCode,
    202,
  );
});

test('a proven account is joined, not claimed: its password and sessions stay', async () => {
  const email = 'owner@example.com';
  const { auth } = await webUser(h, email);
  const run = await googleSignIn(h, idp, { sub: 'google-owner', email, email_verified: true });
  assert.equal(run.to.pathname, '/');
  assert.equal((await me(h, auth)).statusCode, 200, 'the earlier session stands');
  assert.equal((await login(h, email, PASSWORD)).statusCode, 200, 'the password still works');
  assert.ok(!h.mailer.to(email).some((m) => /taken over/i.test(m.subject)));
});

test('an unverified Google email claims nothing', async () => {
  const email = 'squat2@example.com';
  const squatter = await unprovenUser(h, email);
  const run = await googleSignIn(h, idp, { sub: 'google-unverified', email, email_verified: false });
  assert.equal(run.to.searchParams.get('error'), 'google_unverified_email');
  assert.equal((await me(h, squatter.auth)).json().email_verified, false);
  assert.equal((await login(h, email)).statusCode, 200);
});
