// Hostile input to every route of GET /v1/openapi.json (and to paths that match none): generated
// bodies, content types, malformed Signature-Input / Signature / Authorization headers, cookies and
// path parameters. Whatever arrives: never a 5xx, never a crash, every 4xx is problem+json, and the
// seeded account is unchanged (same profile, factor, sessions and keys; it still signs in with its
// password and TOTP code). A second property tampers with one covered part of a valid signed write
// and expects 401 every time. fast-check, bounded in runs and in time.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { signRequest } from '../../src/client/signer.js';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { TEST_PUBLIC_URL, type Harness } from '../helpers/harness.js';
import { hostileRequest } from './hostile-requests.js';
import {
  EMAIL,
  PASSWORD,
  RUNS,
  TIME_LIMIT_MS,
  assertWellBehaved,
  seededHarness,
  snapshot as accountSnapshot,
} from './support.js';

describe('fuzzing every route', () => {
  let h: Harness;
  let token: string;
  let secret: string;
  let key: { id: string; secret: string };
  let routes: Array<{ method: string; path: string }>;
  let baseline: Record<string, unknown>;
  const snapshot = () => accountSnapshot(h, token);

  before(async () => {
    ({ h, token, secret, key, routes } = await seededHarness());
    baseline = await snapshot();
  });

  after(async () => {
    await h?.close();
  });

  test('generated requests to every route: no 5xx, no crash, 4xx are problems, the account is unchanged', async (t) => {
    const tally = new Map<string, number>();
    const request = hostileRequest(routes, key);

    await fc.assert(
      fc.asyncProperty(request, async ({ target: { method, url }, body: payload, headers: hdrs }) => {
        const withBody = payload !== undefined && method !== 'GET' && method !== 'HEAD';
        const res = await h.inject({ method: method, url, headers: hdrs, ...(withBody ? { payload } : {}) });
        assertWellBehaved(res, method, url, hdrs);
        const key = `${res.statusCode}${res.statusCode >= 400 && res.body.startsWith('{') ? ` ${(JSON.parse(res.body) as { code?: string }).code}` : ''}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }),
      { numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS },
    );
    t.diagnostic(
      `answers: ${[...tally]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k}×${n}`)
        .join(', ')}`,
    );
  });

  test('a valid signed write with one covered part tampered with is refused with 401, every time', async () => {
    const path = `/v1/me/access-keys/${key.id}`;
    const tamper = fc.record({
      part: fc.constantFrom('body', 'path', 'signature', 'created', 'keyid', 'method', 'digest', 'date-and-created'),
      at: fc.nat(),
      enabled: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(tamper, async ({ part, at, enabled }) => {
        let body = JSON.stringify({ enabled: false });
        const sig = signRequest({
          method: 'PATCH',
          url: TEST_PUBLIC_URL + path,
          headers: { 'content-type': 'application/json' },
          body,
          keyId: key.id,
          secretBase64: key.secret,
          scheme: 'rfc9421',
          nowMs: h.clock.now(),
        });
        const headers: Record<string, string> = { 'content-type': 'application/json', ...sig };
        let method = 'PATCH';
        let url = path;
        // Flips one bit of the bytes inside `label=:base64:` (not of the text: base64 has bits that
        // decode to nothing, and the server rightly compares bytes).
        const flip = (field: string) =>
          field.replace(/:([A-Za-z0-9+/=]+):/, (_m, b: string) => {
            const bytes = Buffer.from(b, 'base64');
            bytes[at % bytes.length]! ^= 1 << (at % 8);
            return `:${bytes.toString('base64')}:`;
          });
        if (part === 'body') body = JSON.stringify({ enabled });
        if (part === 'body' && enabled === false) body = '{"enabled":false }';
        if (part === 'path') url = `/v1/me/access-keys/${key.id}?x=${at}`;
        if (part === 'signature') headers.Signature = flip(headers.Signature!);
        if (part === 'created')
          headers['Signature-Input'] = headers['Signature-Input']!.replace(
            /created=(\d+)/,
            (_m, n: string) => `created=${Number(n) - 1 - (at % 600)}`,
          );
        if (part === 'keyid')
          headers['Signature-Input'] = headers['Signature-Input']!.replace(
            key.id,
            `${key.id.slice(0, 19)}${key.id[19] === 'A' ? 'B' : 'A'}`,
          );
        if (part === 'method') method = 'DELETE';
        if (part === 'digest') headers['Content-Digest'] = flip(headers['Content-Digest']!);
        if (part === 'date-and-created') h.clock.advance(301_000); // the signature is now stale
        try {
          const res = await h.inject({ method: method, url, headers, payload: body });
          assert.equal(res.statusCode, 401, `${part}: ${res.statusCode} ${res.body}`);
          assert.equal(res.json().code, 'invalid_signature', `${part}: ${res.body}`);
        } finally {
          if (part === 'date-and-created') h.clock.advance(-301_000);
        }
      }),
      { numRuns: Math.ceil(RUNS / 3), interruptAfterTimeLimit: TIME_LIMIT_MS / 2 },
    );
  });

  test('afterwards the seeded account is exactly as it was, and signs in with its password and a TOTP code', async () => {
    assert.deepEqual(await snapshot(), baseline);
    h.clock.advance(61 * 60_000); // past any password throttle the fuzzing may have run into
    const login = await h.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: EMAIL, password: PASSWORD, client: 'app' },
    });
    assert.equal(login.json().status, 'mfa_required', login.body);
    const code = totpAt(base32Decode(secret), h.clock.now());
    const ok = await h.inject({
      method: 'POST',
      url: '/v1/auth/login/verify',
      payload: { challenge: login.json().challenge, code },
    });
    assert.equal(ok.statusCode, 200, ok.body);
  });
});
