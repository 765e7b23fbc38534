// Passkeys across instances (issue 15): a WebAuthn challenge lives in the shared database, not in
// an instance's memory, so options made by one instance are answered on another, and spent once.
// The instances share the public URL http://localhost:8080 (browsers refuse an IP address as the
// relying party id), which the software authenticator signs as its origin. Runs when both
// TWOFOLD_TEST_DATABASE_URL and TWOFOLD_TEST_REDIS_URL are set.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startCluster, type Cluster } from './cluster.js';
import { PASSWORD, assertProblem, call, login, signUp, uniqueEmail } from './client.js';
import { needsPostgresAndRedis } from '../helpers/services.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';

const PASSKEY_URL = 'http://localhost:8080';

describe('passkey ceremonies over two instances', { skip: needsPostgresAndRedis }, () => {
  let c: Cluster;
  let a: string;
  let b: string;

  before(async () => {
    c = await startCluster({ size: 2, redisDb: 12, env: { TWOFOLD_PUBLIC_URL: PASSKEY_URL } });
    [a, b] = c.instances.map((i) => i.url) as [string, string];
  });
  after(async () => {
    await c?.close();
  });

  /** An account whose passkey was registered with options from A and the response posted to B. */
  async function passkeyAccount(tag: string) {
    const email = uniqueEmail(tag);
    const { token } = await signUp(a, email);
    const authenticator = new SoftAuthenticator(PASSKEY_URL, 'localhost');
    const options = await call(a, 'POST', '/v1/me/passkeys/options', { token, json: { password: PASSWORD } });
    assert.equal(options.status, 200, options.text);
    const added = await call(b, 'POST', '/v1/me/passkeys', {
      token,
      json: { name: 'Laptop', response: authenticator.register(options.body as { challenge: string }) },
    });
    assert.equal(added.status, 201, added.text);
    return { email, authenticator };
  }

  test('a passkey sign-in challenge made on A is answered on B with a session, and is spent for A too', async () => {
    const p = await passkeyAccount('pk-cross');
    const options = await call(a, 'POST', '/v1/auth/passkey/options', { json: {} });
    assert.equal(options.status, 200, options.text);
    const assertion = p.authenticator.assert(options.body as { challenge: string });
    const signedIn = await call(b, 'POST', '/v1/auth/passkey', { json: { response: assertion, client: 'app' } });
    assert.equal(signedIn.status, 200, signedIn.text);
    const body = signedIn.body as { status: string; token: string; user: { email: string } };
    assert.equal(body.status, 'authenticated');
    assert.equal(body.user.email, p.email);
    // The session is good on either instance.
    for (const u of [a, b]) assert.equal((await call(u, 'GET', '/v1/me', { token: body.token })).status, 200, u);
    // The challenge is spent in the shared store: the same assertion, or a fresh one on it, fails on A.
    assertProblem(await call(a, 'POST', '/v1/auth/passkey', { json: { response: assertion } }), 401, 'invalid_passkey');
    const again = p.authenticator.assert(options.body as { challenge: string });
    assertProblem(await call(a, 'POST', '/v1/auth/passkey', { json: { response: again } }), 401, 'invalid_passkey');
  });

  test('10 parallel assertions on one challenge made on A, sent to both instances: exactly one signs in', async () => {
    const p = await passkeyAccount('pk-race');
    const options = (await call(a, 'POST', '/v1/auth/passkey/options', { json: {} })).body as { challenge: string };
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        call(n % 2 ? a : b, 'POST', '/v1/auth/passkey', {
          json: { response: p.authenticator.assert(options), client: 'app' },
        }),
      ),
    );
    const statuses = answers.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 1, `statuses: ${statuses.join(',')}`);
    for (const r of answers.filter((x) => x.status !== 200)) assertProblem(r, 401, 'invalid_passkey');
  });

  test('second factor: the password on A, the passkey options on A, the assertion answered on B', async () => {
    const p = await passkeyAccount('pk-2fa');
    const first = await login(a, p.email);
    assert.equal(first.status, 200, first.text);
    const step = first.body as { status: string; challenge: string; methods: string[] };
    assert.equal(step.status, 'mfa_required', first.text);
    assert.ok(step.methods.includes('passkey'), first.text);
    const options = await call(a, 'POST', '/v1/auth/login/passkey/options', { json: { challenge: step.challenge } });
    assert.equal(options.status, 200, options.text);
    const response = p.authenticator.assert(options.body as { challenge: string });
    const done = await call(b, 'POST', '/v1/auth/login/passkey', { json: { challenge: step.challenge, response } });
    assert.equal(done.status, 200, done.text);
    const body = done.body as { status: string; token: string };
    assert.equal(body.status, 'authenticated');
    assert.equal((await call(a, 'GET', '/v1/me', { token: body.token })).status, 200);
    // The sign-in challenge is spent for both instances.
    const replay = await call(a, 'POST', '/v1/auth/login/passkey', { json: { challenge: step.challenge, response } });
    assert.ok([401, 410].includes(replay.status), replay.text);
  });
});
