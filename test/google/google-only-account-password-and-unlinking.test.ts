// Google-only accounts and unlinking (issue 6): no password opens an account created by Google,
// one is set through the reset flow; unlinking asks for that password, is for sessions with CSRF
// proof only, mails a notice, and the Google subject then opens nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, assertProblem, eventually, login, sessionCookie, web } from '../http/http-helpers.js';
import { googleSignIn } from './flow.js';
import { h, idp, me, person, useGoogleHarness } from './support.js';

useGoogleHarness();

describe('Google-only accounts and unlinking', () => {
  test('a Google-only account cannot sign in with any password, but can set one through the reset flow', async () => {
    const p = person();
    const run = await googleSignIn(h, idp, p);
    const email = p.email.toLowerCase();
    for (const guess of ['', 'null', 'twofold:dummy-password-for-unknown-accounts', PASSWORD]) {
      const r = await h.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email, password: guess || 'x', client: 'app' },
      });
      assertProblem(r, 401, 'invalid_credentials');
    }
    // Turning on a second factor needs a password: the account is told to set one.
    const setup = await h.inject({
      method: 'POST',
      url: '/v1/me/mfa/setup',
      headers: web(run.session!),
      payload: { method: 'totp', password: 'anything' },
    });
    assertProblem(setup, 409, 'password_required');
    // Unlinking needs a password to exist.
    const unlink = await h.inject({
      method: 'DELETE',
      url: '/v1/me/google',
      headers: web(run.session!),
      payload: { password: 'anything' },
    });
    assertProblem(unlink, 409, 'password_required');

    const forgot = await h.inject({ method: 'POST', url: '/v1/auth/password/forgot', payload: { email } });
    assert.equal(forgot.statusCode, 202);
    const mail = await eventually(
      () => h.mailer.to(email).find((m) => /reset-password\?token=/.test(m.text)),
      'the reset mail',
    );
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    const reset = await h.inject({
      method: 'POST',
      url: '/v1/auth/password/reset',
      payload: { token, password: PASSWORD },
    });
    assert.equal(reset.statusCode, 200, reset.body);
    const pw = await login(h, email, PASSWORD, 'web');
    assert.equal(pw.statusCode, 200, pw.body);
    assert.equal(pw.json().user.google_linked, true);

    // Now it can unlink (with the password), and Google sign-in no longer opens it by subject.
    const session = sessionCookie(pw);
    const wrong = await h.inject({
      method: 'DELETE',
      url: '/v1/me/google',
      headers: web(session),
      payload: { password: 'not the password' },
    });
    assertProblem(wrong, 403, 'reauthentication_failed');
    const ok = await h.inject({
      method: 'DELETE',
      url: '/v1/me/google',
      headers: web(session),
      payload: { password: PASSWORD },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { google_linked: false });
    assert.equal((await me(session)).json().google_linked, false);
    assert.ok(h.mailer.to(email).some((m) => /Google account was unlinked/i.test(m.subject)));
    const again = await h.inject({
      method: 'DELETE',
      url: '/v1/me/google',
      headers: web(session),
      payload: { password: PASSWORD },
    });
    assertProblem(again, 409, 'google_not_linked');
    assert.equal(await h.runtime.storage.identities.find(idp.issuer, p.sub), null);
  });

  test('unlinking is for sessions only: a bearer token or without CSRF proof is refused', async () => {
    const run = await googleSignIn(h, idp, person());
    const noOrigin = await h.inject({
      method: 'DELETE',
      url: '/v1/me/google',
      headers: { cookie: run.session! },
      payload: { password: PASSWORD },
    });
    assertProblem(noOrigin, 403, 'csrf_failed');
    const anon = await h.inject({ method: 'DELETE', url: '/v1/me/google', payload: { password: PASSWORD } });
    assert.equal(anon.statusCode, 401);
  });
});
