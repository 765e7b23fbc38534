// Sign-up over HTTP (on whichever database engine the harness picked): the portal gets a session
// cookie (HttpOnly, SameSite=Lax; behind https __Host- with Secure, and HSTS) and no token, an app
// a bearer token and no cookie; a taken address (any case or spacing), a weak password and a
// malformed address are refused and create nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHarness } from '../helpers/harness.js';
import { PASSWORD, assertProblem, attrs, bearer, login, me, sessionCookie, signup } from './http-helpers.js';

test('portal sign-up sets an HttpOnly, SameSite=Lax, Path=/ cookie (not Secure over http) and puts no token in the body', () =>
  withHarness(async (h) => {
    const r = await signup(h, 'web@example.com', PASSWORD, 'web');
    assert.equal(r.json().status, 'authenticated');
    assert.equal(r.json().token, undefined);
    assert.deepEqual(Object.keys(r.json().user).sort(), [
      'created_at',
      'email',
      'email_verified',
      'google_linked',
      'id',
      'mfa',
    ]);
    assert.deepEqual(r.json().user.mfa, { enabled: false, method: null });
    const line = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('twofold_session='))!;
    const a = attrs(line);
    for (const want of ['httponly', 'samesite=lax', 'path=/']) assert.ok(a.includes(want), `${want} in ${line}`);
    assert.ok(!a.includes('secure'), line);
    assert.equal((await me(h, { cookie: sessionCookie(r) })).json().email, 'web@example.com');
  }));

test('app sign-up answers a bearer token and sets no cookie', () =>
  withHarness(async (h) => {
    const r = await signup(h, 'app@example.com', PASSWORD, 'app');
    assert.equal(typeof r.json().token, 'string');
    assert.equal(r.headers['set-cookie'], undefined);
    assert.equal((await me(h, bearer(r.json().token))).statusCode, 200);
  }));

test('an email already registered is refused as email_taken, whatever its case or spacing', () =>
  withHarness(async (h) => {
    await signup(h, 'dup@example.com');
    for (const email of ['DUP@Example.COM', '  dup@example.com ']) {
      assertProblem(
        await h.inject({
          method: 'POST',
          url: '/v1/auth/signup',
          payload: { email, password: 'another fine passphrase' },
        }),
        409,
        'email_taken',
      );
    }
  }));

test('weak passwords are refused with weak_password and create no account', () =>
  withHarness(async (h) => {
    const email = 'weakling@example.com';
    for (const password of ['7chars!', 'password123', 'Password123', 'qwertyuiop', email, 'WEAKLING@example.com']) {
      assertProblem(
        await h.inject({ method: 'POST', url: '/v1/auth/signup', payload: { email, password } }),
        422,
        'weak_password',
      );
    }
    assertProblem(await login(h, email, 'password123'), 401, 'invalid_credentials');
    await signup(h, email, PASSWORD);
  }));

test('a malformed email is refused with invalid_email', () =>
  withHarness(async (h) => {
    for (const email of ['not-an-email', 'a@b', '@example.com', 'a b@example.com', 'a@@example.com']) {
      assertProblem(
        await h.inject({ method: 'POST', url: '/v1/auth/signup', payload: { email, password: PASSWORD } }),
        422,
        'invalid_email',
      );
    }
  }));

test('behind https the cookie is __Host-twofold_session with Secure, and HSTS is sent', () =>
  withHarness(
    async (h) => {
      const r = await h.inject({
        method: 'POST',
        url: '/v1/auth/signup',
        payload: { email: 'tls@example.com', password: PASSWORD },
      });
      assert.equal(r.statusCode, 201);
      const cookie = sessionCookie(r, '__Host-twofold_session');
      const line = ([] as string[]).concat(r.headers['set-cookie'] ?? []).find((c) => c.startsWith('__Host-'))!;
      for (const want of ['secure', 'httponly', 'samesite=lax', 'path=/'])
        assert.ok(attrs(line).includes(want), `${want} in ${line}`);
      assert.ok(!attrs(line).some((a) => a.startsWith('domain=')), '__Host- cookies carry no Domain');
      assert.match(String(r.headers['strict-transport-security']), /max-age=\d{7,}/);
      assert.equal((await me(h, { cookie })).statusCode, 200);
      assertProblem(await me(h, { cookie: cookie.replace('__Host-', '') }), 401, 'unauthorized');
      const out = await h.inject({
        method: 'POST',
        url: '/v1/auth/logout',
        headers: { cookie, origin: 'https://twofold.example' },
      });
      assert.equal(out.statusCode, 204);
    },
    { env: { TWOFOLD_PUBLIC_URL: 'https://twofold.example' } },
  ));
