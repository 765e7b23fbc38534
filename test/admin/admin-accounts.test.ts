// Accounts through /v1/admin/users (docs/admin.md): search by exact email or prefix, paginated,
// with LIKE wildcards taken literally; the account page; a lock that stops sign-in, sessions and
// access keys and tells the owner; unlock; signing out everywhere; deletion.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness.js';
import { assertProblem } from '../helpers/problems.js';
import { bearer, login, signup } from '../helpers/accounts.js';
import { createKey } from '../keys/support.js';
import { adminKey, signed, type Key } from './support.js';

let h: Harness;
let admin: Key;
before(async () => {
  h = await startHarness();
  admin = await adminKey(h);
});
after(async () => {
  await h?.close();
});

const find = (q: string) => signed(h, admin, 'GET', `/v1/admin/users?${q}`);

test('search: exact email (any case), a prefix with *, pages by `after`, and % or _ match only themselves', async () => {
  for (const n of [1, 2, 3, 4, 5]) await signup(h, `page${n}@search.example`);
  await signup(h, 'pagex_y@search.example');
  const exact = (await find('email=PAGE3%40search.example')).json();
  assert.deepEqual(
    exact.users.map((u: { email: string }) => u.email),
    ['page3@search.example'],
  );
  const first = (await find('email=page*&limit=2')).json();
  assert.deepEqual(
    first.users.map((u: { email: string }) => u.email),
    ['page1@search.example', 'page2@search.example'],
  );
  assert.equal(first.next, 'page2@search.example');
  const second = (await find(`email=page*&limit=10&after=${encodeURIComponent(first.next)}`)).json();
  assert.equal(second.users.length, 4);
  assert.equal(second.next, null);
  assert.equal((await find('email=page%25*')).json().users.length, 0);
  assert.deepEqual(
    (await find('email=pagex_*')).json().users.map((u: { email: string }) => u.email),
    ['pagex_y@search.example'],
  );
  assertProblem(await find('limit=2'), 400, 'validation_failed');
});

test('the account page: verified, created, last sign-in, 2FA method, keys, Google, lock and recent events; no secret', async () => {
  const { token, userId } = await signup(h, 'page@example.com');
  await createKey(h, token);
  const r = await signed(h, admin, 'GET', `/v1/admin/users/${userId}`);
  assert.equal(r.statusCode, 200, r.body);
  const u = r.json();
  assert.equal(u.email, 'page@example.com');
  assert.equal(u.email_verified, true);
  assert.equal(u.mfa_method, null);
  assert.equal(u.access_keys, 1);
  assert.equal(u.google_linked, false);
  assert.equal(u.locked, false);
  assert.ok(u.last_sign_in_at);
  assert.ok(u.recent_events.some((e: { type: string }) => e.type === 'access_key.created'));
  assert.doesNotMatch(r.body, /password_hash|secret/);
  assertProblem(await signed(h, admin, 'GET', '/v1/admin/users/nobody'), 404, 'not_found');
});

test('a locked account cannot sign in, its sessions end, its keys are refused, the owner is mailed; unlock restores', async () => {
  const email = 'locked@example.com';
  const { token, userId } = await signup(h, email);
  const key = await createKey(h, token);
  const lock = await signed(h, admin, 'POST', `/v1/admin/users/${userId}/lock`, {
    reason: 'fraud report',
    ticket: 'T-7',
  });
  assert.equal(lock.statusCode, 200, lock.body);
  assert.equal(lock.json().locked, true);
  assertProblem(await login(h, email), 403, 'account_locked');
  assertProblem(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) }), 401, 'unauthorized');
  assertProblem(await signed(h, key, 'GET', '/v1/me'), 403, 'account_locked');
  assert.ok(h.mailer.to(email).some((m) => /locked/i.test(m.subject)));
  // A wrong password says nothing about the lock.
  assertProblem(await login(h, email, { password: 'wrong password here' }), 401, 'invalid_credentials');

  const unlock = await signed(h, admin, 'POST', `/v1/admin/users/${userId}/unlock`, { reason: 'cleared' });
  assert.equal(unlock.json().locked, false);
  assert.equal((await login(h, email)).statusCode, 200);
  assert.equal((await signed(h, key, 'GET', '/v1/me')).statusCode, 200);
  assert.ok(h.mailer.to(email).some((m) => /unlocked/i.test(m.subject)));
});

test('a lock with `until` ends by itself; one in the past is refused', async () => {
  const email = 'timed@example.com';
  const { userId } = await signup(h, email);
  const until = new Date(h.clock.now() + 3_600_000).toISOString();
  const r = await signed(h, admin, 'POST', `/v1/admin/users/${userId}/lock`, { reason: 'cool off', until });
  assert.equal(r.json().locked_until, until);
  assertProblem(await login(h, email), 403, 'account_locked');
  h.clock.advance(3_600_001);
  assert.equal((await login(h, email)).statusCode, 200);
  const past = new Date(h.clock.now() - 1000).toISOString();
  assertProblem(
    await signed(h, admin, 'POST', `/v1/admin/users/${userId}/lock`, { reason: 'x', until: past }),
    400,
    'validation_failed',
  );
});

test('a lock needs a reason: without one nothing changes', async () => {
  const { userId } = await signup(h, 'noreason@example.com');
  assertProblem(await signed(h, admin, 'POST', `/v1/admin/users/${userId}/lock`, {}), 400, 'validation_failed');
  assert.equal((await login(h, 'noreason@example.com')).statusCode, 200);
});

test('sessions/end signs the account out everywhere and mails the owner', async () => {
  const email = 'everywhere@example.com';
  const { token, userId } = await signup(h, email);
  const r = await signed(h, admin, 'POST', `/v1/admin/users/${userId}/sessions/end`, { reason: 'stolen laptop' });
  assert.equal(r.statusCode, 200, r.body);
  assert.ok(r.json().sessions_ended >= 1);
  assertProblem(await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) }), 401, 'unauthorized');
  assert.ok(h.mailer.to(email).some((m) => /signed out/i.test(m.subject)));
});

test('DELETE removes the account and mails the owner; the audit log keeps the call', async () => {
  const email = 'gone@example.com';
  const { userId } = await signup(h, email);
  const r = await signed(h, admin, 'DELETE', `/v1/admin/users/${userId}`, { reason: 'owner asked', ticket: 'T-9' });
  assert.equal(r.statusCode, 204, r.body);
  assert.equal(await h.runtime.storage.users.findById(userId), null);
  assertProblem(await login(h, email), 401, 'invalid_credentials');
  assert.ok(h.mailer.to(email).some((m) => /deleted/i.test(m.subject)));
  const audit = await h.runtime.storage.admin.listAudit({ sinceMs: 0, limit: 1000 });
  assert.ok(
    audit.some((a) => a.action === 'DELETE /v1/admin/users/:id' && a.targetUserId === userId && a.ticket === 'T-9'),
  );
});

test('the export reads every account’s security events oldest first, from a time, by pages', async () => {
  const { userId } = await signup(h, 'exported@example.com');
  const all = await h.runtime.storage.admin.listEvents({ sinceMs: 0, limit: 10_000 });
  assert.ok(all.some((e) => e.userId === userId && e.type === 'account.created'));
  assert.deepEqual(
    all.map((e) => e.id),
    [...all.map((e) => e.id)].sort((a, b) => a - b),
  );
  const page = await h.runtime.storage.admin.listEvents({ sinceMs: 0, afterId: all[1]!.id, limit: 2 });
  assert.deepEqual(
    page.map((e) => e.id),
    all.slice(2, 4).map((e) => e.id),
  );
  assert.equal((await h.runtime.storage.admin.listEvents({ sinceMs: h.clock.now() + 1, limit: 10 })).length, 0);
});
