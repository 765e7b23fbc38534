// Offering and starting Google Sign-In (issue 6): the provider list, the redirect to the provider
// with state, nonce and PKCE S256, the signed short-lived state cookie, fresh values at every
// start; and without a client id, nothing offered and the Google routes not there.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness } from '../helpers/harness.js';
import { assertProblem } from '../http/http-helpers.js';
import { OAUTH_COOKIE, setCookies, startGoogle } from './flow.js';
import { h, idp, useGoogleHarness } from './support.js';

useGoogleHarness();

describe('starting a Google sign-in', () => {
  test('GET /v1/auth/providers says Google is offered when a client id is configured', async () => {
    const r = await h.inject({ method: 'GET', url: '/v1/auth/providers' });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { google: true });
  });

  test('redirects to the provider with scope openid email profile, state, nonce and PKCE S256', async () => {
    const { authorizationUrl } = await startGoogle(h);
    const u = new URL(authorizationUrl);
    assert.equal(u.origin, idp.issuer);
    const q = u.searchParams;
    assert.equal(q.get('client_id'), idp.clientId);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('redirect_uri'), 'http://127.0.0.1:8080/v1/auth/google/callback');
    assert.deepEqual(q.get('scope')?.split(' ').sort(), ['email', 'openid', 'profile']);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((q.get('state') ?? '').length >= 22, 'state carries at least 128 bits');
    assert.ok((q.get('nonce') ?? '').length >= 22, 'nonce carries at least 128 bits');
    assert.notEqual(q.get('state'), q.get('nonce'));
  });

  test('the state travels in a signed, HttpOnly, SameSite=Lax cookie for /v1/auth/google that lives 10 minutes', async () => {
    const { res, authorizationUrl } = await startGoogle(h);
    const line = setCookies(res).find((c) => c.startsWith(`${OAUTH_COOKIE}=`))!;
    assert.match(line, /;\s*HttpOnly/i);
    assert.match(line, /;\s*SameSite=Lax/i);
    assert.match(line, /;\s*Path=\/v1\/auth\/google(;|$)/i);
    assert.match(line, /;\s*Max-Age=600(;|$)/i);
    // Signed: a value and an HMAC; and never the raw state in the clear as the whole value.
    const value = decodeURIComponent(line.split(';')[0]!.split('=').slice(1).join('='));
    assert.match(value, /^[A-Za-z0-9_-]+\.[A-Za-z0-9+/]+$/);
    assert.ok(!value.startsWith(new URL(authorizationUrl).searchParams.get('state')!));
  });

  test('each start has its own state, nonce and verifier', async () => {
    const a = new URL((await startGoogle(h)).authorizationUrl).searchParams;
    const b = new URL((await startGoogle(h)).authorizationUrl).searchParams;
    for (const k of ['state', 'nonce', 'code_challenge']) assert.notEqual(a.get(k), b.get(k), k);
  });
});

describe('without a Google client id', () => {
  test('the provider list says false and the Google routes answer 404 problems', async () => {
    const plain = await startHarness();
    try {
      assert.deepEqual((await plain.inject({ method: 'GET', url: '/v1/auth/providers' })).json(), { google: false });
      assertProblem(await plain.inject({ method: 'GET', url: '/v1/auth/google' }), 404, 'not_found');
      assertProblem(
        await plain.inject({ method: 'GET', url: '/v1/auth/google/callback?code=x&state=y' }),
        404,
        'not_found',
      );
    } finally {
      await plain.close();
    }
  });
});
