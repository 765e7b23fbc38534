// What a genuine signature still does not buy (shared/API.md "Signed requests"): the same signed
// write twice (401 replayed_signature; ten at once, exactly one succeeds; safe methods may repeat),
// and the session-only routes (403 session_required), for both schemes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { h, useFileHarness } from './file-harness.js';
import { SCHEMES, account, send, signed, signedHeaders, type Call } from './signing-support.js';
import { PASSWORD, assertProblem } from './support.js';

useFileHarness();

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
