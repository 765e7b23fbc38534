import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { cavageSigningString, parseCavageParams, verifyCavage } from './cavage.js';
import type { SignedRequestView, VerifyResult } from './request.js';

// Independent signer: the signing string of draft-cavage-http-signatures-12 §2.3 written out by
// hand, HMAC-SHA256 from node:crypto — no code from cavage.ts is involved in making signatures.
const KEY = new Uint8Array(Buffer.from('c2VjcmV0LWtleS1mb3ItdGVzdHMtb25seS0wMTIzNDU2Nzg5', 'base64'));
const lookupKey = (id: string) => (id === 'key-1' ? KEY : null);
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const DATE = new Date(NOW).toUTCString();
const BODY = Buffer.from('{"hello": "world"}');
const DIGEST = `SHA-256=${createHash('sha256').update(BODY).digest('base64')}`;
const hmac = (s: string) => createHmac('sha256', KEY).update(s).digest('base64');

const SIGNING_STRING = [
  '(request-target): post /v1/me/things?a=1&b=2',
  'host: api.twofold.test',
  `date: ${DATE}`,
  'content-type: application/json',
  'content-length: 18',
  `digest: ${DIGEST}`,
].join('\n');
const HEADERS = '(request-target) host date content-type content-length digest';

function view(
  headers: Record<string, string | string[]>,
  body: Uint8Array | null = new Uint8Array(BODY),
): SignedRequestView {
  return {
    method: 'POST',
    origin: 'https://api.twofold.test',
    target: '/v1/me/things?a=1&b=2',
    body,
    headers: {
      host: 'api.twofold.test',
      date: DATE,
      'content-type': 'application/json',
      'content-length': '18',
      digest: DIGEST,
      ...headers,
    },
  };
}
const auth = (params: string) => ({ authorization: `Signature ${params}` });
const GOOD = `keyId="key-1",algorithm="hmac-sha256",headers="${HEADERS}",signature="${hmac(SIGNING_STRING)}"`;
const verify = (v: SignedRequestView): VerifyResult => verifyCavage(v, { nowMs: NOW, lookupKey });

test('cavageSigningString equals the hand-written §2.3 string', () => {
  assert.deepEqual(cavageSigningString(view({}), HEADERS.split(' '), { algorithm: 'hmac-sha256' }), {
    ok: true,
    base: SIGNING_STRING,
  });
});

test('a hand-built Authorization: Signature is accepted', () => {
  const r = verify(view(auth(GOOD)));
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.equal(r.scheme, 'cavage');
  assert.equal(r.keyId, 'key-1');
  assert.deepEqual(r.covered, HEADERS.split(' '));
  assert.equal(Buffer.from(r.signatureBytes).toString('base64'), hmac(SIGNING_STRING));
});

test('the Signature: field form and parameter order/spacing variations are accepted', () => {
  const sig = hmac(SIGNING_STRING);
  assert.equal(verify(view({ signature: GOOD })).ok, true);
  const reordered = `signature="${sig}", headers="${HEADERS}" ,keyId="key-1", algorithm="HMAC-SHA256", ext="ignored"`;
  assert.equal(verify(view(auth(reordered))).ok, true);
  assert.equal(verify(view({ authorization: `signature  ${GOOD}` })).ok, true);
  // An absent algorithm is read from the key (§2.1.3), and all Twofold keys are HMAC.
  assert.equal(verify(view(auth(`keyId="key-1",headers="${HEADERS}",signature="${sig}"`))).ok, true);
});

test('hs2019 with (created) and (expires) is accepted; hmac-sha256 with (created) is refused (§2.3)', () => {
  const created = Math.floor(NOW / 1000);
  const expires = created + 120;
  const v: SignedRequestView = {
    method: 'GET',
    origin: 'https://api.twofold.test',
    target: '/v1/me',
    headers: { host: 'api.twofold.test' },
    body: null,
  };
  const s = hmac(
    ['(request-target): get /v1/me', 'host: api.twofold.test', `(created): ${created}`, `(expires): ${expires}`].join(
      '\n',
    ),
  );
  const params = (alg: string) =>
    `keyId="key-1",algorithm="${alg}",created=${created},expires=${expires},headers="(request-target) host (created) (expires)",signature="${s}"`;
  const ok = verifyCavage({ ...v, headers: { ...v.headers, ...auth(params('hs2019')) } }, { nowMs: NOW, lookupKey });
  assert.equal(ok.ok, true);
  if (ok.ok) assert.deepEqual([ok.created, ok.expires], [created, expires]);
  assert.equal(
    verifyCavage({ ...v, headers: { ...v.headers, ...auth(params('hmac-sha256')) } }, { nowMs: NOW, lookupKey }).ok,
    false,
  );
  const late = verifyCavage(
    { ...v, headers: { ...v.headers, ...auth(params('hs2019')) } },
    { nowMs: NOW + 121_000, lookupKey },
  );
  assert.deepEqual(late, { ok: false, reason: 'signature expired' });
});

test('tampering with any covered part, a wrong key or another algorithm fails', () => {
  assert.equal(verify(view({ ...auth(GOOD), 'content-type': 'text/plain' })).ok, false);
  assert.equal(verify(view({ ...auth(GOOD), host: 'evil.test' })).ok, false);
  assert.equal(verify({ ...view(auth(GOOD)), method: 'PUT' }).ok, false);
  assert.equal(verify({ ...view(auth(GOOD)), target: '/v1/me/things?a=1&b=3' }).ok, false);
  assert.equal(verifyCavage(view(auth(GOOD)), { nowMs: NOW, lookupKey: () => new Uint8Array(32) }).ok, false);
  assert.equal(verifyCavage(view(auth(GOOD)), { nowMs: NOW, lookupKey: () => null }).ok, false);
  for (const alg of ['rsa-sha256', 'hmac-sha1', 'hmac-sha512', 'ecdsa-sha256', 'none']) {
    assert.equal(verify(view(auth(GOOD.replace('hmac-sha256', alg)))).ok, false, alg);
  }
});

test('parseCavageParams: defaults and duplicates', () => {
  const p = parseCavageParams('keyId="k",signature="AAAA"');
  assert.deepEqual(p, { ok: true, params: { keyId: 'k', signature: 'AAAA', headers: ['(created)'] } });
  assert.equal(parseCavageParams('keyId="k",keyId="j",signature="AAAA"').ok, false);
  const esc = parseCavageParams('keyId="a\\"b",signature="AAAA",headers="Host DATE"');
  assert.deepEqual(esc, { ok: true, params: { keyId: 'a"b', signature: 'AAAA', headers: ['host', 'date'] } });
});

test('garbage authorization/signature fields are refusals, never exceptions', () => {
  const cases = [
    'Signature',
    'Signature ',
    'Signature keyId=key-1',
    'Signature keyId="key-1',
    'Signature keyId="key-1,signature="abc"',
    'Signature keyId="key-1",signature="###"',
    'Signature keyId="key-1",signature="AAAA" extra',
    'Signature ,,,,',
    'Signature keyId="key-1",headers="",signature="AAAA"',
    'Signature keyId="key-1",headers="(foo)",signature="AAAA"',
    'Signature keyId="key-1",headers="(created)",signature="AAAA"',
    'Signature keyId="key-1",created=1.5,signature="AAAA"',
    'Signature keyId="key-1",headers="Ü",signature="AAAA"',
    `Signature keyId="key-1",headers="${'x '.repeat(100)}",signature="AAAA"`,
    `Signature keyId="${'k'.repeat(1_000_000)}",signature="AAAA"`,
    `Signature keyId="key-1",signature="${'"'.repeat(50_000)}`,
    'Signature \u0000',
    'Signature keyId="",signature="AAAA"',
    'Bearer abc',
    `Signature ${GOOD.replace('"key-1"', '"key-2"')}`,
  ];
  for (const a of cases) {
    let r: VerifyResult | undefined;
    assert.doesNotThrow(() => {
      r = verify(view({ authorization: a }));
    });
    assert.equal(r?.ok, false, a.slice(0, 60));
  }
  assert.equal(verify(view({ authorization: [`Signature ${GOOD}`, `Signature ${GOOD}`] })).ok, false);
  assert.equal(verify(view({})).ok, false);
  assert.equal(verify(view({ ...auth(GOOD), host: ['api.twofold.test', 'x'] })).ok, false);
});
