// The OpenID Connect adapter on its own, against the local provider: the ID token is checked by
// the library (nonce, PKCE, single-use code), and http issuers are refused unless on loopback.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GoogleOidcClient } from '../../src/adapters/oidc/google-client.js';
import { checkIssuerUrl } from '../../src/core/oidc-issuer.js';
import { OidcFailure } from '../../src/core/ports/oidc.js';
import { ConfigError, loadConfig } from '../../src/runtime/config.js';
import { REDIRECT_URI, startLocalProvider, type LocalProvider } from './local-provider.js';

let idp: LocalProvider;
let rp: GoogleOidcClient;
before(async () => {
  idp = await startLocalProvider();
  rp = new GoogleOidcClient({
    issuer: idp.issuer,
    clientId: idp.clientId,
    clientSecret: idp.clientSecret,
    redirectUri: REDIRECT_URI,
  });
});
after(async () => {
  await idp?.close();
});

async function failure(p: Promise<unknown>): Promise<OidcFailure> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OidcFailure, `expected an OidcFailure, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the exchange to be refused');
}

describe('the code exchange', () => {
  test('answers the issuer, subject and verified email the provider signed', async () => {
    const a = await rp.authorizationUrl();
    idp.next = { sub: 'abc', email: 'Someone@Example.com', email_verified: true };
    const id = await rp.exchange(await idp.authorize(a.url), a);
    assert.deepEqual(id, { issuer: idp.issuer, subject: 'abc', email: 'Someone@Example.com', emailVerified: true });
  });

  test('a code redeemed once is refused the second time by the provider', async () => {
    const a = await rp.authorizationUrl();
    idp.next = { sub: 'replay', email: 'r@example.com', email_verified: true };
    const url = await idp.authorize(a.url);
    await rp.exchange(url, a);
    assert.equal((await failure(rp.exchange(url, a))).reason, 'failed');
  });

  test("an ID token whose nonce is not this sign-in's is refused", async () => {
    const a = await rp.authorizationUrl();
    idp.next = { sub: 'nonce', email: 'n@example.com', email_verified: true };
    const url = await idp.authorize(a.url);
    assert.equal(
      (await failure(rp.exchange(url, { ...a, nonce: 'another-sign-in-nonce-000000000000000' }))).reason,
      'failed',
    );
  });

  test('a wrong PKCE verifier is refused (a stolen code is useless without it)', async () => {
    const a = await rp.authorizationUrl();
    idp.next = { sub: 'pkce', email: 'p@example.com', email_verified: true };
    const url = await idp.authorize(a.url);
    assert.equal((await failure(rp.exchange(url, { ...a, codeVerifier: 'x'.repeat(43) }))).reason, 'failed');
  });

  test("a state that is not this sign-in's is refused before anything is sent", async () => {
    const a = await rp.authorizationUrl();
    idp.next = { sub: 'state', email: 's@example.com', email_verified: true };
    const url = await idp.authorize(a.url);
    assert.equal(
      (await failure(rp.exchange(url, { ...a, state: 'not-the-state-000000000000000000000' }))).reason,
      'state',
    );
    // The code was not spent: the right state still works.
    assert.equal((await rp.exchange(url, a)).subject, 'state');
  });

  test('refused consent is reported as denied', async () => {
    const a = await rp.authorizationUrl();
    idp.next = 'deny';
    assert.equal((await failure(rp.exchange(await idp.authorize(a.url), a))).reason, 'denied');
  });

  test('an issuer that is not the one the provider names is refused at discovery', async () => {
    const other = new GoogleOidcClient({
      issuer: idp.issuer.replace('127.0.0.1', 'localhost'),
      clientId: idp.clientId,
      clientSecret: idp.clientSecret,
      redirectUri: REDIRECT_URI,
    });
    assert.equal((await failure(other.authorizationUrl())).reason, 'failed');
  });
});

describe('https only, except on loopback', () => {
  test('http issuers are accepted only on 127.0.0.1, ::1 and localhost', () => {
    for (const ok of [
      'http://127.0.0.1:9000',
      'http://[::1]:9000',
      'http://localhost:9000',
      'http://LOCALHOST',
      'https://accounts.google.com',
    ]) {
      const v = checkIssuerUrl(ok);
      assert.ok(v.ok, ok);
      assert.equal(v.ok && v.insecureLoopback, ok.startsWith('http:'), ok);
    }
    for (const bad of [
      'http://accounts.google.com',
      'http://10.0.0.1',
      'http://192.168.1.10:8080',
      'http://localhost.example.com',
      'http://127.0.0.1.nip.io',
      'http://[::ffff:10.0.0.1]',
      'ftp://127.0.0.1',
      'https://accounts.google.com?x=1',
      'https://accounts.google.com#frag',
      'https://user:pw@accounts.google.com',
      'not a url',
    ]) {
      assert.equal(checkIssuerUrl(bad).ok, false, bad);
    }
  });

  test('an http issuer on another host stops start-up at config and is refused by the adapter', () => {
    assert.throws(
      () =>
        loadConfig({
          TWOFOLD_GOOGLE_CLIENT_ID: 'id',
          TWOFOLD_GOOGLE_CLIENT_SECRET: 's',
          TWOFOLD_GOOGLE_ISSUER: 'http://accounts.example.com',
        }),
      (e: unknown) => e instanceof ConfigError && /TWOFOLD_GOOGLE_ISSUER/.test(e.message) && /https/.test(e.message),
    );
    assert.throws(
      () =>
        new GoogleOidcClient({
          issuer: 'http://accounts.example.com',
          clientId: 'id',
          clientSecret: 's',
          redirectUri: REDIRECT_URI,
        }),
      /https/,
    );
    assert.equal(loadConfig({ TWOFOLD_GOOGLE_ISSUER: 'http://127.0.0.1:9999' }).google.issuer, 'http://127.0.0.1:9999');
    assert.equal(loadConfig({}).google.issuer, 'https://accounts.google.com');
  });
});
