// Google callbacks we refuse (issue 6): refused consent, a forged state, a missing, foreign or
// altered state cookie, a replayed callback, a sign-in started over 10 minutes ago, a bare or
// malformed callback; each a redirect to /login?error=…, never a session or a 500.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { OAUTH_COOKIE, callback, cookiePair, googleSignIn, redirectOf, startGoogle } from './flow.js';
import { h, idp, person, useGoogleHarness } from './support.js';

useGoogleHarness();

describe('refusals: every one a redirect to /login?error=…, never a session or a 500', () => {
  test('refused consent at the provider → google_denied', async () => {
    const run = await googleSignIn(h, idp, 'deny');
    assert.equal(run.callbackUrl.searchParams.get('error'), 'access_denied');
    assert.equal(run.to.pathname, '/login');
    assert.equal(run.to.searchParams.get('error'), 'google_denied');
    assert.equal(run.session, undefined);
  });

  test('a forged state → google_state, and the real sign-in can still finish', async () => {
    const started = await startGoogle(h);
    idp.next = person();
    const real = await idp.authorize(started.authorizationUrl);
    const forged = new URL(real);
    forged.searchParams.set('state', 'forged-state-0123456789abcdefghijk');
    const r = await callback(h, forged, started.cookie);
    assert.equal(redirectOf(r).searchParams.get('error'), 'google_state');
    assert.equal(cookiePair(r, 'twofold_session'), undefined);
    // The forged callback did not spend this browser's sign-in.
    const ok = await callback(h, real, started.cookie);
    assert.equal(redirectOf(ok).pathname, '/');
  });

  test("a callback without the cookie, with another browser's cookie, or with an altered cookie → google_state", async () => {
    const mine = await startGoogle(h);
    const theirs = await startGoogle(h);
    idp.next = person();
    const url = await idp.authorize(mine.authorizationUrl);
    for (const cookie of [
      undefined,
      theirs.cookie,
      mine.cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      `${OAUTH_COOKIE}=e30`,
    ]) {
      const r = await callback(h, url, cookie);
      assert.equal(redirectOf(r).searchParams.get('error'), 'google_state', `cookie ${cookie}`);
      assert.equal(cookiePair(r, 'twofold_session'), undefined);
    }
  });

  test('a replayed callback (same code, same cookie) is refused and opens no second session', async () => {
    const first = await googleSignIn(h, idp, person());
    assert.equal(first.to.pathname, '/');
    const again = await callback(h, first.callbackUrl, first.oauthCookie);
    assert.equal(redirectOf(again).pathname, '/login');
    assert.equal(redirectOf(again).searchParams.get('error'), 'google_state');
    assert.equal(cookiePair(again, 'twofold_session'), undefined);
    const noCookie = await callback(h, first.callbackUrl);
    assert.equal(redirectOf(noCookie).searchParams.get('error'), 'google_state');
  });

  test('a started sign-in expires after 10 minutes', async () => {
    const started = await startGoogle(h);
    idp.next = person();
    const url = await idp.authorize(started.authorizationUrl);
    h.clock.advance(10 * 60_000 + 1);
    const r = await callback(h, url, started.cookie);
    assert.equal(redirectOf(r).searchParams.get('error'), 'google_state');
  });

  test('a bare or malformed callback is a redirect, not an error page', async () => {
    for (const url of [
      '/v1/auth/google/callback',
      '/v1/auth/google/callback?code=&state=',
      '/v1/auth/google/callback?error=server_error',
      '/v1/auth/google/callback?state=%ZZ',
    ]) {
      const r = await h.inject({ method: 'GET', url });
      assert.equal(redirectOf(r).pathname, '/login', url);
      assert.equal(redirectOf(r).searchParams.get('error'), 'google_state', url);
    }
  });
});
