// TwofoldClient (src/client/twofold-client.ts) against the in-process app: every account call
// signed with both schemes, what exactly goes on the wire, the bearer sign-in calls for app
// clients (with and without a second factor), and its errors — problem+json fields, answers that
// are not Twofold's, a server that is not there — plus the CLI's one-line wording of them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { TwofoldApiError, TwofoldClient } from '../../src/client/twofold-client.js';
import { UsageError, describeFailure } from '../../src/cli/client-context.js';
import { TEST_PUBLIC_URL, startHarness, type Harness } from '../helpers/harness.js';
import { verifyEmail } from '../helpers/verify-email.js';
import { PASSWORD, bearer, createKey, injectFetch, signup } from './support.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

type Sent = { method: string; url: string; headers: Record<string, string>; body: Buffer | null };

function clientFor(key: { id: string; secret: string }, scheme: 'rfc9421' | 'cavage', seen?: Sent[]): TwofoldClient {
  return new TwofoldClient({
    endpoint: `${TEST_PUBLIC_URL}/`,
    credentials: { keyId: key.id, secret: key.secret },
    scheme,
    fetch: injectFetch(h, seen),
    now: () => h.clock.now(),
  });
}

async function rejectsWith(p: Promise<unknown>, status: number, code: string): Promise<TwofoldApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof TwofoldApiError, String(e));
    assert.deepEqual([e.status, e.code], [status, code], e.message);
    return e;
  }
  assert.fail(`expected ${status} ${code}`);
}

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('signed with an access key', () => {
  for (const scheme of ['rfc9421', 'cavage'] as const) {
    test(`${scheme}: every account call works, signed over exactly what is sent`, async () => {
      const email = `client-${scheme}@example.com`;
      const { token } = await signup(h, email);
      const key = await createKey(h, token);
      const seen: Sent[] = [];
      const c = clientFor(key, scheme, seen);

      assert.equal((await c.me()).email, email);
      assert.deepEqual(await c.mfaStatus(), { enabled: false, method: null });
      assert.deepEqual(
        (await c.listAccessKeys()).map((k) => k.id),
        [key.id],
      );
      assert.equal((await c.setAccessKeyEnabled(key.id, true)).enabled, true);
      const created = await c.createAccessKey(PASSWORD);
      assert.match(created.id, /^[A-Z2-7]{20}$/);
      assert.equal(Buffer.from(created.secret, 'base64').length, 30);
      assert.equal((await clientFor(created, scheme).me()).email, email, 'the new key signs too');
      await c.deleteAccessKey(created.id);
      assert.deepEqual(
        (await c.listAccessKeys()).map((k) => k.id),
        [key.id],
      );
      const events = await c.events({ limit: 2 });
      assert.equal(events.length, 2);
      assert.equal(events[0]?.type, 'access_key.deleted');
      const older = await c.events({ limit: 50, before: Number(events[1]?.id) });
      assert.ok(older.every((e) => Number(e.id) < Number(events[1]?.id)));
      const sessions = await c.listSessions();
      assert.equal(sessions.length, 1);
      assert.equal(sessions[0]?.current, false, 'an access key is no session');
      await c.endSession(sessions[0]?.id ?? '');
      assert.equal(
        (await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(token) })).statusCode,
        401,
        'the session ended',
      );

      for (const s of seen) {
        assert.equal(s.method, s.method.toUpperCase());
        assert.ok(s.url.startsWith(`${TEST_PUBLIC_URL}/v1/`), s.url);
        if (scheme === 'rfc9421') assert.match(s.headers['signature-input'] ?? '', /keyid="[A-Z2-7]{20}"/);
        else assert.match(s.headers.authorization ?? '', /^Signature keyId="[A-Z2-7]{20}",algorithm="hmac-sha256"/);
        if (s.body) {
          assert.equal(s.headers['content-type'], 'application/json');
          JSON.parse(s.body.toString('utf8'));
        } else {
          assert.equal(s.headers['content-type'], undefined, `${s.method} ${s.url} without a body has no content type`);
        }
      }
      const patch = seen.find((s) => s.method === 'PATCH');
      assert.equal(patch?.body?.toString('utf8'), '{"enabled":true}');
      assert.ok(seen.some((s) => s.url === `${TEST_PUBLIC_URL}/v1/me/events?limit=2`));
    });
  }

  test('refusals are TwofoldApiError with the problem fields', async () => {
    const { token } = await signup(h, 'client-errors@example.com');
    const key = await createKey(h, token);
    const c = clientFor(key, 'rfc9421');
    const wrong = await rejectsWith(
      clientFor({ ...key, secret: Buffer.alloc(30, 7).toString('base64') }, 'rfc9421').me(),
      401,
      'invalid_signature',
    );
    assert.equal(wrong.title, 'The request signature is not valid');
    assert.match(wrong.detail, /clock/);
    assert.equal(wrong.request, 'GET /v1/me');
    assert.ok(wrong instanceof Error);
    await rejectsWith(c.createAccessKey('not the password'), 403, 'reauthentication_failed');
    await c.createAccessKey(PASSWORD);
    await rejectsWith(c.createAccessKey(PASSWORD), 409, 'access_key_limit');
    await rejectsWith(c.deleteAccessKey('AAAAAAAAAAAAAAAAAAAA'), 404, 'not_found');
    await rejectsWith(c.setAccessKeyEnabled(key.id, 'yes' as unknown as boolean), 400, 'validation_failed');
    await rejectsWith(
      new TwofoldClient({ endpoint: TEST_PUBLIC_URL, fetch: injectFetch(h) }).me(),
      401,
      'unauthorized',
    );
  });
});

describe('identical writes in one second (the signature would repeat)', () => {
  for (const scheme of ['rfc9421', 'cavage'] as const) {
    test(`${scheme}: one client signs them a second apart; two clients (two processes) recover from replayed_signature`, async () => {
      const { token } = await signup(h, `same-second-${scheme}@example.com`);
      const key = await createKey(h, token);
      const seen: Sent[] = [];
      const c = clientFor(key, scheme, seen);
      const t0 = h.clock.now();
      for (let i = 0; i < 3; i++) assert.equal((await c.setAccessKeyEnabled(key.id, true)).enabled, true);
      assert.equal(h.clock.now(), t0, 'the clock did not move');
      const dates = seen.map((s) => Date.parse(s.headers.date ?? ''));
      assert.equal(new Set(dates).size, 3, 'each write signed at its own second');
      assert.ok(Math.max(...dates) - t0 <= 3000);
      assert.equal((await c.me()).id.length > 0, true, 'reads are signed at the present');

      const seenA: Sent[] = [];
      const seenB: Sent[] = [];
      const a = clientFor(key, scheme, seenA);
      const b = clientFor(key, scheme, seenB);
      h.clock.advance(10_000);
      await a.setAccessKeyEnabled(key.id, true);
      assert.equal(
        (await b.setAccessKeyEnabled(key.id, true)).enabled,
        true,
        'accepted (cavage: refused as a replay once, signed anew)',
      );
      // RFC 9421 signatures carry a random nonce, so two processes never collide; cavage has none.
      assert.equal(seenB.length, scheme === 'cavage' ? 2 : 1);
    });
  }
});

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

describe('transport failures', () => {
  test('a server that is not there: status 0 network_error naming the endpoint', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const e = await rejectsWith(
      new TwofoldClient({
        endpoint,
        credentials: { keyId: 'AAAAAAAAAAAAAAAAAAAA', secret: Buffer.alloc(30).toString('base64') },
      }).me(),
      0,
      'network_error',
    );
    assert.equal(e.reason, 'ECONNREFUSED');
    assert.ok(e.message.includes(endpoint), e.message);
    assert.equal(e.endpoint, endpoint);
  });

  test('answers that are not Twofold problems', async () => {
    const html = (status: number) =>
      (async () =>
        new Response('<html>gateway</html>', { status, headers: { 'content-type': 'text/html' } })) as typeof fetch;
    const e = await rejectsWith(
      new TwofoldClient({ endpoint: 'http://x.test', fetch: html(502) }).me(),
      502,
      'http_502',
    );
    assert.match(e.detail, /is the endpoint a Twofold server/);
    await rejectsWith(new TwofoldClient({ endpoint: 'http://x.test', fetch: html(200) }).me(), 200, 'invalid_response');
  });

  test('the constructor refuses an endpoint that is not an http(s) URL', () => {
    assert.throws(() => new TwofoldClient({ endpoint: 'localhost:8080' }), /not a URL|http/);
    assert.throws(() => new TwofoldClient({ endpoint: 'ftp://x' }), /http/);
  });
});

describe('the CLI wording of failures (one line, what to do)', () => {
  const err = (init: Partial<ConstructorParameters<typeof TwofoldApiError>[0]>) =>
    new TwofoldApiError({
      status: 401,
      code: 'invalid_signature',
      title: 't',
      detail: 'd',
      request: 'GET /v1/me',
      endpoint: 'http://127.0.0.1:8080',
      ...init,
    });

  test('401: the key may be wrong or disabled, or the clock is off (by how much when the server says)', () => {
    const { line, exitCode } = describeFailure(err({}), { what: 'whoami' });
    assert.equal(exitCode, 1);
    assert.match(line, /^whoami failed: .*access key may be wrong or disabled, or this computer's clock is off/);
    const skewed = describeFailure(err({ serverTimeMs: Date.now() - 10 * 60_000 }), { what: 'whoami' }).line;
    assert.match(skewed, /clock is about 10 minutes ahead of the server's/);
  });
  test('network: the server at URL is not reachable', () => {
    const { line } = describeFailure(err({ status: 0, code: 'network_error', reason: 'ECONNREFUSED' }), {
      what: 'whoami',
    });
    assert.match(
      line,
      /the Twofold server at http:\/\/127\.0\.0\.1:8080 is not reachable \(ECONNREFUSED\); .*--endpoint/,
    );
  });
  test('usage mistakes exit 2; nothing has a line break', () => {
    assert.deepEqual(describeFailure(new UsageError('bad'), { what: 'x' }), { line: 'bad', exitCode: 2 });
    for (const code of [
      'reauthentication_failed',
      'access_key_limit',
      'replayed_signature',
      'internal_error',
      'too_many_requests',
    ]) {
      const status = code === 'internal_error' ? 500 : code === 'too_many_requests' ? 429 : 409;
      assert.doesNotMatch(describeFailure(err({ status, code }), { what: 'x' }).line, /\n/);
    }
  });
});
