// When the provider is down, slow to come back, or answers something we must not trust: the
// portal gets /login?error=…, never a 500; a failed discovery is retried on the next sign-in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { startHarness } from '../helpers/harness.js';
import { callback, cookiePair, googleSignIn, redirectOf, setCookies, startGoogle } from './flow.js';
import { startLocalProvider } from './local-provider.js';

/** A loopback port nothing listens on (taken, then released). */
async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

test('provider down at the start → /login?error=google_unavailable, no cookie; once it is up, sign-in works (discovery failures are not cached)', async () => {
  const port = await deadPort();
  // Twofold is configured with the client the provider will have once it comes up on that port.
  const idpLater = { clientId: `late-${port}`, clientSecret: `secret-${port}-0123456789abcdef` };
  const h = await startHarness({
    env: {
      TWOFOLD_GOOGLE_CLIENT_ID: idpLater.clientId,
      TWOFOLD_GOOGLE_CLIENT_SECRET: idpLater.clientSecret,
      TWOFOLD_GOOGLE_ISSUER: `http://127.0.0.1:${port}`,
    },
  });
  try {
    const r = await h.inject({ method: 'GET', url: '/v1/auth/google' });
    const to = redirectOf(r);
    assert.equal(to.pathname, '/login');
    assert.equal(to.searchParams.get('error'), 'google_unavailable');
    assert.equal(cookiePair(r, 'twofold_oauth'), undefined, 'no pending sign-in was started');

    const idp = await startLocalProvider({ port, client: idpLater });
    try {
      const run = await googleSignIn(h, idp, { sub: 'back-up', email: 'back.up@example.com', email_verified: true });
      assert.equal(run.to.pathname, '/');
      assert.ok(run.session);
    } finally {
      await idp.close();
    }
  } finally {
    await h.close();
  }
});

test('provider down between the start and the callback → /login?error=google_unavailable', async () => {
  const idp = await startLocalProvider();
  const h = await startHarness({ env: idp.env });
  try {
    const started = await startGoogle(h);
    idp.next = { sub: 'gone', email: 'gone@example.com', email_verified: true };
    const url = await idp.authorize(started.authorizationUrl);
    await idp.close();
    const r = await callback(h, url, started.cookie);
    assert.equal(redirectOf(r).searchParams.get('error'), 'google_unavailable');
    assert.equal(cookiePair(r, 'twofold_session'), undefined);
    assert.ok(
      setCookies(r).some((c) => c.startsWith('twofold_oauth=')),
      'the pending sign-in is cleared all the same',
    );
    assert.equal(await h.runtime.storage.users.findByEmail('gone@example.com'), null);
  } finally {
    await h.close();
    await idp.close().catch(() => {});
  }
});

test('a provider that puts email claims only at the UserInfo endpoint works the same', async () => {
  const idp = await startLocalProvider({ claimsInIdToken: false });
  const h = await startHarness({ env: idp.env });
  try {
    const run = await googleSignIn(h, idp, { sub: 'strict-1', email: 'strict@example.com', email_verified: true });
    assert.equal(run.to.pathname, '/');
    const me = await h.inject({ method: 'GET', url: '/v1/me', headers: { cookie: run.session! } });
    assert.equal(me.json().email, 'strict@example.com');
    const unverified = await googleSignIn(h, idp, {
      sub: 'strict-2',
      email: 'strict2@example.com',
      email_verified: false,
    });
    assert.equal(unverified.to.searchParams.get('error'), 'google_unverified_email');
  } finally {
    await h.close();
    await idp.close();
  }
});

test('a client secret the provider does not accept → /login?error=google_failed, never a 500', async () => {
  const idp = await startLocalProvider();
  const h = await startHarness({ env: { ...idp.env, TWOFOLD_GOOGLE_CLIENT_SECRET: 'not-the-secret' } });
  try {
    const run = await googleSignIn(h, idp, { sub: 'misconfigured', email: 'mis@example.com', email_verified: true });
    assert.equal(run.to.searchParams.get('error'), 'google_failed');
    assert.equal(run.session, undefined);
  } finally {
    await h.close();
    await idp.close();
  }
});
