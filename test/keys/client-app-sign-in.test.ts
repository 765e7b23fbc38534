// TwofoldClient (src/client/twofold-client.ts) signing in as an app with a bearer token, against the
// in-process app: sign-up keeps the token, logout ends the session and forgets it, login signs in
// again; with TOTP on, login asks for the code and verify or the recovery code finishes it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { TwofoldClient } from '../../src/client/twofold-client.js';
import { TEST_PUBLIC_URL } from '../helpers/harness.js';
import { verifyEmail } from '../helpers/verify-email.js';
import { rejectsWith } from './client-support.js';
import { h, useFileHarness } from './file-harness.js';
import { PASSWORD, bearer, injectFetch } from './support.js';

useFileHarness();

describe('app sign-in with a bearer token', () => {
  test('signup keeps the token; logout ends the session and forgets it; login signs in again', async () => {
    const c = new TwofoldClient({ endpoint: TEST_PUBLIC_URL, fetch: injectFetch(h) });
    const a = await c.signup('app@example.com', PASSWORD);
    assert.equal(a.status, 'authenticated');
    assert.equal(typeof c.token, 'string');
    const token = c.token ?? '';
    assert.equal((await c.me()).email, 'app@example.com');
    assert.equal((await c.listSessions())[0]?.current, true);
    await c.logout();
    assert.equal(c.token, undefined);
    assert.equal(
      (await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })).statusCode,
      401,
      'ended on the server',
    );
    await rejectsWith(c.login('app@example.com', 'wrong password'), 401, 'invalid_credentials');
    const again = await c.login('app@example.com', PASSWORD);
    assert.equal(again.status, 'authenticated');
    assert.equal((await c.me()).email, 'app@example.com');
  });

  test('with TOTP on: login asks for the code, verify and recover finish the sign-in', async () => {
    const c = new TwofoldClient({ endpoint: TEST_PUBLIC_URL, fetch: injectFetch(h) });
    await c.signup('app-totp@example.com', PASSWORD);
    await verifyEmail(h, 'app-totp@example.com');
    const setup = await h.inject({
      method: 'POST',
      url: '/v1/me/mfa/setup',
      headers: bearer(c.token ?? ''),
      payload: { method: 'totp', password: PASSWORD },
    });
    const secret = base32Decode(setup.json().secret);
    const on = await h.inject({
      method: 'POST',
      url: '/v1/me/mfa/setup/verify',
      headers: bearer(c.token ?? ''),
      payload: { setup_id: setup.json().setup_id, code: totpAt(secret, h.clock.now()) },
    });
    assert.equal(on.statusCode, 200, on.body);
    h.clock.advance(30_000);

    const fresh = new TwofoldClient({ endpoint: TEST_PUBLIC_URL, fetch: injectFetch(h) });
    const step = await fresh.login('app-totp@example.com', PASSWORD);
    assert.equal(step.status, 'mfa_required');
    assert.equal(fresh.token, undefined);
    if (step.status !== 'mfa_required') return;
    await rejectsWith(
      fresh.verify(step.challenge, '000000' === totpAt(secret, h.clock.now()) ? '111111' : '000000'),
      401,
      'invalid_code',
    );
    const done = await fresh.verify(step.challenge, totpAt(secret, h.clock.now()));
    assert.equal(done.user.mfa.enabled, true);
    assert.equal((await fresh.mfaStatus()).enabled, true);

    const other = new TwofoldClient({ endpoint: TEST_PUBLIC_URL, fetch: injectFetch(h) });
    const step2 = await other.login('app-totp@example.com', PASSWORD);
    if (step2.status !== 'mfa_required') assert.fail('a second factor is asked');
    const rec = await other.recover(step2.challenge, on.json().recovery_code);
    assert.equal(rec.mfa_disabled, true);
    assert.equal((await other.mfaStatus()).enabled, false);
  });
});
