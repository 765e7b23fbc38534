// An account's sessions over HTTP (on whichever database engine the harness picked): the list and
// ending one (never another account's), ending every other, a password change ending every other
// session, the 7-day idle and 30-day absolute lifetimes of portal sessions (30 idle days for
// apps), and last_seen_at written at most once a minute.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashToken } from '../../src/core/tokens.js';
import { withHarness } from '../helpers/harness.js';
import { PASSWORD, appUser, assertProblem, bearer, login, me, webUser } from './http-helpers.js';

const DAY = 86_400_000;

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
