// Signed requests the server must refuse with 401 invalid_signature (shared/API.md "Signed
// requests"), each signed by an independent signer: a tampered body (with or without a recomputed
// digest), a stale date or created, a past `expires`, a wrong secret or unknown key, another
// authority, and coverage too thin to bind method, target, authority, time and body.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { h, useFileHarness } from './file-harness.js';
import { SCHEMES, account, send, signed, signedHeaders, type Call } from './signing-support.js';
import { PUBLIC_HOST, assertProblem } from './support.js';

useFileHarness();

describe('refused: 401 invalid_signature', () => {
  for (const scheme of SCHEMES) {
    test(`${scheme}: a tampered body, with or without a recomputed digest`, async () => {
      const { key } = await account();
      const path = `/v1/me/access-keys/${key.id}`;
      const c: Call = { method: 'PATCH', path, body: '{"enabled":true}', sentBody: '{"enabled":false}' };
      assertProblem(await signed(key, scheme, c), 401, 'invalid_signature', 'body swapped, digest of the old body');
      const headers = signedHeaders(key, scheme, { method: 'PATCH', path, body: '{"enabled":true}' });
      const other = signedHeaders(key, scheme, { method: 'PATCH', path, body: '{"enabled":false}' });
      const digestName = scheme === 'rfc9421' ? 'content-digest' : 'digest';
      const forged = { ...headers, [digestName]: other[digestName] ?? '' };
      assertProblem(
        await send(forged, { method: 'PATCH', path, body: '{"enabled":false}' }),
        401,
        'invalid_signature',
        'digest recomputed, signature not',
      );
      const list = await signed(key, scheme, { method: 'GET', path: '/v1/me/access-keys' });
      assert.equal(list.json()[0].enabled, true, 'nothing changed');
    });

    test(`${scheme}: a date 6 minutes old (the clock moved on) is stale`, async () => {
      const { key } = await account();
      const signedAt = h.clock.now();
      const fresh = signedHeaders(key, scheme, {
        method: 'GET',
        path: '/v1/me',
        nowMs: signedAt,
        rfc9421: { created: null },
      });
      h.clock.advance(6 * 60_000);
      assertProblem(await send(fresh, { method: 'GET', path: '/v1/me' }), 401, 'invalid_signature');
      if (scheme === 'rfc9421') {
        assertProblem(
          await signed(key, scheme, { method: 'GET', path: '/v1/me', nowMs: signedAt }),
          401,
          'invalid_signature',
          'stale created',
        );
      }
      assert.equal(
        (await signed(key, scheme, { method: 'GET', path: '/v1/me' })).statusCode,
        200,
        'a fresh one still works',
      );
    });

    test(`${scheme}: a wrong secret and an unknown key id`, async () => {
      const { key } = await account();
      const wrongSecret = { ...key, secret: randomBytes(30).toString('base64') };
      assertProblem(
        await signed(wrongSecret, scheme, { method: 'GET', path: '/v1/me' }),
        401,
        'invalid_signature',
        'wrong secret',
      );
      const unknown = { ...key, id: 'AAAAAAAAAAAAAAAAAAAA' };
      assertProblem(
        await signed(unknown, scheme, { method: 'GET', path: '/v1/me' }),
        401,
        'invalid_signature',
        'unknown id',
      );
    });

    test(`${scheme}: signed for another authority`, async () => {
      const { key } = await account();
      const c: Call = { method: 'GET', path: '/v1/me', signedUrl: 'http://evil.example:8080/v1/me' };
      // Sent with the public Host, and with the Host the signer named: refused either way.
      assertProblem(
        await signed(key, scheme, { ...c, extraHeaders: { host: PUBLIC_HOST } }),
        401,
        'invalid_signature',
        'public Host',
      );
      assertProblem(
        await signed(key, scheme, { ...c, extraHeaders: { host: 'evil.example:8080' } }),
        401,
        'invalid_signature',
        'evil Host',
      );
      assertProblem(
        await signed(key, scheme, {
          ...c,
          signedUrl: 'http://127.0.0.1:9999/v1/me',
          extraHeaders: { host: '127.0.0.1:9999' },
        }),
        401,
        'invalid_signature',
        'other port',
      );
      if (scheme === 'rfc9421') {
        assertProblem(
          await signed(key, scheme, { ...c, signedUrl: 'https://127.0.0.1:8080/v1/me' }),
          401,
          'invalid_signature',
          'https in @target-uri',
        );
      }
      assert.equal((await signed(key, scheme, { method: 'GET', path: '/v1/me' })).statusCode, 200);
    });
  }

  test('rfc9421: a past expires', async () => {
    const { key } = await account();
    const nowSec = Math.floor(h.clock.now() / 1000);
    assertProblem(
      await signed(key, 'rfc9421', {
        method: 'GET',
        path: '/v1/me',
        rfc9421: { created: nowSec - 60, expires: nowSec - 1 },
      }),
      401,
      'invalid_signature',
    );
    assert.equal(
      (
        await signed(key, 'rfc9421', {
          method: 'GET',
          path: '/v1/me',
          rfc9421: { created: nowSec - 60, expires: nowSec + 60 },
        })
      ).statusCode,
      200,
    );
  });

  test('thin coverage: no @authority, no target, no time, a body without content-digest (rfc9421); no host, no date, a body without digest (cavage)', async () => {
    const { key } = await account();
    const get = (components: string[], created?: null) =>
      signed(key, 'rfc9421', {
        method: 'GET',
        path: '/v1/me',
        rfc9421: { components, ...(created === null ? { created } : {}) },
      });
    assertProblem(await get(['@method', '@target-uri', 'date']), 401, 'invalid_signature', 'no @authority');
    assertProblem(await get(['@method', '@authority', 'date']), 401, 'invalid_signature', 'no target');
    assertProblem(
      await get(['@method', '@authority', '@path', 'date']),
      401,
      'invalid_signature',
      '@path without @query',
    );
    assertProblem(await get(['@authority', '@target-uri', 'date']), 401, 'invalid_signature', 'no @method');
    assertProblem(
      await get(['@method', '@authority', '@target-uri'], null),
      401,
      'invalid_signature',
      'no time at all',
    );
    const path = `/v1/me/access-keys/${key.id}`;
    assertProblem(
      await signed(key, 'rfc9421', {
        method: 'PATCH',
        path,
        body: '{"enabled":false}',
        rfc9421: { components: ['@method', '@authority', '@target-uri', 'date'] },
      }),
      401,
      'invalid_signature',
      'body without content-digest',
    );
    const cav = (headers: string[], body?: string) =>
      signed(key, 'cavage', {
        method: body ? 'PATCH' : 'GET',
        path: body ? path : '/v1/me',
        cavage: { headers },
        ...(body ? { body } : {}),
      });
    assertProblem(await cav(['(request-target)', 'date']), 401, 'invalid_signature', 'cavage without host');
    assertProblem(await cav(['host', 'date']), 401, 'invalid_signature', 'cavage without (request-target)');
    assertProblem(await cav(['(request-target)', 'host']), 401, 'invalid_signature', 'cavage without date');
    assertProblem(
      await cav(['(request-target)', 'host', 'date'], '{"enabled":false}'),
      401,
      'invalid_signature',
      'cavage body without digest or length',
    );
    const list = await signed(key, 'rfc9421', { method: 'GET', path: '/v1/me/access-keys' });
    assert.equal(list.json()[0].enabled, true, 'no refused request changed anything');
  });
});
