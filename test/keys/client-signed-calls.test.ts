// TwofoldClient (src/client/twofold-client.ts) signing with an access key, against the in-process
// app: every account call with both schemes, signed over exactly what goes on the wire; refusals
// as TwofoldApiError with the problem fields; identical writes in one second (signed a second
// apart by one client, a replay recovered from by two).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TwofoldClient } from '../../src/client/twofold-client.js';
import { TEST_PUBLIC_URL } from '../helpers/harness.js';
import { clientFor, rejectsWith, type Sent } from './client-support.js';
import { h, useFileHarness } from './file-harness.js';
import { PASSWORD, bearer, createKey, injectFetch, signup } from './support.js';

useFileHarness();

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
