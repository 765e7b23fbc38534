// The life of an access key over the API (shared/API.md "Account"): create (the only answer with
// the secret), the limit of 2 with disabled keys counted, lists without secrets, last_used_at
// (set on first signed use, not rewritten within a minute), disable/enable/delete and what a
// signed request gets after each, events, and no secret in any table, mail or event.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { TEST_PUBLIC_URL, startHarness, type Harness } from '../helpers/harness.js';
import { dumpAllTables } from '../helpers/tables.js';
import { signCavage, signRfc9421 } from './independent-signer.js';
import {
  KEY_ID,
  PUBLIC_HOST,
  assertNoSecretIn,
  assertProblem,
  bearer,
  createKey,
  createKeyRaw,
  listKeys,
  setEnabled,
  signup,
  type CreatedKey,
} from './support.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

function signedGet(
  key: CreatedKey,
  path = '/v1/me',
  scheme: 'rfc9421' | 'cavage' = 'rfc9421',
): Promise<LightMyRequestResponse> {
  const input = {
    method: 'GET',
    url: `${TEST_PUBLIC_URL}${path}`,
    keyId: key.id,
    secret: key.secret,
    nowMs: h.clock.now(),
  };
  const headers = scheme === 'rfc9421' ? signRfc9421(input) : signCavage(input);
  return h.inject({ method: 'GET', url: path, headers: { host: PUBLIC_HOST, ...headers } });
}

test('create answers 201 with a 20-character A-Z2-7 id and a secret of 30 random bytes in base64, once', async () => {
  const { token } = await signup(h, 'create@example.com');
  const before = h.clock.now();
  const r = await createKeyRaw(h, token);
  assert.equal(r.statusCode, 201, r.body);
  const k = r.json();
  assert.deepEqual(Object.keys(k).sort(), ['created_at', 'enabled', 'id', 'last_used_at', 'secret']);
  assert.match(k.id, KEY_ID);
  assert.match(k.secret, /^[A-Za-z0-9+/]{40}$/);
  assert.equal(Buffer.from(k.secret, 'base64').length, 30);
  assert.equal(Buffer.from(k.secret, 'base64').toString('base64'), k.secret, 'standard base64');
  assert.equal(k.enabled, true);
  assert.equal(k.last_used_at, null);
  assert.equal(Date.parse(k.created_at), before);
  const second = await createKey(h, token);
  assert.notEqual(second.id, k.id);
  assert.notEqual(second.secret, k.secret);
});

test('a wrong password is 403 reauthentication_failed and creates nothing', async () => {
  const { token } = await signup(h, 'wrongpw@example.com');
  assertProblem(await createKeyRaw(h, token, 'not the password'), 403, 'reauthentication_failed');
  assert.deepEqual((await listKeys(h, token)).json(), []);
});

test('the 3rd key is 409 access_key_limit, disabled keys counted; deleting one frees a place', async () => {
  const { token } = await signup(h, 'limit@example.com');
  const a = await createKey(h, token);
  await createKey(h, token);
  assert.equal((await setEnabled(h, token, a.id, false)).statusCode, 200);
  assertProblem(await createKeyRaw(h, token), 409, 'access_key_limit');
  assert.equal((await listKeys(h, token)).json().length, 2);
  assert.equal(
    (await h.inject({ method: 'DELETE', url: `/v1/me/access-keys/${a.id}`, headers: bearer(token) })).statusCode,
    204,
  );
  assert.equal((await createKeyRaw(h, token)).statusCode, 201);
  assertProblem(await createKeyRaw(h, token), 409, 'access_key_limit');
});

test('10 key creations sent at once create exactly 2 keys; the refusals name the limit', async () => {
  const { token } = await signup(h, 'limit-race@example.com');
  // 10: each carries the password, and more than 10 at once from one address meet its throttle first.
  const answers = await Promise.all(Array.from({ length: 10 }, () => createKeyRaw(h, token)));
  const statuses = answers.map((r) => r.statusCode);
  assert.equal(statuses.filter((s) => s === 201).length, 2, statuses.join(','));
  for (const r of answers.filter((x) => x.statusCode !== 201)) {
    assertProblem(r, 409, 'access_key_limit');
    assert.equal(r.json().limit, 2);
  }
  assert.equal((await listKeys(h, token)).json().length, 2);
});

test('GET /v1/me states the configured access-key limit, so a client can show it before reaching it', async () => {
  const { token } = await signup(h, 'limit-shown@example.com');
  assert.deepEqual((await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })).json().limits, {
    access_keys: 2,
  });
  const five = await startHarness({ env: { TWOFOLD_ACCESS_KEY_LIMIT: '5' }, allowPostgres: false });
  try {
    const other = await signup(five, 'limit-five@example.com');
    assert.deepEqual(
      (await five.inject({ method: 'GET', url: '/v1/me', headers: bearer(other.token) })).json().limits,
      { access_keys: 5 },
    );
  } finally {
    await five.close();
  }
});

test('lists never carry a secret, with a bearer token or a signature', async () => {
  const { token } = await signup(h, 'list@example.com');
  const k = await createKey(h, token);
  for (const r of [await listKeys(h, token), await signedGet(k, '/v1/me/access-keys')]) {
    assert.equal(r.statusCode, 200, r.body);
    assert.deepEqual(Object.keys(r.json()[0]).sort(), ['created_at', 'enabled', 'id', 'last_used_at']);
    assert.equal(r.body.includes(k.secret), false);
  }
  const patch = await setEnabled(h, token, k.id, true);
  assert.equal(patch.body.includes(k.secret), false);
  assert.equal('secret' in patch.json(), false);
});

test('last_used_at is set on the first signed use and not rewritten within a minute', async () => {
  const { token } = await signup(h, 'lastused@example.com');
  const k = await createKey(h, token);
  const lastUsed = async () => (await listKeys(h, token)).json()[0].last_used_at as string | null;
  assert.equal(await lastUsed(), null);
  assert.equal((await listKeys(h, token)).statusCode, 200, 'a bearer request is not a use of the key');
  h.clock.advance(5_000);
  const first = h.clock.now();
  assert.equal((await signedGet(k)).statusCode, 200);
  assert.equal(await lastUsed(), new Date(first).toISOString());
  h.clock.advance(30_000);
  assert.equal((await signedGet(k, '/v1/me', 'cavage')).statusCode, 200);
  assert.equal(await lastUsed(), new Date(first).toISOString(), 'not rewritten 30 s later');
  h.clock.advance(29_000);
  assert.equal((await signedGet(k)).statusCode, 200);
  assert.equal(await lastUsed(), new Date(first).toISOString(), 'not rewritten 59 s later');
  h.clock.advance(2_000);
  const later = h.clock.now();
  assert.equal((await signedGet(k)).statusCode, 200);
  assert.equal(await lastUsed(), new Date(later).toISOString(), 'rewritten after a minute');
});

test('disable: signed requests get 401 invalid_signature; enable: they work again; delete: 401 for good', async () => {
  const { token } = await signup(h, 'toggle@example.com');
  const k = await createKey(h, token);
  assert.equal((await signedGet(k)).statusCode, 200);

  const off = await setEnabled(h, token, k.id, false);
  assert.equal(off.statusCode, 200, off.body);
  assert.equal(off.json().enabled, false);
  for (const scheme of ['rfc9421', 'cavage'] as const)
    assertProblem(await signedGet(k, '/v1/me', scheme), 401, 'invalid_signature', scheme);
  assert.equal((await listKeys(h, token)).json()[0].enabled, false);

  const on = await setEnabled(h, token, k.id, true);
  assert.equal(on.json().enabled, true);
  for (const scheme of ['rfc9421', 'cavage'] as const)
    assert.equal((await signedGet(k, '/v1/me', scheme)).statusCode, 200, scheme);

  assert.equal(
    (await h.inject({ method: 'DELETE', url: `/v1/me/access-keys/${k.id}`, headers: bearer(token) })).statusCode,
    204,
  );
  for (const scheme of ['rfc9421', 'cavage'] as const)
    assertProblem(await signedGet(k, '/v1/me', scheme), 401, 'invalid_signature', scheme);
  assert.deepEqual((await listKeys(h, token)).json(), []);
  assertProblem(
    await h.inject({ method: 'DELETE', url: `/v1/me/access-keys/${k.id}`, headers: bearer(token) }),
    404,
    'not_found',
  );
  assertProblem(await setEnabled(h, token, k.id, true), 404, 'not_found');
});

test("another account's key cannot be seen, toggled or deleted", async () => {
  const owner = await signup(h, 'owner@example.com');
  const other = await signup(h, 'other@example.com');
  const k = await createKey(h, owner.token);
  assert.deepEqual((await listKeys(h, other.token)).json(), []);
  assertProblem(await setEnabled(h, other.token, k.id, false), 404, 'not_found');
  assertProblem(
    await h.inject({ method: 'DELETE', url: `/v1/me/access-keys/${k.id}`, headers: bearer(other.token) }),
    404,
    'not_found',
  );
  assert.equal((await listKeys(h, owner.token)).json()[0].enabled, true);
});

test('key changes are in the security log with the key id and never the secret', async () => {
  const { token } = await signup(h, 'events@example.com');
  const k = await createKey(h, token);
  await setEnabled(h, token, k.id, false);
  await setEnabled(h, token, k.id, true);
  await h.inject({ method: 'DELETE', url: `/v1/me/access-keys/${k.id}`, headers: bearer(token) });
  const r = await h.inject({ method: 'GET', url: '/v1/me/events', headers: bearer(token) });
  const types = r.json<{ type: string; key_id?: string }[]>().filter((e) => e.type.startsWith('access_key.'));
  assert.deepEqual(
    types.map((e) => e.type),
    ['access_key.deleted', 'access_key.enabled', 'access_key.disabled', 'access_key.created'],
  );
  for (const e of types) assert.equal(e.key_id, k.id);
  assert.equal(r.body.includes(k.secret), false);
});

test('no access-key secret in any table, in any encoding, nor in any mail', async () => {
  const { token } = await signup(h, 'dbscan@example.com');
  const keys = [await createKey(h, token), await createKey(h, token)];
  for (const k of keys) {
    assert.equal((await signedGet(k)).statusCode, 200);
    assert.equal((await signedGet(k, '/v1/me', 'cavage')).statusCode, 200);
  }
  const dump = await dumpAllTables(h, ['access_keys', 'signature_replays']);
  const rows = dump.access_keys ?? [];
  assert.ok(
    keys.every((k) => rows.some((row) => row.id === k.id)),
    'the keys are stored',
  );
  for (const k of keys) assert.ok(assertNoSecretIn(dump, k.secret) > 0);
  for (const m of h.mailer.sent) {
    for (const k of keys) assert.equal(JSON.stringify(m).includes(k.secret), false, 'a mail carries the secret');
  }
});
