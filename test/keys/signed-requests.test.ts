// Signed requests as the server must take them (shared/API.md "Signed requests"), driven by an
// independent signer written in test/keys/independent-signer.ts: both schemes accepted, on an
// account with TOTP on too (no code asked); and every refusal — tampered body, stale date, past
// `expires`, wrong key, thin coverage, another authority, replay (also ten at once), and the
// session-only routes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { TEST_PUBLIC_URL, startHarness, type Harness } from '../helpers/harness.js';
import {
  signCavage,
  signRfc9421,
  type CavageOptions,
  type IndependentSignInput,
  type Rfc9421Options,
} from './independent-signer.js';
import { PASSWORD, PUBLIC_HOST, assertProblem, bearer, createKey, signup, type CreatedKey } from './support.js';

type Scheme = 'rfc9421' | 'cavage';
const SCHEMES: Scheme[] = ['rfc9421', 'cavage'];

interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: string;
  /** What the signer believes the URL is (default: the public URL + path). */
  signedUrl?: string;
  /** Body actually sent, when it differs from the signed one. */
  sentBody?: string;
  nowMs?: number;
  rfc9421?: Rfc9421Options;
  cavage?: CavageOptions;
  /** Headers to send instead of / on top of the signed ones. */
  extraHeaders?: Record<string, string>;
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

function signedHeaders(key: CreatedKey, scheme: Scheme, c: Call): Record<string, string> {
  const input: IndependentSignInput = {
    method: c.method,
    url: c.signedUrl ?? `${TEST_PUBLIC_URL}${c.path}`,
    keyId: key.id,
    secret: key.secret,
    nowMs: c.nowMs ?? h.clock.now(),
    ...(c.body !== undefined ? { body: c.body } : {}),
  };
  return scheme === 'rfc9421' ? signRfc9421(input, c.rfc9421) : signCavage(input, c.cavage);
}

function send(headers: Record<string, string>, c: Call): Promise<LightMyRequestResponse> {
  const body = c.sentBody ?? c.body;
  return h.inject({
    method: c.method,
    url: c.path,
    headers: { host: PUBLIC_HOST, ...headers, ...c.extraHeaders },
    ...(body !== undefined ? { payload: body } : {}),
  });
}

const signed = (key: CreatedKey, scheme: Scheme, c: Call) => send(signedHeaders(key, scheme, c), c);

let n = 0;
async function account(): Promise<{ token: string; key: CreatedKey; email: string }> {
  const email = `signer${++n}@example.com`;
  const { token } = await signup(h, email);
  return { token, key: await createKey(h, token), email };
}

describe('accepted', () => {
  for (const scheme of SCHEMES) {
    test(`${scheme}: GET and a PATCH with a body, signed independently, are accepted`, async () => {
      const { key, email } = await account();
      const me = await signed(key, scheme, { method: 'GET', path: '/v1/me' });
      assert.equal(me.statusCode, 200, me.body);
      assert.equal(me.json().email, email);
      const q = await signed(key, scheme, { method: 'GET', path: '/v1/me/events?limit=2' });
      assert.equal(q.statusCode, 200, q.body);
      assert.ok(q.json().length <= 2);
      const patch = await signed(key, scheme, {
        method: 'PATCH',
        path: `/v1/me/access-keys/${key.id}`,
        body: JSON.stringify({ enabled: true }),
      });
      assert.equal(patch.statusCode, 200, patch.body);
      assert.equal(patch.json().enabled, true);
    });
  }

  test('rfc9421 variants: @path + @query instead of @target-uri, date instead of created, any label, expires ahead', async () => {
    const { key } = await account();
    const variants: Rfc9421Options[] = [
      { components: ['@method', '@authority', '@path', '@query', 'date'] },
      { components: ['@method', '@authority', '@target-uri', 'date'], created: null },
      { label: 'my-cli', expires: Math.floor(h.clock.now() / 1000) + 60 },
    ];
    for (const v of variants) {
      const r = await signed(key, 'rfc9421', { method: 'GET', path: '/v1/me/access-keys?x=1', rfc9421: v });
      assert.equal(r.statusCode, 200, `${JSON.stringify(v)} ${r.body}`);
    }
  });

  test('cavage with content-length instead of digest is accepted for a body', async () => {
    const { key } = await account();
    const body = JSON.stringify({ enabled: true });
    const r = await signed(key, 'cavage', {
      method: 'PATCH',
      path: `/v1/me/access-keys/${key.id}`,
      body,
      cavage: { headers: ['(request-target)', 'host', 'date', 'content-length'] },
    });
    assert.equal(r.statusCode, 200, r.body);
  });

  test('an account with TOTP on: signed requests need no code, for both schemes', async () => {
    const email = 'totp-signed@example.com';
    const { token } = await signup(h, email);
    const setup = await h.inject({
      method: 'POST',
      url: '/v1/me/mfa/setup',
      headers: bearer(token),
      payload: { method: 'totp', password: PASSWORD },
    });
    assert.equal(setup.statusCode, 201, setup.body);
    const code = totpAt(base32Decode(setup.json().secret), h.clock.now());
    const on = await h.inject({
      method: 'POST',
      url: '/v1/me/mfa/setup/verify',
      headers: bearer(token),
      payload: { setup_id: setup.json().setup_id, code },
    });
    assert.equal(on.statusCode, 200, on.body);
    const login = await h.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email, password: PASSWORD, client: 'app' },
    });
    assert.equal(login.json().status, 'mfa_required', 'the second factor is really on');
    const key = await createKey(h, token);
    for (const scheme of SCHEMES) {
      const me = await signed(key, scheme, { method: 'GET', path: '/v1/me' });
      assert.equal(me.statusCode, 200, me.body);
      assert.equal(me.json().mfa.enabled, true);
      const st = await signed(key, scheme, { method: 'GET', path: '/v1/me/mfa' });
      assert.deepEqual([st.statusCode, st.json().enabled, st.json().method], [200, true, 'totp']);
      const w = await signed(key, scheme, {
        method: 'PATCH',
        path: `/v1/me/access-keys/${key.id}`,
        body: '{"enabled":true}',
      });
      assert.equal(w.statusCode, 200, w.body);
    }
  });
});

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

describe('replay', () => {
  for (const scheme of SCHEMES) {
    test(`${scheme}: a signed write is accepted once; the same bytes again are 401 replayed_signature`, async () => {
      const { key } = await account();
      const c: Call = { method: 'PATCH', path: `/v1/me/access-keys/${key.id}`, body: '{"enabled":true}' };
      const headers = signedHeaders(key, scheme, c);
      assert.equal((await send(headers, c)).statusCode, 200);
      assertProblem(await send(headers, c), 401, 'replayed_signature');
      h.clock.advance(1000);
      assert.equal((await signed(key, scheme, c)).statusCode, 200, 'signed anew, it is accepted');
      const g: Call = { method: 'GET', path: '/v1/me' };
      const gh = signedHeaders(key, scheme, g);
      assert.equal((await send(gh, g)).statusCode, 200);
      assert.equal((await send(gh, g)).statusCode, 200, 'safe methods may repeat');
    });

    test(`${scheme}: ten identical signed writes at once: exactly one succeeds`, async () => {
      const { key } = await account();
      const c: Call = { method: 'PATCH', path: `/v1/me/access-keys/${key.id}`, body: '{"enabled":true}' };
      const headers = signedHeaders(key, scheme, c);
      const answers = await Promise.all(Array.from({ length: 10 }, () => send(headers, c)));
      assert.deepEqual(answers.map((r) => r.statusCode).sort(), [200, ...Array<number>(9).fill(401)]);
      for (const r of answers.filter((a) => a.statusCode === 401)) assert.equal(r.json().code, 'replayed_signature');
    });
  }
});

test('session-only routes answer 403 session_required to a signed request, both schemes', async () => {
  const { key } = await account();
  const body = JSON.stringify({ password: PASSWORD });
  const calls: Call[] = [
    { method: 'POST', path: '/v1/me/mfa/setup', body: JSON.stringify({ method: 'totp', password: PASSWORD }) },
    { method: 'DELETE', path: '/v1/me/mfa', body },
    { method: 'POST', path: '/v1/me/mfa/recovery-code', body },
  ];
  for (const scheme of SCHEMES) {
    for (const c of calls)
      assertProblem(await signed(key, scheme, c), 403, 'session_required', `${scheme} ${c.method} ${c.path}`);
  }
});
