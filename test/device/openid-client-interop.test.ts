// Interoperability: a client nobody here wrote runs the device grant. openid-client discovers the
// endpoints from the RFC 8414 metadata, starts the grant (RFC 8628 §3.1) and polls (§3.4) while
// the test approves the code through the API as a signed-in user, and the token it receives works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { freePort } from '../cluster/processes.js';
import { startHarness } from '../helpers/harness.js';
import { appUser, bearer } from '../http/http-helpers.js';
import { decide } from './support.js';

test('openid-client (discovery, initiateDeviceAuthorization, pollDeviceAuthorizationGrant) signs in through an approval', async () => {
  const port = await freePort();
  const h = await startHarness({ publicUrl: `http://127.0.0.1:${port}` });
  try {
    await h.app.listen({ port, host: '127.0.0.1' });
    const u = await appUser(h, 'interop@example.com'); // an app's session (its bearer token) may approve too
    const config = await oidc.discovery(new URL(`http://127.0.0.1:${port}`), 'twofold-cli', undefined, oidc.None(), {
      algorithm: 'oauth2',
      execute: [oidc.allowInsecureRequests],
    });
    const grant = await oidc.initiateDeviceAuthorization(config, {});
    assert.match(grant.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(grant.verification_uri, `http://127.0.0.1:${port}/device`);
    // Approved before the client's first poll, which it sends after waiting the 5 s interval.
    assert.equal((await decide(h, u.auth, grant.user_code, true)).statusCode, 200);
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, grant);
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    const me = await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(tokens.access_token) });
    assert.equal(me.json().email, 'interop@example.com');
  } finally {
    await h.close();
  }
});
