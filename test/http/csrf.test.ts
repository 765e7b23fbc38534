// Cross-site request forgery: a request that rides on the portal's session cookie must prove it
// comes from the portal (Origin, else Referer). Bearer-token apps are not exposed to CSRF.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ORIGIN, startHarness, type Harness } from '../helpers/harness.js';
import { PASSWORD, assertProblem, bearer, login, webUser } from './http-helpers.js';

const NEW_PASSWORD = 'an entirely new passphrase';

describe('CSRF protection of cookie sessions', () => {
  let h: Harness;
  let n = 0;
  let email: string;
  let cookie: string;
  /** A second session of the same account (an app), so that "ends other sessions" is visible. */
  let otherToken: string;
  let otherId: string;

  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(async () => {
    email = `victim${++n}@example.com`;
    cookie = (await webUser(h, email)).cookie;
    otherToken = (await login(h, email)).json().token;
    const list = (await h.inject({ method: 'GET', url: '/v1/me/sessions', headers: bearer(otherToken) })).json();
    otherId = list.find((s: { current: boolean }) => s.current).id;
  });

  const changePassword = (headers: Record<string, string>) =>
    h.inject({
      method: 'POST',
      url: '/v1/me/password',
      headers,
      payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    });

  /** Nothing the forged requests tried happened: same password, every session alive, no 2FA set-up. */
  async function assertUntouched(): Promise<void> {
    assert.equal(
      (await h.inject({ method: 'GET', url: '/v1/me', headers: { cookie } })).statusCode,
      200,
      'the portal session lives',
    );
    assert.equal(
      (await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(otherToken) })).statusCode,
      200,
      'the other session lives',
    );
    assert.equal((await login(h, email, PASSWORD)).statusCode, 200, 'the password is unchanged');
    const events = (await h.inject({ method: 'GET', url: '/v1/me/events', headers: bearer(otherToken) })).json();
    assert.ok(
      !events.some((e: { type: string }) => /password\.changed|mfa\.|session\.ended|signout/.test(e.type)),
      JSON.stringify(events),
    );
  }

  test('cookie requests without Origin or Referer are refused on every unsafe route, and nothing changes', async () => {
    const forged = [
      {
        method: 'POST' as const,
        url: '/v1/me/password',
        payload: { current_password: PASSWORD, new_password: NEW_PASSWORD },
      },
      { method: 'DELETE' as const, url: `/v1/me/sessions/${otherId}` },
      { method: 'DELETE' as const, url: '/v1/me/sessions' },
      { method: 'POST' as const, url: '/v1/auth/logout' },
      { method: 'POST' as const, url: '/v1/me/mfa/setup', payload: { method: 'totp', password: PASSWORD } },
    ];
    for (const r of forged) assertProblem(await h.inject({ ...r, headers: { cookie } }), 403, 'csrf_failed');
    await assertUntouched();
  });

  test('a foreign Origin is refused: another site, port, scheme, a look-alike host, or "null"', async () => {
    for (const origin of [
      'https://evil.example',
      'http://127.0.0.1:8081',
      'https://127.0.0.1:8080',
      'http://127.0.0.1:8080.evil.example',
      'null',
      'garbage',
    ]) {
      assertProblem(await changePassword({ cookie, origin }), 403, 'csrf_failed');
    }
    // A foreign Origin is not rescued by a right Referer.
    assertProblem(
      await changePassword({ cookie, origin: 'https://evil.example', referer: `${ORIGIN}/settings` }),
      403,
      'csrf_failed',
    );
    await assertUntouched();
  });

  test('a cross-site form post (urlencoded or text/plain) is refused as CSRF before its body is read', async () => {
    for (const ct of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const r = await h.inject({
        method: 'POST',
        url: '/v1/auth/logout',
        headers: { cookie, origin: 'https://evil.example', 'content-type': ct },
        payload: 'a=b',
      });
      assertProblem(r, 403, 'csrf_failed');
    }
    await assertUntouched();
  });

  test('our own Origin is accepted', async () => {
    assert.equal((await changePassword({ cookie, origin: ORIGIN })).statusCode, 200);
    assert.equal((await login(h, email, NEW_PASSWORD)).statusCode, 200);
  });

  test('without Origin the Referer decides: our pages pass, anything else is refused', async () => {
    for (const referer of [
      'https://evil.example/',
      `https://evil.example/${ORIGIN}/`,
      'not a url',
      `${ORIGIN}.evil.example/settings`,
    ]) {
      assertProblem(await changePassword({ cookie, referer }), 403, 'csrf_failed');
    }
    await assertUntouched();
    const ok = await h.inject({
      method: 'DELETE',
      url: `/v1/me/sessions/${otherId}`,
      headers: { cookie, referer: `${ORIGIN}/settings/devices?tab=1` },
    });
    assert.equal(ok.statusCode, 204);
    assertProblem(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(otherToken) }), 401, 'unauthorized');
  });

  test('bearer-token requests need no Origin (a cross-site page cannot set Authorization)', async () => {
    assert.equal((await changePassword(bearer(otherToken))).statusCode, 200);
    assert.equal((await login(h, email, NEW_PASSWORD)).statusCode, 200);
  });

  test('an Authorization header of another scheme does not exempt a cookie request from the check', async () => {
    // Browsers replay cached Basic credentials on their own (e.g. behind a password-protected proxy).
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Digest username="u"', 'Token abc']) {
      assertProblem(await changePassword({ cookie, authorization }), 403, 'csrf_failed');
    }
    await assertUntouched();
  });

  test('GET with the cookie and no Origin is allowed (safe methods change nothing)', async () => {
    for (const url of ['/v1/me', '/v1/me/sessions', '/v1/me/events', '/v1/me/mfa']) {
      assert.equal((await h.inject({ method: 'GET', url, headers: { cookie } })).statusCode, 200, url);
    }
  });

  test('unsafe requests without any session cookie are not CSRF-checked (nothing to ride on)', async () => {
    const r = await h.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { origin: 'https://evil.example' },
      payload: { email, password: PASSWORD, client: 'app' },
    });
    assert.equal(r.statusCode, 200);
  });
});
