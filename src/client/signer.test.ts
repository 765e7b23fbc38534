import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { signRequest, type SignRequestInput } from './signer.js';
import { verifySignedRequest } from '../core/signatures/policy.js';
import type { SignedRequestView } from '../core/signatures/request.js';

const SECRET = Buffer.from('client-secret-of-thirty-two-byte').toString('base64');
const KEY = new Uint8Array(Buffer.from(SECRET, 'base64'));
const NOW = Date.UTC(2026, 4, 2, 8, 0, 0);
const lookupKey = (id: string) => (id === 'ak_live_1' ? KEY : null);

/** What the server sees: the caller's headers plus the signer's, Host from the URL. */
function received(input: SignRequestInput, added: Record<string, string>, body?: Uint8Array): SignedRequestView {
  const url = new URL(input.url);
  const headers: Record<string, string> = { host: url.host };
  for (const [k, v] of Object.entries({ ...input.headers, ...added })) headers[k.toLowerCase()] = v;
  const b = body ?? (typeof input.body === 'string' ? new Uint8Array(Buffer.from(input.body)) : (input.body ?? null));
  return {
    method: input.method.toUpperCase(),
    origin: url.origin,
    target: url.pathname + url.search,
    headers,
    body: b,
  };
}

const base = { keyId: 'ak_live_1', secretBase64: SECRET, nowMs: NOW };
const withBody = (scheme: 'rfc9421' | 'cavage'): SignRequestInput => ({
  ...base,
  scheme,
  method: 'POST',
  url: 'https://api.twofold.test/v1/me/access-keys?dry=1',
  headers: { 'Content-Type': 'application/json' },
  body: '{"name":"ci"}',
});
const noBody = (scheme: 'rfc9421' | 'cavage'): SignRequestInput => ({
  ...base,
  scheme,
  method: 'GET',
  url: 'https://api.twofold.test:443/v1/me',
});

test('round trip: both schemes, with and without a body, pass verification and policy', () => {
  for (const scheme of ['rfc9421', 'cavage'] as const) {
    for (const input of [withBody(scheme), noBody(scheme)]) {
      const view = received(input, signRequest(input));
      const r = verifySignedRequest(view, { nowMs: NOW + 30_000, publicHost: 'api.twofold.test', lookupKey });
      assert.equal(r.ok, true, `${scheme} ${input.method}: ${JSON.stringify(r)}`);
      if (r.ok) assert.deepEqual([r.keyId, r.scheme], ['ak_live_1', scheme]);
      const tampered = received(input, signRequest(input), new Uint8Array(Buffer.from('{"name":"xx"}')));
      assert.equal(verifySignedRequest(tampered, { nowMs: NOW, publicHost: 'api.twofold.test', lookupKey }).ok, false);
      assert.equal(
        verifySignedRequest(view, { nowMs: NOW + 400_000, publicHost: 'api.twofold.test', lookupKey }).ok,
        false,
      );
    }
  }
});

test('RFC 9421 output matches a hand-built signature base', () => {
  const input = { ...withBody('rfc9421'), nonce: 'n-0001' };
  const h = signRequest(input);
  const created = NOW / 1000;
  const date = new Date(NOW).toUTCString();
  const digest = `sha-256=:${createHash('sha256').update('{"name":"ci"}').digest('base64')}:`;
  const params = `("@method" "@authority" "@target-uri" "date" "content-digest");created=${created};keyid="ak_live_1";alg="hmac-sha256";expires=${created + 300};nonce="n-0001"`;
  const sigBase = [
    '"@method": POST',
    '"@authority": api.twofold.test',
    '"@target-uri": https://api.twofold.test/v1/me/access-keys?dry=1',
    `"date": ${date}`,
    `"content-digest": ${digest}`,
    `"@signature-params": ${params}`,
  ].join('\n');
  assert.deepEqual(h, {
    Date: date,
    'Content-Digest': digest,
    'Signature-Input': `remoteit=${params}`,
    Signature: `remoteit=:${createHmac('sha256', KEY).update(sigBase).digest('base64')}:`,
  });
  const labelled = signRequest({ ...noBody('rfc9421'), label: 'cli' });
  assert.match(labelled['Signature-Input'] ?? '', /^cli=\("@method" "@authority" "@target-uri" "date"\);created=/);
  assert.equal(labelled['Content-Digest'], undefined);
});

test('cavage output matches a hand-built signing string', () => {
  const h = signRequest(withBody('cavage'));
  const date = new Date(NOW).toUTCString();
  const digest = `SHA-256=${createHash('sha256').update('{"name":"ci"}').digest('base64')}`;
  const str = [
    '(request-target): post /v1/me/access-keys?dry=1',
    'host: api.twofold.test',
    `date: ${date}`,
    'content-type: application/json',
    'content-length: 13',
    `digest: ${digest}`,
  ].join('\n');
  const sig = createHmac('sha256', KEY).update(str).digest('base64');
  assert.deepEqual(h, {
    Date: date,
    'Content-Length': '13',
    Digest: digest,
    Authorization: `Signature keyId="ak_live_1",algorithm="hmac-sha256",headers="(request-target) host date content-type content-length digest",signature="${sig}"`,
  });
  const g = signRequest(noBody('cavage'));
  assert.match(g.Authorization ?? '', /headers="\(request-target\) host date",/);
});

test('a non-default port stays in @authority and host', () => {
  for (const scheme of ['rfc9421', 'cavage'] as const) {
    const input: SignRequestInput = {
      ...base,
      scheme,
      method: 'delete',
      url: 'http://localhost:8080/v1/me/sessions/7',
      body: new Uint8Array(0),
    };
    const view = received(input, signRequest(input));
    assert.equal(verifySignedRequest(view, { nowMs: NOW, publicHost: 'localhost:8080', lookupKey }).ok, true, scheme);
    assert.equal(verifySignedRequest(view, { nowMs: NOW, publicHost: 'localhost', lookupKey }).ok, false, scheme);
  }
});

test('bad signer inputs are programming errors and throw', () => {
  assert.throws(() => signRequest({ ...noBody('cavage'), keyId: 'a"b' }));
  assert.throws(() => signRequest({ ...noBody('rfc9421'), secretBase64: '' }));
  assert.throws(() => signRequest({ ...noBody('rfc9421'), label: 'Bad Label' }));
});

test('two identical writes signed in the same second get different signatures (random nonce), so the replay guard refuses only true replays', () => {
  const input = withBody('rfc9421');
  assert.notEqual(signRequest(input).Signature, signRequest(input).Signature);
});
