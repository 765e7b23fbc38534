// The device authorization grant against RFC 8628's states, over HTTP on the test's engine
// (SQLite, or PostgreSQL when TWOFOLD_TEST_DATABASE_URL is set): pending, slow_down, approved
// once, denied, expired (moved clock), a reused device code, a wrong client id, unsupported grant.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { withHarness } from '../helpers/harness.js';
import { dumpAllTables } from '../helpers/tables.js';
import { bearer, webUser } from '../http/http-helpers.js';
import { CLIENT_ID, DEVICE_IP, DEVICE_UA, assertOAuthError, decide, poll, postForm, startGrant } from './support.js';

const SEC = 1000;

describe('device authorization grant (RFC 8628)', () => {
  test('the metadata document names both endpoints and the grant type (RFC 8414)', () =>
    withHarness(async (h) => {
      const res = await h.inject({ method: 'GET', url: '/.well-known/oauth-authorization-server' });
      assert.equal(res.statusCode, 200);
      const m = res.json();
      assert.equal(m.issuer, 'http://127.0.0.1:8080');
      assert.equal(m.device_authorization_endpoint, 'http://127.0.0.1:8080/oauth/device_authorization');
      assert.equal(m.token_endpoint, 'http://127.0.0.1:8080/oauth/token');
      assert.deepEqual(m.grant_types_supported, ['urn:ietf:params:oauth:grant-type:device_code']);
    }));

  test('a grant answers a 256-bit device code, an XXXX-XXXX user code of the RFC 8628 §6.1 alphabet, 600 s and 5 s', () =>
    withHarness(async (h) => {
      const g = await startGrant(h);
      assert.equal(Buffer.from(g.device_code, 'base64url').length, 32);
      assert.match(g.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
      assert.equal(g.verification_uri, 'http://127.0.0.1:8080/device');
      assert.equal(g.verification_uri_complete, `http://127.0.0.1:8080/device?user_code=${g.user_code}`);
      assert.equal(g.expires_in, 600);
      assert.equal(g.interval, 5);
      // Neither code is stored as it was handed out: only their SHA-256.
      const dump = JSON.stringify(await dumpAllTables(h, ['device_grants']));
      assert.ok(!dump.includes(g.device_code));
      assert.ok(!dump.includes(g.user_code.replace('-', '')));
    }));

  test('pending, then slow_down when polled faster than the interval, which then grows by 5 s', () =>
    withHarness(async (h) => {
      const g = await startGrant(h);
      assertOAuthError(await poll(h, g.device_code), 400, 'authorization_pending');
      h.clock.advance(4 * SEC);
      assertOAuthError(await poll(h, g.device_code), 400, 'slow_down');
      // The interval is now 10 s since the last answered poll: 9 s after it is still too fast.
      h.clock.advance(5 * SEC);
      assertOAuthError(await poll(h, g.device_code), 400, 'slow_down');
      // …which raised it to 15 s.
      h.clock.advance(11 * SEC);
      assertOAuthError(await poll(h, g.device_code), 400, 'authorization_pending');
    }));

  test('approved: one token, a session of client "cli" with the device’s address and user agent, then invalid_grant', () =>
    withHarness(async (h) => {
      const u = await webUser(h, 'dev-approve@example.com');
      const g = await startGrant(h);
      const approved = await decide(h, u.auth, g.user_code.toLowerCase().replace('-', ''), true);
      assert.equal(approved.statusCode, 200, approved.body);
      assert.deepEqual(approved.json(), { status: 'approved' });
      const res = await poll(h, g.device_code);
      assert.equal(res.statusCode, 200, res.body);
      const t = res.json();
      assert.equal(t.token_type, 'Bearer');
      assert.equal(t.expires_in, 90 * 86_400);
      assert.equal(res.headers['cache-control'], 'no-store');
      const me = await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(t.access_token) });
      assert.equal(me.json().email, 'dev-approve@example.com');
      const sessions = (await h.inject({ method: 'GET', url: '/v1/me/sessions', headers: u.auth })).json();
      const cli = sessions.find((s: { client: string }) => s.client === 'cli');
      assert.equal(cli.user_agent, DEVICE_UA);
      assert.equal(cli.ip, DEVICE_IP);
      h.clock.advance(5 * SEC);
      assertOAuthError(await poll(h, g.device_code), 400, 'invalid_grant');
      // The approval is in the security log with the device's details, and mailed.
      const events = (await h.inject({ method: 'GET', url: '/v1/me/events', headers: u.auth })).json();
      const ev = events.find((e: { type: string }) => e.type === 'device.approved');
      assert.equal(ev.device_ip, DEVICE_IP);
      assert.equal(ev.device_user_agent, DEVICE_UA);
      assert.equal(ev.client_id, CLIENT_ID);
      const mail = h.mailer.to('dev-approve@example.com').find((m) => /device was signed in/.test(m.subject));
      assert.ok(mail);
      assert.match(mail.text, new RegExp(DEVICE_IP.replace(/\./g, '\\.')));
      // Revocable like any other session.
      const ended = await h.inject({ method: 'DELETE', url: `/v1/me/sessions/${cli.id}`, headers: u.auth });
      assert.equal(ended.statusCode, 204);
      const after = await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(t.access_token) });
      assert.equal(after.statusCode, 401);
    }));

  test('denied: access_denied, and the code cannot be approved afterwards (the first decision wins)', () =>
    withHarness(async (h) => {
      const u = await webUser(h, 'dev-deny@example.com');
      const g = await startGrant(h);
      assert.equal((await decide(h, u.auth, g.user_code, false)).statusCode, 200);
      assert.equal((await decide(h, u.auth, g.user_code, true)).statusCode, 404);
      assertOAuthError(await poll(h, g.device_code), 400, 'access_denied');
    }));

  test('expired after 10 minutes: expired_token, and the code can no longer be looked up or approved', () =>
    withHarness(async (h) => {
      const u = await webUser(h, 'dev-expire@example.com');
      const g = await startGrant(h);
      h.clock.advance(600 * SEC);
      assert.equal((await decide(h, u.auth, g.user_code, true)).statusCode, 404);
      assertOAuthError(await poll(h, g.device_code), 400, 'expired_token');
    }));

  test('an unknown or malformed device code is invalid_grant', () =>
    withHarness(async (h) => {
      assertOAuthError(await poll(h, 'A'.repeat(43)), 400, 'invalid_grant');
      assertOAuthError(await poll(h, 'not a code'), 400, 'invalid_grant');
    }));

  test('a wrong client id: invalid_client for an unregistered one, invalid_grant for a code of another client', () =>
    withHarness(
      async (h) => {
        assertOAuthError(
          await postForm(h, '/oauth/device_authorization', { client_id: 'evil' }),
          401,
          'invalid_client',
        );
        const g = await startGrant(h);
        assertOAuthError(await poll(h, g.device_code, 'evil'), 401, 'invalid_client');
        assertOAuthError(await poll(h, g.device_code, 'other-cli'), 400, 'invalid_grant');
      },
      { env: { TWOFOLD_DEVICE_CLIENTS: 'twofold-cli,other-cli' } },
    ));

  test('another grant type is unsupported_grant_type; a JSON body or a missing field is invalid_request', () =>
    withHarness(async (h) => {
      assertOAuthError(
        await postForm(h, '/oauth/token', { grant_type: 'password', client_id: CLIENT_ID }),
        400,
        'unsupported_grant_type',
      );
      const json = await h.inject({ method: 'POST', url: '/oauth/token', payload: { grant_type: 'x' } });
      assertOAuthError(json, 400, 'invalid_request');
      assertOAuthError(
        await postForm(h, '/oauth/token', {
          grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
          client_id: CLIENT_ID,
        }),
        400,
        'invalid_request',
      );
    }));
});
