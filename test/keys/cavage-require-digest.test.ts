// TWOFOLD_CAVAGE_REQUIRE_DIGEST: a draft-cavage signature that covers only content-length does not
// bind the body's bytes (whoever can alter the request in transit and keep its length can change
// it). With the option on, such a request is refused and tells its signer why; with `digest` it is
// accepted, and the digest must match. Off (the default), content-length coverage stays accepted.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { ConfigError, loadConfig } from '../../src/runtime/config.js';
import { TEST_PUBLIC_URL, startHarness, type Harness } from '../helpers/harness.js';
import { signCavage, type CavageOptions } from './independent-signer.js';
import { PUBLIC_HOST, assertProblem, bearer, createKey, signup, type CreatedKey } from './support.js';

const LENGTH_ONLY: CavageOptions = { headers: ['(request-target)', 'host', 'date', 'content-length'] };

let n = 0;
async function account(h: Harness): Promise<{ token: string; key: CreatedKey }> {
  const { token } = await signup(h, `cavage-digest${++n}@example.com`);
  return { token, key: await createKey(h, token) };
}

/** PATCHes the key's `enabled` flag, signed by the key itself with the independent signer. */
function patchKey(
  h: Harness,
  key: CreatedKey,
  enabled: boolean,
  opts: CavageOptions = {},
  sentBody?: string,
): Promise<LightMyRequestResponse> {
  const path = `/v1/me/access-keys/${key.id}`;
  const body = JSON.stringify({ enabled });
  const headers = signCavage(
    {
      method: 'PATCH',
      url: `${TEST_PUBLIC_URL}${path}`,
      body,
      keyId: key.id,
      secret: key.secret,
      nowMs: h.clock.now(),
    },
    opts,
  );
  return h.inject({
    method: 'PATCH',
    url: path,
    headers: { ...headers, host: PUBLIC_HOST },
    payload: sentBody ?? body,
  });
}

async function enabledOf(h: Harness, token: string, id: string): Promise<boolean> {
  const r = await h.inject({ method: 'GET', url: '/v1/me/access-keys', headers: bearer(token) });
  const keys = r.json<{ id: string; enabled: boolean }[]>();
  const k = keys.find((x) => x.id === id);
  assert.ok(k, r.body);
  return k.enabled;
}

describe('with TWOFOLD_CAVAGE_REQUIRE_DIGEST=true', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { TWOFOLD_CAVAGE_REQUIRE_DIGEST: 'true' } });
  });
  after(() => h.close());

  test('a cavage body bound only by content-length is refused, saying digest must be covered, and changes nothing', async () => {
    const { token, key } = await account(h);
    const r = await patchKey(h, key, false, LENGTH_ONLY);
    assertProblem(r, 401, 'invalid_signature');
    assert.match(r.json().detail, /must cover digest/);
    assert.equal(await enabledOf(h, token, key.id), true, 'the refused request disabled the key');
  });

  test('a cavage body covered by a matching digest is accepted', async () => {
    const { key } = await account(h);
    const r = await patchKey(h, key, true);
    assert.equal(r.statusCode, 200, r.body);
  });

  test('a body swapped for another of the same length fails the covered digest', async () => {
    const { token, key } = await account(h);
    // Signed `{"enabled":false}`, sent `{"enabled":true }`: same length, other meaning.
    const swapped = JSON.stringify({ enabled: false }).replace('false', 'true ');
    const r = await patchKey(h, key, false, {}, swapped);
    assertProblem(r, 401, 'invalid_signature');
    assert.equal(await enabledOf(h, token, key.id), true);
  });

  test('a cavage request without a body needs no digest', async () => {
    const { key } = await account(h);
    const headers = signCavage({
      method: 'GET',
      url: `${TEST_PUBLIC_URL}/v1/me`,
      keyId: key.id,
      secret: key.secret,
      nowMs: h.clock.now(),
    });
    const r = await h.inject({ method: 'GET', url: '/v1/me', headers: { ...headers, host: PUBLIC_HOST } });
    assert.equal(r.statusCode, 200, r.body);
  });
});

describe('by default (TWOFOLD_CAVAGE_REQUIRE_DIGEST unset)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('content-length coverage is still accepted for a cavage body, as the contract allows', async () => {
    const { token, key } = await account(h);
    const r = await patchKey(h, key, false, LENGTH_ONLY);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(await enabledOf(h, token, key.id), false);
  });
});

test('a bad TWOFOLD_CAVAGE_REQUIRE_DIGEST stops start-up naming the variable', () => {
  assert.throws(
    () => loadConfig({ TWOFOLD_CAVAGE_REQUIRE_DIGEST: 'maybe' }),
    (e: unknown) => e instanceof ConfigError && e.message.startsWith('TWOFOLD_CAVAGE_REQUIRE_DIGEST:'),
  );
  assert.equal(loadConfig({}).cavageRequireDigest, false);
  assert.equal(loadConfig({ TWOFOLD_CAVAGE_REQUIRE_DIGEST: 'true' }).cavageRequireDigest, true);
});
