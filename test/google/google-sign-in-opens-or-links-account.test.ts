// Which account a Google sign-in opens (issue 6): a new account without a password, the same
// account at the next sign-in (keyed on the subject, not the address), the existing account of a
// verified email linked with a notice; an unverified email opens, creates and links nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { login, webUser } from '../http/http-helpers.js';
import { OAUTH_COOKIE, googleSignIn, setCookies } from './flow.js';
import { events, h, idp, me, person, useGoogleHarness } from './support.js';

useGoogleHarness();

describe('new and returning Google users', () => {
  test('a new Google user gets an account without a password, google_linked true, and a session', async () => {
    const p = person();
    const before = await h.runtime.storage.users.count();
    const run = await googleSignIn(h, idp, p);
    assert.equal(run.to.pathname, '/');
    assert.equal(run.to.search, '');
    assert.ok(run.session, 'a session cookie is set');
    assert.equal(await h.runtime.storage.users.count(), before + 1);
    const user = (await me(run.session)).json();
    assert.equal(user.email, p.email.toLowerCase(), 'the email is stored in its normal form');
    assert.equal(user.google_linked, true);
    assert.deepEqual(user.mfa, { enabled: false, method: null });
    const stored = await h.runtime.storage.users.findById(user.id);
    assert.equal(stored?.passwordHash, null, 'no password was invented');
    // The OAuth cookie is spent: the callback clears it.
    const cleared = setCookies(run.res).find((c) => c.startsWith(`${OAUTH_COOKIE}=`));
    assert.ok(
      cleared && /Expires=Thu, 01 Jan 1970|Max-Age=0/i.test(cleared),
      `the oauth cookie is cleared: ${cleared}`,
    );
    const types = (await events(run.session)).map((e) => e.type);
    assert.ok(types.includes('account.created'));
    const signin = (await events(run.session)).find((e) => e.type === 'signin.succeeded');
    assert.equal(signin?.method, 'google');
  });

  test('the second sign-in with the same Google account opens the same account, with a new session', async () => {
    const p = person();
    const first = await googleSignIn(h, idp, p);
    const count = await h.runtime.storage.users.count();
    const second = await googleSignIn(h, idp, p);
    assert.equal(second.to.pathname, '/');
    assert.equal(await h.runtime.storage.users.count(), count, 'no second account');
    assert.notEqual(second.session, first.session, 'a new session token at every sign-in');
    assert.equal((await me(second.session!)).json().id, (await me(first.session!)).json().id);
  });

  test('accounts are keyed on the Google subject, not the email: a changed address still opens the same account', async () => {
    const p = person();
    const first = await googleSignIn(h, idp, p);
    const changed = await googleSignIn(h, idp, { ...p, email: `renamed.${p.email}` });
    assert.equal((await me(changed.session!)).json().id, (await me(first.session!)).json().id);
  });

  test('a Google account whose email is unverified opens, creates and links nothing', async () => {
    const p = person(false);
    const count = await h.runtime.storage.users.count();
    const run = await googleSignIn(h, idp, p);
    assert.equal(run.to.pathname, '/login');
    assert.equal(run.to.searchParams.get('error'), 'google_unverified_email');
    assert.equal(run.session, undefined);
    assert.equal(await h.runtime.storage.users.count(), count);
    // Without an email claim at all: the same.
    const none = await googleSignIn(h, idp, { sub: `${p.sub}-x` });
    assert.equal(none.to.searchParams.get('error'), 'google_unverified_email');
    assert.equal(await h.runtime.storage.users.count(), count);
  });

  test('email_verified sent as the string "true" (Google\'s older form) counts as verified', async () => {
    const run = await googleSignIn(h, idp, person('true'));
    assert.equal(run.to.pathname, '/');
    assert.ok(run.session);
  });
});

describe('linking to an existing account', () => {
  test('a verified Google email links to the existing password account of that email (any case) and mails a notice', async () => {
    const email = `owner.${Date.now()}@example.com`;
    const owner = await webUser(h, email);
    const mailsBefore = h.mailer.to(email).length;
    const run = await googleSignIn(h, idp, {
      sub: `link-${Date.now()}`,
      email: email.toUpperCase(),
      email_verified: true,
    });
    assert.equal(run.to.pathname, '/');
    const user = (await me(run.session!)).json();
    assert.equal(user.id, owner.id, 'the existing account, not a new one');
    assert.equal(user.google_linked, true);
    const notice = h.mailer
      .to(email)
      .slice(mailsBefore)
      .find((m) => /Google account was linked/i.test(m.subject));
    assert.ok(notice, 'the owner is told by mail');
    assert.ok(!/code=|state=|token/i.test(notice.text), 'the notice carries no secret');
    assert.ok((await events(run.session!)).some((e) => e.type === 'google.linked'));
    // The password still works.
    const pw = await login(h, email);
    assert.equal(pw.statusCode, 200, pw.body);
  });

  test('an unverified Google email is not linked to the account of that email', async () => {
    const email = `victim.${Date.now()}@example.com`;
    const victim = await webUser(h, email);
    const run = await googleSignIn(h, idp, { sub: `attacker-${Date.now()}`, email, email_verified: false });
    assert.equal(run.to.searchParams.get('error'), 'google_unverified_email');
    assert.equal(run.session, undefined);
    assert.equal((await me(victim.cookie)).json().google_linked, false);
    assert.ok(
      (await events(victim.cookie)).some((e) => e.type === 'signin.failed' && e.reason === 'google_unverified_email'),
    );
  });
});
