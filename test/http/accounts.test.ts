// Accounts over HTTP: sign-up, sign-in, sign-out, the account, its sessions and security log, and
// the password change — on whichever database engine the harness picked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../../src/core/tokens.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { PASSWORD, appUser, assertProblem, bearer, login, sessionCookie, signup, webUser } from './http-helpers.js';

const DAY = 86_400_000;

async function withHarness(fn: (h: Harness) => Promise<void>, env?: Record<string, string>): Promise<void> {
  const h = await startHarness(env ? { env } : {});
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

const attrs = (setCookie: string) =>
  setCookie
    .split(/;\s*/)
    .slice(1)
    .map((a) => a.toLowerCase());
const me = (h: Harness, headers: Record<string, string>) => h.inject({ method: 'GET', url: '/v1/me', headers });

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

test("sessions: the list flags the current one; ending one works once; another account's session is not found", () =>
  withHarness(async (h) => {
    const w = await webUser(h, 'devices@example.com');
    const app = await login(h, 'devices@example.com');
    const list = (await h.inject({ method: 'GET', url: '/v1/me/sessions', headers: w.auth })).json();
    assert.equal(list.length, 2);
    const current = list.find((s: { current: boolean }) => s.current);
    const other = list.find((s: { current: boolean }) => !s.current);
    assert.equal(current.client, 'web');
    assert.equal(other.client, 'app');
    for (const s of list)
      for (const k of ['id', 'created_at', 'last_seen_at', 'ip', 'user_agent']) assert.ok(k in s, k);

    const mallory = await appUser(h, 'mallory@example.com');
    assertProblem(
      await h.inject({ method: 'DELETE', url: `/v1/me/sessions/${other.id}`, headers: mallory.auth }),
      404,
      'not_found',
    );
    assert.equal((await me(h, bearer(app.json().token))).statusCode, 200);

    assert.equal(
      (await h.inject({ method: 'DELETE', url: `/v1/me/sessions/${other.id}`, headers: w.auth })).statusCode,
      204,
    );
    assertProblem(await me(h, bearer(app.json().token)), 401, 'unauthorized');
    assertProblem(
      await h.inject({ method: 'DELETE', url: `/v1/me/sessions/${other.id}`, headers: w.auth }),
      404,
      'not_found',
    );
    assertProblem(
      await h.inject({ method: 'DELETE', url: '/v1/me/sessions/no-such-session', headers: w.auth }),
      404,
      'not_found',
    );
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

test('changing the password needs the current one and ends every other session', () =>
  withHarness(async (h) => {
    const w = await webUser(h, 'change@example.com');
    const other = (await login(h, 'change@example.com')).json().token;
    const change = (current_password: string) =>
      h.inject({
        method: 'POST',
        url: '/v1/me/password',
        headers: w.auth,
        payload: { current_password, new_password: 'a brand new passphrase' },
      });
    assertProblem(await change('not my password'), 403, 'reauthentication_failed');
    assert.equal((await me(h, bearer(other))).statusCode, 200, 'a refused change ends nothing');
    assertProblem(await login(h, 'change@example.com', 'a brand new passphrase'), 401, 'invalid_credentials');

    assert.equal((await change(PASSWORD)).statusCode, 200);
    assertProblem(await me(h, bearer(other)), 401, 'unauthorized');
    assert.equal((await me(h, { cookie: w.cookie })).statusCode, 200, 'the session that changed it stays');
    assertProblem(await login(h, 'change@example.com'), 401, 'invalid_credentials');
    assert.equal((await login(h, 'change@example.com', 'a brand new passphrase')).statusCode, 200);
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
    { TWOFOLD_PUBLIC_URL: 'https://twofold.example' },
  ));

test('a web session ends after 7 idle days but lives on while it is used', () =>
  withHarness(async (h) => {
    const w = await webUser(h, 'idle@example.com');
    for (let i = 0; i < 3; i++) {
      h.clock.advance(7 * DAY - 60_000);
      assert.equal((await me(h, { cookie: w.cookie })).statusCode, 200, `use ${i}`);
    }
    h.clock.advance(7 * DAY);
    assertProblem(await me(h, { cookie: w.cookie }), 401, 'unauthorized');
    h.clock.advance(-7 * DAY);
    assertProblem(await me(h, { cookie: w.cookie }), 401, 'unauthorized');
  }));

test('a session ends at its absolute lifetime (30 days for the portal) even while in use; app sessions idle 30 days', () =>
  withHarness(async (h) => {
    const w = await webUser(h, 'absolute@example.com');
    const app = (await login(h, 'absolute@example.com')).json().token;
    for (let day = 6; day < 30; day += 6) {
      h.clock.advance(6 * DAY);
      assert.equal((await me(h, { cookie: w.cookie })).statusCode, 200, `day ${day}`);
    }
    assert.equal((await me(h, bearer(app))).statusCode, 200, 'an app session idle 24 days still works');
    h.clock.advance(6 * DAY);
    assertProblem(await me(h, { cookie: w.cookie }), 401, 'unauthorized');
    assert.equal((await me(h, bearer(app))).statusCode, 200);
    h.clock.advance(30 * DAY);
    assertProblem(await me(h, bearer(app)), 401, 'unauthorized');
  }));

test('last_seen_at is written at most once a minute, not on every request', () =>
  withHarness(async (h) => {
    const { token } = await appUser(h, 'seen@example.com');
    const row = async () => (await h.runtime.storage.sessions.findByTokenHash(hashToken(token)))!.lastSeenAt;
    const t0 = await row();
    assert.equal(t0, h.clock.now());
    h.clock.advance(59_000);
    assert.equal((await me(h, bearer(token))).statusCode, 200);
    assert.equal(await row(), t0);
    h.clock.advance(1_000);
    assert.equal((await me(h, bearer(token))).statusCode, 200);
    assert.equal(await row(), t0 + 60_000);
    h.clock.advance(30_000);
    const listed = (await h.inject({ method: 'GET', url: '/v1/me/sessions', headers: bearer(token) })).json();
    assert.equal(listed[0].last_seen_at, new Date(t0 + 60_000).toISOString());
    assert.equal(await row(), t0 + 60_000);
  }));

test('ending every other session keeps the current one', () =>
  withHarness(async (h) => {
    const w = await webUser(h, 'others@example.com');
    const [a, b] = [
      (await login(h, 'others@example.com')).json().token,
      (await login(h, 'others@example.com')).json().token,
    ];
    const r = await h.inject({ method: 'DELETE', url: '/v1/me/sessions', headers: w.auth });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { ended: 2 });
    for (const t of [a, b]) assertProblem(await me(h, bearer(t)), 401, 'unauthorized');
    assert.equal((await me(h, { cookie: w.cookie })).statusCode, 200);
  }));
