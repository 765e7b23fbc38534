// Signed requests the server must accept (shared/API.md "Signed requests"), each signed by an
// independent signer: both schemes, GET and a write with a body, the rfc9421 variants (@path +
// @query, date instead of created, any label, expires ahead), cavage with content-length, and an
// account with TOTP on (no code asked of a signed request).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import type { Rfc9421Options } from './independent-signer.js';
import { h, useFileHarness } from './file-harness.js';
import { SCHEMES, account, signed } from './signing-support.js';
import { PASSWORD, bearer, createKey, signup } from './support.js';

useFileHarness();

describe('accepted', () => {
  for (const scheme of SCHEMES) {
    test(`${scheme}: GET and a PATCH with a body, signed independently, are accepted`, async () => {
      const { key, email } = await account();
      const me = await signed(key, scheme, { method: 'GET', path: '/v1/me' });
      assert.equal(me.statusCode, 200, me.body);
      assert.equal(me.json().email, email);
      const q = await signed(key, scheme, { method: 'GET', path: '/v1/me/events?limit=2' });
      assert.equal(q.statusCode, 200, q.body);
      assert.ok(q.json().length <= 2);
      const patch = await signed(key, scheme, {
        method: 'PATCH',
        path: `/v1/me/access-keys/${key.id}`,
        body: JSON.stringify({ enabled: true }),
      });
      assert.equal(patch.statusCode, 200, patch.body);
      assert.equal(patch.json().enabled, true);
    });
  }

  test('rfc9421 variants: @path + @query instead of @target-uri, date instead of created, any label, expires ahead', async () => {
    const { key } = await account();
    const variants: Rfc9421Options[] = [
      { components: ['@method', '@authority', '@path', '@query', 'date'] },
      { components: ['@method', '@authority', '@target-uri', 'date'], created: null },
      { label: 'my-cli', expires: Math.floor(h.clock.now() / 1000) + 60 },
    ];
    for (const v of variants) {
      const r = await signed(key, 'rfc9421', { method: 'GET', path: '/v1/me/access-keys?x=1', rfc9421: v });
      assert.equal(r.statusCode, 200, `${JSON.stringify(v)} ${r.body}`);
    }
  });

  test('cavage with content-length instead of digest is accepted for a body', async () => {
    const { key } = await account();
    const body = JSON.stringify({ enabled: true });
    const r = await signed(key, 'cavage', {
      method: 'PATCH',
      path: `/v1/me/access-keys/${key.id}`,
      body,
      cavage: { headers: ['(request-target)', 'host', 'date', 'content-length'] },
    });
    assert.equal(r.statusCode, 200, r.body);
  });

  test('an account with TOTP on: signed requests need no code, for both schemes', async () => {
    const email = 'totp-signed@example.com';
    const { token } = await signup(h, email);
    const setup = await h.inject({
      method: 'POST',
      url: '/v1/me/mfa/setup',
      headers: bearer(token),
      payload: { method: 'totp', password: PASSWORD },
    });
    assert.equal(setup.statusCode, 201, setup.body);
    const code = totpAt(base32Decode(setup.json().secret), h.clock.now());
    const on = await h.inject({
      method: 'POST',
      url: '/v1/me/mfa/setup/verify',
      headers: bearer(token),
      payload: { setup_id: setup.json().setup_id, code },
    });
    assert.equal(on.statusCode, 200, on.body);
    const login = await h.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password: PASSWORD, client: 'app' },
    });
    assert.equal(login.json().status, 'mfa_required', 'the second factor is really on');
    const key = await createKey(h, token);
    for (const scheme of SCHEMES) {
      const me = await signed(key, scheme, { method: 'GET', path: '/v1/me' });
      assert.equal(me.statusCode, 200, me.body);
      assert.equal(me.json().mfa.enabled, true);
      const st = await signed(key, scheme, { method: 'GET', path: '/v1/me/mfa' });
      assert.deepEqual([st.statusCode, st.json().enabled, st.json().method], [200, true, 'totp']);
      const w = await signed(key, scheme, {
        method: 'PATCH',
        path: `/v1/me/access-keys/${key.id}`,
        body: '{"enabled":true}',
      });
      assert.equal(w.statusCode, 200, w.body);
    }
  });
});
