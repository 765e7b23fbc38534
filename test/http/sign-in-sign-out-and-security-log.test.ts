// Signing in and out over HTTP (on whichever database engine the harness picked): a new session at
// every sign-in, the same 401 for a wrong password and an unknown address (no enumeration),
// sign-out ending the session on the server and clearing the cookie, GET /v1/me giving the same
// account by cookie and by bearer token, and the security log of it all (newest first, paged with
// limit, before and a Link header).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHarness } from '../helpers/harness.js';
import { PASSWORD, appUser, assertProblem, attrs, bearer, login, me, sessionCookie, webUser } from './http-helpers.js';

test('sign-in answers the user and a new session token at every sign-in', () =>
  withHarness(async (h) => {
    const { id } = await appUser(h, 'signin@example.com');
    const [a, b] = [await login(h, 'Signin@Example.com'), await login(h, 'signin@example.com')];
    for (const r of [a, b]) {
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.json().status, 'authenticated');
      assert.equal(r.json().user.id, id);
    }
    assert.notEqual(a.json().token, b.json().token);
    const [c, d] = [
      await login(h, 'signin@example.com', PASSWORD, 'web'),
      await login(h, 'signin@example.com', PASSWORD, 'web'),
    ];
    assert.notEqual(sessionCookie(c), sessionCookie(d));
    assert.equal(c.json().token, undefined);
  }));

test('a wrong password and an unknown email get the same 401 answer (no account enumeration)', () =>
  withHarness(async (h) => {
    await appUser(h, 'known@example.com');
    const wrong = await login(h, 'known@example.com', 'not the password at all');
    const unknown = await h.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: 'unknown@example.com', password: 'not the password at all', client: 'app' },
    });
    assertProblem(wrong, 401, 'invalid_credentials');
    assert.equal(unknown.statusCode, 401);
    assert.equal(unknown.body, wrong.body);
  }));

test('sign-out ends the session on the server and clears the cookie', () =>
  withHarness(async (h) => {
    const w = await webUser(h, 'out@example.com');
    const out = await h.inject({ method: 'POST', url: '/v1/auth/logout', headers: w.auth });
    assert.equal(out.statusCode, 204);
    const cleared = ([] as string[])
      .concat(out.headers['set-cookie'] ?? [])
      .find((c) => c.startsWith('twofold_session='))!;
    assert.match(cleared, /^twofold_session=;/);
    assert.ok(
      attrs(cleared).some((a) => a === 'max-age=0' || a.startsWith('expires=thu, 01 jan 1970')),
      cleared,
    );
    assertProblem(await me(h, { cookie: w.cookie }), 401, 'unauthorized');

    const app = await login(h, 'out@example.com');
    assert.equal(
      (await h.inject({ method: 'POST', url: '/v1/auth/logout', headers: bearer(app.json().token) })).statusCode,
      204,
    );
    assertProblem(await me(h, bearer(app.json().token)), 401, 'unauthorized');
    const fresh = bearer((await login(h, 'out@example.com')).json().token);
    const types = (await h.inject({ method: 'GET', url: '/v1/me/events', headers: fresh }))
      .json()
      .map((e: { type: string }) => e.type);
    assert.equal(types.filter((t: string) => t === 'signout').length, 2);
  }));

test('GET /v1/me gives the same account by cookie and by bearer token', () =>
  withHarness(async (h) => {
    const w = await webUser(h, 'both@example.com');
    const app = await login(h, 'both@example.com');
    const [byCookie, byBearer] = [await me(h, { cookie: w.cookie }), await me(h, bearer(app.json().token))];
    assert.equal(byCookie.statusCode, 200);
    assert.deepEqual(byCookie.json(), byBearer.json());
    // The same user object as the sign-in's, plus the limits only GET /v1/me states.
    const { limits, ...user } = byCookie.json();
    assert.deepEqual(user, app.json().user);
    assert.deepEqual(limits, { access_keys: 2 });
    assertProblem(await me(h, {}), 401, 'unauthorized');
  }));

test('the security log lists newest first and pages with limit, before and a Link header', () =>
  withHarness(async (h) => {
    const w = await webUser(h, 'log@example.com');
    await login(h, 'log@example.com');
    await login(h, 'log@example.com');
    await login(h, 'log@example.com', 'a wrong password');
    const all = (await h.inject({ method: 'GET', url: '/v1/me/events', headers: w.auth })).json();
    assert.deepEqual(
      all.map((e: { type: string }) => e.type),
      [
        'signin.failed',
        'signin.succeeded',
        'signin.succeeded',
        'email.verified',
        'email.verification_sent',
        'signin.succeeded',
        'account.created',
      ],
    );
    for (const e of all)
      assert.ok(typeof e.at === 'string' && !Number.isNaN(Date.parse(e.at)) && 'ip' in e && 'user_agent' in e);
    const paged: unknown[] = [];
    let url: string | undefined = '/v1/me/events?limit=2';
    while (url) {
      const r = await h.inject({ method: 'GET', url, headers: w.auth });
      assert.ok(r.json().length <= 2);
      paged.push(...r.json());
      const link = r.headers.link as string | undefined;
      if (link) assert.match(link, /^<\/v1\/me\/events\?limit=2&before=\d+>; rel="next"$/);
      url = link && r.json().length > 0 ? /^<([^>]+)>/.exec(link)![1] : undefined;
    }
    assert.deepEqual(paged, all);
    const before = all[1].id;
    assert.deepEqual(
      (await h.inject({ method: 'GET', url: `/v1/me/events?before=${before}`, headers: w.auth })).json(),
      all.slice(2),
    );
  }));
