import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { signatureBaseRfc9421, verifyRfc9421 } from './rfc9421.js';
import { checkSignedRequestPolicy } from './policy.js';
import type { SignedRequestView, VerifyResult } from './request.js';

// RFC 9421 Appendix B.2.5 (HMAC-SHA256), from shared/VECTORS.md; key from Appendix B.1.5.
const B15_KEY = new Uint8Array(
  Buffer.from('uzvJfB4u3N0Jy4T7NZ75MDVcr8zSTInedJtkgcu46YW4XByzNJjxBdtjUkdJPBtbmHhIDi6pcl8jsasjlTMtDQ==', 'base64'),
);
const B25_PARAMS = '("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"';
const B25_BASE = [
  '"date": Tue, 20 Apr 2021 02:07:55 GMT',
  '"@authority": example.com',
  '"content-type": application/json',
  `"@signature-params": ${B25_PARAMS}`,
].join('\n');
const B25_SIG = 'pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=';
const lookupKey = (k: string) => (k === 'test-shared-secret' ? B15_KEY : null);

function b25View(extra: Record<string, string | string[]> = {}): SignedRequestView {
  return {
    method: 'POST',
    origin: 'https://example.com',
    target: '/foo?param=Value&Pet=dog',
    headers: {
      host: 'example.com',
      date: 'Tue, 20 Apr 2021 02:07:55 GMT',
      'content-type': 'application/json',
      'content-digest':
        'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:',
      'content-length': '18',
      'signature-input': `sig-b25=${B25_PARAMS}`,
      signature: `sig-b25=:${B25_SIG}:`,
      ...extra,
    },
    body: new Uint8Array(Buffer.from('{"hello": "world"}')),
  };
}
const NOW = 1618884473 * 1000;

test('B.2.5: the signature base is byte-for-byte the RFC one and the HMAC matches', () => {
  const base = signatureBaseRfc9421(b25View(), ['date', '@authority', 'content-type'], B25_PARAMS);
  assert.deepEqual(base, { ok: true, base: B25_BASE });
  assert.equal(createHmac('sha256', B15_KEY).update(B25_BASE).digest('base64'), B25_SIG);
});

test('B.2.5: verifyRfc9421 accepts the RFC signature; the policy refuses its thin coverage', () => {
  const r = verifyRfc9421(b25View(), { nowMs: NOW, lookupKey });
  assert.equal(r.ok, true);
  if (!r.ok) return;
  assert.equal(r.keyId, 'test-shared-secret');
  assert.equal(r.scheme, 'rfc9421');
  assert.equal(r.created, 1618884473);
  assert.deepEqual(r.covered, ['date', '@authority', 'content-type']);
  assert.equal(Buffer.from(r.signatureBytes).toString('base64'), B25_SIG);
  const policy = checkSignedRequestPolicy(b25View(), r, { nowMs: NOW, publicHost: 'example.com', maxSkewSec: 300 });
  assert.equal(policy.ok, false); // no @method, no target, no content-digest
});

test('B.2.5: wrong key, changed header, changed params, skew and missing labels fail', () => {
  const other = new Uint8Array(64).fill(7);
  assert.equal(verifyRfc9421(b25View(), { nowMs: NOW, lookupKey: () => other }).ok, false);
  assert.equal(verifyRfc9421(b25View(), { nowMs: NOW, lookupKey: () => null }).ok, false);
  assert.equal(
    verifyRfc9421(b25View(), {
      nowMs: NOW,
      lookupKey: () => {
        throw new Error('db down');
      },
    }).ok,
    false,
  );
  assert.equal(verifyRfc9421(b25View({ 'content-type': 'text/plain' }), { nowMs: NOW, lookupKey }).ok, false);
  assert.equal(verifyRfc9421({ ...b25View(), origin: 'https://example.org' }, { nowMs: NOW, lookupKey }).ok, false);
  assert.equal(
    verifyRfc9421(b25View({ 'signature-input': `sig-b25=${B25_PARAMS};nonce="x"` }), { nowMs: NOW, lookupKey }).ok,
    false,
  );
  assert.equal(verifyRfc9421(b25View({ signature: `other=:${B25_SIG}:` }), { nowMs: NOW, lookupKey }).ok, false);
  assert.equal(verifyRfc9421(b25View(), { nowMs: NOW + 301_000, lookupKey, maxSkewSec: 300 }).ok, false);
  assert.equal(verifyRfc9421(b25View(), { nowMs: NOW + 299_000, lookupKey, maxSkewSec: 300 }).ok, true);
});

test('labels: a failing first label does not hide a good second one; unrelated labels are skipped', () => {
  const view = b25View({
    'signature-input': [
      `bad=("date");created=1;keyid="nobody"`,
      `sig-b25=${B25_PARAMS}`,
      'only-input=("date");keyid="x"',
    ],
    signature: ['bad=:AAAA:', `sig-b25=:${B25_SIG}:`, 'only-sig=:AAAA:'],
  });
  const r = verifyRfc9421(view, { nowMs: NOW, lookupKey });
  assert.equal(r.ok, true);
});

test('alg: absent or hmac-sha256 is verified; any other algorithm is refused', () => {
  const sign = (params: string) => {
    const base = signatureBaseRfc9421(b25View(), ['date'], `("date")${params}`);
    assert.ok(base.ok);
    const sig = createHmac('sha256', B15_KEY)
      .update(base.ok ? base.base : '')
      .digest('base64');
    return b25View({ 'signature-input': `s=("date")${params}`, signature: `s=:${sig}:` });
  };
  const verify = (v: SignedRequestView): VerifyResult => verifyRfc9421(v, { nowMs: NOW, lookupKey });
  assert.equal(verify(sign(';keyid="test-shared-secret"')).ok, true);
  assert.equal(verify(sign(';keyid="test-shared-secret";alg="hmac-sha256"')).ok, true);
  for (const alg of ['"hmac-sha512"', '"rsa-pss-sha512"', '"ed25519"', '"HMAC-SHA256"', 'hmac-sha256']) {
    assert.equal(verify(sign(`;keyid="test-shared-secret";alg=${alg}`)).ok, false, alg);
  }
  assert.equal(verify(sign(';keyid="test-shared-secret";expires=1618884000')).ok, false, 'expired');
  assert.equal(verify(sign(';keyid="test-shared-secret";expires=1618884999')).ok, true, 'not yet expired');
  assert.equal(verify(sign(';keyid="test-shared-secret";created=1.5')).ok, false, 'decimal created');
  assert.equal(verify(sign(';keyid=test-shared-secret')).ok, false, 'token keyid');
});

test('derived components (RFC 9421 §2.2 examples) and the @authority normalisation', () => {
  const view: SignedRequestView = {
    method: 'POST',
    origin: 'https://WWW.Example.com:443/',
    target: '/path?param=value&foo=bar&baz=bat%2Dman',
    headers: { 'x-list': ['  a ', 'b  '], 'x-empty': '' },
    body: null,
  };
  const names = [
    '@method',
    '@authority',
    '@scheme',
    '@target-uri',
    '@request-target',
    '@path',
    '@query',
    'x-list',
    'x-empty',
  ];
  const base = signatureBaseRfc9421(view, names, '()');
  assert.deepEqual(base, {
    ok: true,
    base: [
      '"@method": POST',
      '"@authority": www.example.com',
      '"@scheme": https',
      '"@target-uri": https://www.example.com/path?param=value&foo=bar&baz=bat%2Dman',
      '"@request-target": /path?param=value&foo=bar&baz=bat%2Dman',
      '"@path": /path',
      '"@query": ?param=value&foo=bar&baz=bat%2Dman',
      '"x-list": a, b',
      '"x-empty": ',
      '"@signature-params": ()',
    ].join('\n'),
  });
  const q = (target: string) => signatureBaseRfc9421({ ...view, target }, ['@query'], '()');
  assert.deepEqual(q('/path'), { ok: true, base: '"@query": ?\n"@signature-params": ()' });
  assert.deepEqual(q('/path?'), { ok: true, base: '"@query": ?\n"@signature-params": ()' });
  const a = signatureBaseRfc9421({ ...view, origin: 'http://localhost:8080' }, ['@authority'], '()');
  assert.deepEqual(a, { ok: true, base: '"@authority": localhost:8080\n"@signature-params": ()' });
});

test('unresolvable or unsafe components fail the base', () => {
  const view: SignedRequestView = {
    method: 'GET',
    origin: 'https://a.test',
    target: '/x',
    headers: { evil: 'a\nb', ok: 'v', ü: 'x' },
    body: null,
  };
  for (const comps of [
    ['missing'],
    ['@status'],
    ['@query-param'],
    ['@foo'],
    ['Ok'],
    ['ok', 'ok'],
    ['@signature-params'],
    ['evil'],
    ['ü'],
  ]) {
    assert.equal(signatureBaseRfc9421(view, comps, '()').ok, false, comps.join(' '));
  }
  assert.equal(signatureBaseRfc9421({ ...view, target: '*' }, ['@path'], '()').ok, false);
  assert.equal(signatureBaseRfc9421({ ...view, origin: 'not a url' }, ['ok'], '()').ok, false);
  assert.equal(signatureBaseRfc9421(view, ['ok'], '()\n"x": y').ok, false);
});

test('garbage Signature-Input / Signature fields are refusals, never exceptions', () => {
  const inputs = [
    '',
    'sig',
    'sig=',
    'sig=("date"',
    'sig=(date);keyid="k"',
    'sig="date"',
    'sig=("date");keyid="unterminated',
    'sig=("date" "date");keyid="test-shared-secret"',
    'sig=("date";sf);keyid="test-shared-secret"',
    'sig=("@query-param";name="a");keyid="test-shared-secret"',
    'sig=("date");created=-1;keyid="test-shared-secret"',
    'sig=("date");created=@1618884473;keyid="test-shared-secret"',
    'sig=(1 2 3);keyid="test-shared-secret"',
    '\u0000',
    'SIG=("date");keyid="x"',
    `sig=(${'"date" '.repeat(40)});keyid="test-shared-secret"`,
    `sig=("date");keyid="${'k'.repeat(2_000_000)}"`,
    'a=(),'.repeat(3000),
  ];
  const sigs = [
    'sig=:AAAA:',
    'sig=:not base64!:',
    'sig="abc"',
    'sig=(:AAAA:)',
    'sig',
    `sig=:${'A'.repeat(1_000_000)}:`,
    '',
  ];
  for (const input of inputs) {
    for (const signature of sigs) {
      let r: VerifyResult | undefined;
      const view = b25View({ 'signature-input': input, signature });
      assert.doesNotThrow(() => {
        r = verifyRfc9421(view, { nowMs: NOW, lookupKey });
      });
      assert.equal(r?.ok, false, `${input.slice(0, 40)} / ${signature.slice(0, 20)}`);
    }
  }
  const { signature: _s, ...noSig } = b25View().headers;
  assert.equal(verifyRfc9421({ ...b25View(), headers: noSig }, { nowMs: NOW, lookupKey }).ok, false);
});
