// Admin identity (docs/admin.md): only an admin key's signature reaches /v1/admin, an admin key
// reaches nothing else, a revoked one nothing at all, its secret is stored sealed, and every call
// is in the admin audit log with who, what, when, from where and why.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness.js';
import { assertProblem } from '../helpers/problems.js';
import { bearer, signup, web } from '../helpers/accounts.js';
import { createKey } from '../keys/support.js';
import { adminKey, auditRows, signed, signedRequest } from './support.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

test('an admin key signs /v1/admin calls, with either signature scheme', async () => {
  const key = await adminKey(h);
  await signup(h, 'found@example.com');
  for (const scheme of ['rfc9421', 'cavage'] as const) {
    const r = await signed(h, key, 'GET', '/v1/admin/users?email=found%40example.com', undefined, scheme);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().users[0].email, 'found@example.com');
  }
});

test('an admin key is refused on /v1/me: it is no user key', async () => {
  const key = await adminKey(h);
  assertProblem(await signed(h, key, 'GET', '/v1/me'), 401, 'invalid_signature');
});

test('a user key, a bearer session, a portal cookie and no credentials are all refused on /v1/admin', async () => {
  const { token, userId } = await signup(h, 'user-key@example.com');
  const userKey = await createKey(h, token);
  const { reply } = await signup(h, 'portal@example.com', { client: 'web' });
  assertProblem(await signed(h, userKey, 'GET', '/v1/admin/users?email=x%40example.com'), 401, 'invalid_signature');
  const url = '/v1/admin/users?email=x%40example.com';
  assertProblem(await h.inject({ method: 'GET', url, headers: bearer(token) }), 401, 'unauthorized');
  const cookie = String(reply.res.headers['set-cookie']).split(';')[0]!;
  assertProblem(await h.inject({ method: 'GET', url, headers: web(cookie) }), 401, 'unauthorized');
  assertProblem(await h.inject({ method: 'GET', url }), 401, 'unauthorized');
  const lock = await h.inject({
    method: 'POST',
    url: `/v1/admin/users/${userId}/lock`,
    headers: bearer(token),
    payload: { reason: 'self' },
  });
  assertProblem(lock, 401, 'unauthorized');
});

test('a revoked admin key is refused at once', async () => {
  const key = await adminKey(h, 'leaver');
  assert.equal((await signed(h, key, 'GET', '/v1/admin/users?email=a%40example.com')).statusCode, 200);
  assert.equal(await h.runtime.services.admin.keys.revoke(key.id), true);
  assert.equal(await h.runtime.services.admin.keys.revoke(key.id), false);
  assertProblem(await signed(h, key, 'GET', '/v1/admin/users?email=a%40example.com'), 401, 'invalid_signature');
});

test('a signed admin write is accepted once: the same signature again is a replay', async () => {
  const key = await adminKey(h);
  const { userId } = await signup(h, 'replay@example.com');
  const request = signedRequest(h, key, 'POST', `/v1/admin/users/${userId}/sessions/end`, { reason: 'test' });
  const first = await h.inject(request);
  assert.equal(first.statusCode, 200, first.body);
  const again = await h.inject(request);
  assertProblem(again, 401, 'replayed_signature');
});

test('every admin call is audited: key, action, account, reason, ticket, address and status', async () => {
  const key = await adminKey(h, 'alice at support');
  const { userId } = await signup(h, 'audited@example.com');
  const before = (await auditRows(h)).length;
  await signed(h, key, 'POST', `/v1/admin/users/${userId}/sessions/end`, { reason: 'owner asked', ticket: 'T-42' });
  await signed(h, key, 'GET', `/v1/admin/users/nobody`);
  const rows = (await auditRows(h)).slice(before);
  assert.equal(rows.length, 2);
  assert.deepEqual(
    rows.map((r) => [r.keyId, r.keyName, r.action, r.targetUserId, r.reason, r.ticket, r.status]),
    [
      [key.id, 'alice at support', 'POST /v1/admin/users/:id/sessions/end', userId, 'owner asked', 'T-42', 200],
      [key.id, 'alice at support', 'GET /v1/admin/users/:id', 'nobody', null, null, 404],
    ],
  );
  assert.equal(rows[0]!.ip, '127.0.0.1');
  assert.ok(rows[0]!.at > 0);
});

test("an admin key's secret is sealed in the database, never stored as given", async () => {
  const key = await adminKey(h);
  const row = await h.runtime.storage.admin.findKey(key.id);
  assert.ok(row);
  assert.equal(row.secretEnc.includes(key.secret), false);
  assert.equal(row.secretEnc.includes(Buffer.from(key.secret, 'base64').toString('hex')), false);
  const listed = await h.runtime.services.admin.keys.list();
  assert.ok(listed.some((k) => k.id === key.id));
});
