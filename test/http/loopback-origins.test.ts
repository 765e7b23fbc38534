// A developer's first run has no TWOFOLD_PUBLIC_URL and opens http://localhost:8080, while the
// default public URL is http://127.0.0.1:8080. Then the loopback names of the port are the same
// origin and authority (portal writes pass CSRF, the CLI's signatures verify); once the public URL
// is set, only it counts, and a refusal says which origin or host was expected.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { signRfc9421 } from '../keys/independent-signer.js';
import { createKey, signup } from '../keys/support.js';
import { startHarness, withHarness, type Harness } from '../helpers/harness.js';
import { assertProblem } from '../helpers/problems.js';

async function webSession(h: Harness, email: string): Promise<string> {
  await signup(h, email);
  const r = await h.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email, password: 'correct horse battery staple' },
  });
  assert.equal(r.statusCode, 200, r.body);
  const cookie = String(r.headers['set-cookie']).split(';')[0]!;
  return cookie;
}

const changeNothing = (h: Harness, cookie: string, origin: string) =>
  h.inject({ method: 'DELETE', url: '/v1/me/sessions/no-such-session', headers: { cookie, origin } });

test('without TWOFOLD_PUBLIC_URL, a portal opened on localhost, 127.0.0.1 or [::1] passes CSRF; another origin does not', async () => {
  const h = await startHarness({ publicUrl: null, allowPostgres: false });
  try {
    const cookie = await webSession(h, 'dev@example.com');
    for (const origin of ['http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080']) {
      assertProblem(await changeNothing(h, cookie, origin), 404, 'not_found');
    }
    for (const origin of ['http://localhost:9999', 'http://evil.example', 'https://localhost:8080']) {
      const r = await changeNothing(h, cookie, origin);
      assertProblem(r, 403, 'csrf_failed');
      assert.match(r.json().detail, /http:\/\/127\.0\.0\.1:8080.*http:\/\/localhost:8080/);
    }
  } finally {
    await h.close();
  }
});

test('with TWOFOLD_PUBLIC_URL set, only its origin passes, and the refusal names it', () =>
  withHarness(async (h) => {
    const cookie = await webSession(h, 'strict@example.com');
    const r = await changeNothing(h, cookie, 'http://localhost:8080');
    assertProblem(r, 403, 'csrf_failed');
    assert.match(r.json().detail, /must be http:\/\/127\.0\.0\.1:8080 \(TWOFOLD_PUBLIC_URL\)/);
  }));

const signedGet = (h: Harness, host: string, key: { id: string; secret: string }) =>
  h.inject({
    method: 'GET',
    url: '/v1/me',
    headers: {
      host,
      ...signRfc9421({
        method: 'GET',
        url: `http://${host}/v1/me`,
        keyId: key.id,
        secret: key.secret,
        nowMs: h.clock.now(),
      }),
    },
  });

test('without TWOFOLD_PUBLIC_URL, a request signed for localhost verifies; a foreign host does not', async () => {
  const h = await startHarness({ publicUrl: null, allowPostgres: false });
  try {
    const { token } = await signup(h, 'cli@example.com');
    const key = await createKey(h, token);
    for (const host of ['localhost:8080', '127.0.0.1:8080', '[::1]:8080']) {
      const r = await signedGet(h, host, key);
      assert.equal(r.statusCode, 200, `${host}: ${r.body}`);
    }
    assertProblem(await signedGet(h, 'twofold.example:8080', key), 401, 'invalid_signature');
  } finally {
    await h.close();
  }
});

test('with TWOFOLD_PUBLIC_URL set, a request signed for another host is refused with the host it must use', () =>
  withHarness(async (h) => {
    const { token } = await signup(h, 'cli-strict@example.com');
    const key = await createKey(h, token);
    const r = await signedGet(h, 'localhost:8080', key);
    assertProblem(r, 401, 'invalid_signature');
    assert.match(r.json().detail, /must be made to http:\/\/127\.0\.0\.1:8080.*sent to localhost:8080/);
    assert.equal((await signedGet(h, '127.0.0.1:8080', key)).statusCode, 200);
  }));
