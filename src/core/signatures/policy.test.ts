import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { checkSignedRequestPolicy, detectSignatureScheme, verifySignedRequest } from './policy.js';
import type { SignedRequestView } from './request.js';

// Independent signers: signature bases written out by hand per RFC 9421 §2.5 and
// draft-cavage-12 §2.3, HMAC from node:crypto. Nothing from src/ makes these signatures.
const KEY = new Uint8Array(Buffer.from('dHdvZm9sZC1hY2Nlc3Mta2V5LXNlY3JldC0zMi1ieXRlcyE=', 'base64'));
const lookupKey = (id: string) => (id === 'ak_1' ? KEY : null);
const HOST = 'api.twofold.test';
const ORIGIN = `https://${HOST}`;
const NOW = Date.UTC(2026, 2, 1, 9, 30, 0);
const sec = (ms: number) => Math.floor(ms / 1000);
const hmac = (s: string, key: Uint8Array = KEY) => createHmac('sha256', key).update(s).digest('base64');
const JSON_BODY = Buffer.from('{"name":"laptop"}');

interface Req {
  method: string;
  target: string;
  body?: Buffer;
  signedAtMs?: number;
  key?: Uint8Array;
}

function sfDigest(body: Buffer): string {
  return `sha-256=:${createHash('sha256').update(body).digest('base64')}:`;
}

/** RFC 9421 by hand: `cover` names the components; values are written out below. */
function rfc9421(r: Req, cover: string[], params: (created: number) => string): SignedRequestView {
  const at = r.signedAtMs ?? NOW;
  const date = new Date(at).toUTCString();
  const body = r.body ?? Buffer.alloc(0);
  const headers: Record<string, string> = { host: HOST, date };
  if (body.length) Object.assign(headers, { 'content-type': 'application/json', 'content-digest': sfDigest(body) });
  const [path, query] = r.target.split('?');
  const values: Record<string, string> = {
    '@method': r.method,
    '@authority': HOST,
    '@target-uri': ORIGIN + r.target,
    '@path': path ?? '',
    '@query': `?${query ?? ''}`,
    '@request-target': r.target,
    date,
    'content-digest': headers['content-digest'] ?? '',
    'content-type': 'application/json',
  };
  const sigParams = `(${cover.map((c) => `"${c}"`).join(' ')})${params(sec(at))}`;
  const base = [...cover.map((c) => `"${c}": ${values[c]}`), `"@signature-params": ${sigParams}`].join('\n');
  headers['signature-input'] = `tf=${sigParams}`;
  headers.signature = `tf=:${hmac(base, r.key)}:`;
  return { method: r.method, origin: ORIGIN, target: r.target, headers, body: r.body ? new Uint8Array(r.body) : null };
}
const FULL = ['@method', '@authority', '@target-uri', 'date'];
const P = (c: number) => `;created=${c};keyid="ak_1";alg="hmac-sha256";expires=${c + 300}`;

/** draft-cavage-12 by hand. */
function cavage(r: Req, cover: string[], extra = ''): SignedRequestView {
  const date = new Date(r.signedAtMs ?? NOW).toUTCString();
  const body = r.body ?? Buffer.alloc(0);
  const headers: Record<string, string> = { host: HOST, date };
  if (body.length) {
    Object.assign(headers, {
      'content-type': 'application/json',
      'content-length': String(body.length),
      digest: `SHA-256=${createHash('sha256').update(body).digest('base64')}`,
    });
  }
  const line = (h: string) =>
    h === '(request-target)' ? `${h}: ${r.method.toLowerCase()} ${r.target}` : `${h}: ${headers[h]}`;
  const sig = hmac(cover.map(line).join('\n'), r.key);
  headers.authorization = `Signature keyId="ak_1",algorithm="hmac-sha256",headers="${cover.join(' ')}",signature="${sig}"${extra}`;
  return { method: r.method, origin: ORIGIN, target: r.target, headers, body: r.body ? new Uint8Array(r.body) : null };
}
const CAV = ['(request-target)', 'host', 'date'];
const CAV_BODY = [...CAV, 'content-type', 'content-length', 'digest'];

const check = (v: SignedRequestView, nowMs = NOW) => verifySignedRequest(v, { nowMs, publicHost: HOST, lookupKey });
const post = { method: 'POST', target: '/v1/me/access-keys?x=1', body: JSON_BODY };
const get = { method: 'GET', target: '/v1/me' };

test('independent RFC 9421 signatures are accepted (with body; GET with @path/@query, created, no alg)', () => {
  const v = rfc9421(post, [...FULL, 'content-digest'], P);
  const r = check(v);
  assert.equal(r.ok, true, JSON.stringify(r));
  if (!r.ok) return;
  assert.equal(r.keyId, 'ak_1');
  assert.equal(r.scheme, 'rfc9421');
  assert.equal(r.signedAtSec, sec(NOW));
  const sigB64 = /:(.*):/.exec(String(v.headers.signature))?.[1] ?? '';
  assert.equal(r.signatureHash, createHash('sha256').update(Buffer.from(sigB64, 'base64')).digest('hex'));
  assert.equal(
    check(rfc9421(get, ['@method', '@authority', '@path', '@query'], (c) => `;created=${c};keyid="ak_1"`)).ok,
    true,
  );
  assert.equal(
    check(rfc9421(get, ['@method', '@authority', '@request-target', 'date'], () => ';keyid="ak_1"')).ok,
    true,
  );
});

test('independent cavage signatures are accepted (with body; GET; Signature field form)', () => {
  assert.equal(check(cavage(post, CAV_BODY)).ok, true);
  assert.equal(check(cavage(post, [...CAV, 'content-length'])).ok, true);
  assert.equal(check(cavage(post, [...CAV, 'digest'])).ok, true);
  const g = cavage(get, CAV);
  const r = check(g);
  assert.equal(r.ok, true);
  if (r.ok) assert.equal(r.scheme, 'cavage');
  const { authorization, ...rest } = g.headers;
  const asField = { ...g, headers: { ...rest, signature: String(authorization).replace(/^Signature /, '') } };
  assert.equal(check(asField).ok, true);
});

test('a tampered body fails (digest mismatch), in both schemes', () => {
  const other = new Uint8Array(Buffer.from('{"name":"server"}'));
  assert.equal(check({ ...rfc9421(post, [...FULL, 'content-digest'], P), body: other }).ok, false);
  assert.equal(check({ ...cavage(post, CAV_BODY), body: other }).ok, false);
  assert.equal(
    check({ ...cavage(post, [...CAV, 'content-length']), body: new Uint8Array(Buffer.from('{"name":"laptoP"')) }).ok,
    false,
  );
});

test('a wrong key fails', () => {
  const key = new Uint8Array(32).fill(1);
  assert.equal(check(rfc9421({ ...get, key }, FULL, P)).ok, false);
  assert.equal(check(cavage({ ...get, key }, CAV)).ok, false);
});

test('a signed time 6 minutes away is stale (either direction); 4 minutes is fine', () => {
  for (const d of [-6 * 60_000, 6 * 60_000]) {
    assert.equal(check(rfc9421({ ...get, signedAtMs: NOW + d }, FULL, (c) => `;created=${c};keyid="ak_1"`)).ok, false);
    assert.equal(check(rfc9421({ ...get, signedAtMs: NOW + d }, FULL, () => ';keyid="ak_1"')).ok, false, 'date only');
    assert.equal(check(cavage({ ...get, signedAtMs: NOW + d }, CAV)).ok, false);
  }
  assert.equal(check(rfc9421({ ...get, signedAtMs: NOW - 4 * 60_000 }, FULL, P)).ok, true);
  assert.equal(check(cavage({ ...get, signedAtMs: NOW + 4 * 60_000 }, CAV)).ok, true);
});

test('an expires that has passed fails even inside the skew window', () => {
  const v = rfc9421(get, FULL, (c) => `;created=${c};keyid="ak_1";expires=${c + 10}`);
  assert.equal(check(v, NOW + 5_000).ok, true);
  assert.equal(check(v, NOW + 11_000).ok, false);
});

test('thin coverage is refused', () => {
  const thin: [string, SignedRequestView][] = [
    ['no @authority', rfc9421(get, ['@method', '@target-uri', 'date'], P)],
    ['no @method', rfc9421(get, ['@authority', '@target-uri', 'date'], P)],
    ['no target', rfc9421(get, ['@method', '@authority', 'date'], P)],
    ['@path without @query', rfc9421(get, ['@method', '@authority', '@path', 'date'], P)],
    ['no time', rfc9421(get, ['@method', '@authority', '@target-uri'], () => ';keyid="ak_1"')],
    ['body without content-digest', rfc9421(post, [...FULL, 'content-type'], P)],
    ['cavage: no host', cavage(get, ['(request-target)', 'date'])],
    ['cavage: no (request-target)', cavage(get, ['host', 'date'])],
    ['cavage: no date', cavage(get, ['(request-target)', 'host'])],
    ['cavage: body without digest/content-length', cavage(post, [...CAV, 'content-type'])],
  ];
  for (const [name, v] of thin) assert.equal(check(v).ok, false, name);
});

test('an authority other than the public host is refused', () => {
  const v = rfc9421(get, FULL, P);
  assert.equal(verifySignedRequest(v, { nowMs: NOW, publicHost: 'other.test', lookupKey }).ok, false);
  assert.equal(check({ ...v, origin: 'https://evil.test' }).ok, false); // base changes: signature fails
  const c = cavage(get, CAV);
  assert.equal(verifySignedRequest(c, { nowMs: NOW, publicHost: 'other.test', lookupKey }).ok, false);
  assert.equal(check({ ...c, headers: { ...c.headers, host: 'evil.test' } }).ok, false);
  assert.equal(check(rfc9421(get, FULL, P)).ok, true, 'the control passes');
});

test('alg other than hmac-sha256 is refused', () => {
  assert.equal(check(rfc9421(get, FULL, (c) => `;created=${c};keyid="ak_1";alg="rsa-pss-sha512"`)).ok, false);
  assert.equal(check(rfc9421(get, FULL, (c) => `;created=${c};keyid="ak_1";alg="hmac-sha512"`)).ok, false);
  const c = cavage(get, CAV);
  const a = String(c.headers.authorization).replace('hmac-sha256', 'rsa-sha256');
  assert.equal(check({ ...c, headers: { ...c.headers, authorization: a } }).ok, false);
});

test('Content-Length: 0 is no body; a covered content-digest is still checked', () => {
  const empty = { method: 'POST', target: '/v1/me/logout', body: Buffer.alloc(0) };
  assert.equal(check(rfc9421(empty, FULL, P)).ok, true);
  assert.equal(check(cavage(empty, CAV)).ok, true);
  const v = rfc9421(post, [...FULL, 'content-digest'], P);
  assert.equal(check({ ...v, body: null }).ok, false);
});

test('scheme detection and the policy on a failed result', () => {
  assert.equal(detectSignatureScheme(rfc9421(get, FULL, P)), 'rfc9421');
  assert.equal(detectSignatureScheme(cavage(get, CAV)), 'cavage');
  const none: SignedRequestView = {
    method: 'GET',
    origin: ORIGIN,
    target: '/v1/me',
    headers: { authorization: 'Bearer x', signature: 'tf=:AAAA:' },
    body: null,
  };
  assert.equal(detectSignatureScheme(none), null);
  assert.equal(check(none).ok, false);
  const failed = checkSignedRequestPolicy(none, { ok: false, reason: 'x' }, { nowMs: NOW, publicHost: HOST });
  assert.deepEqual(failed, { ok: false, reason: 'x' });
});

test('garbage in any signature field never throws', () => {
  const junk = [
    '',
    '\u0000',
    'Signature',
    'sig=(',
    'Signature keyId="',
    'x'.repeat(2_000_000),
    '=,=,=',
    'tf=("@method";req);keyid="ak_1"',
  ];
  const base = rfc9421(get, FULL, P);
  const cases: [SignedRequestView, string[]][] = [
    [base, ['signature-input', 'signature', 'date']],
    [cavage(get, CAV), ['authorization', 'date', 'host']],
  ];
  for (const [request, fields] of cases) {
    for (const field of fields) {
      for (const j of junk) {
        const v = { ...request, headers: { ...request.headers, [field]: j } };
        assert.doesNotThrow(() => check(v), `${field}=${j.slice(0, 20)}`);
        assert.equal(check(v).ok, false, `${field}=${j.slice(0, 20)}`);
      }
    }
  }
  assert.doesNotThrow(() => check({ ...base, origin: '::::', target: '' }));
  assert.equal(check({ ...base, origin: '::::' }).ok, false);
});
