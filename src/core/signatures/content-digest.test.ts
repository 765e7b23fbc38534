import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  computeContentDigest,
  computeLegacyDigest,
  verifyContentDigest,
  verifyLegacyDigest,
} from './content-digest.js';

// Vectors: shared/VECTORS.md "Content-Digest, RFC 9530" (RFC 9530 §2 and Appendix B).
const bytes = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));
const BODY = bytes('{"hello": "world"}');
const BODY_LF = bytes('{"hello": "world"}\n');
const SHA256 = 'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:';
const SHA512 = 'sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:';
const SHA256_LF = 'sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:';

test('computeContentDigest: RFC 9530 values for sha-256, sha-512 and the trailing-LF body', () => {
  assert.equal(computeContentDigest(BODY, 'sha-256'), SHA256);
  assert.equal(computeContentDigest(BODY, 'sha-512'), SHA512);
  assert.equal(computeContentDigest(BODY_LF, 'sha-256'), SHA256_LF);
});

test('verifyContentDigest: accepts each vector, and both members together', () => {
  assert.deepEqual(verifyContentDigest(SHA256, BODY), { ok: true });
  assert.deepEqual(verifyContentDigest(SHA512, BODY), { ok: true });
  assert.deepEqual(verifyContentDigest(SHA256_LF, BODY_LF), { ok: true });
  assert.deepEqual(verifyContentDigest(`${SHA256}, ${SHA512}`, BODY), { ok: true });
  assert.deepEqual(verifyContentDigest(`${SHA512},${SHA256}`, BODY), { ok: true });
});

test('verifyContentDigest: a trailing newline is a different body', () => {
  assert.equal(verifyContentDigest(SHA256, BODY_LF).ok, false);
  assert.equal(verifyContentDigest(SHA256_LF, BODY).ok, false);
});

test('verifyContentDigest: every recognised member must match', () => {
  const badSha512 = `sha-512=:${createHash('sha512').update('other').digest('base64')}:`;
  assert.equal(verifyContentDigest(`${SHA256}, ${badSha512}`, BODY).ok, false);
  assert.equal(verifyContentDigest(`${badSha512}, ${SHA256}`, BODY).ok, false);
});

test('verifyContentDigest: md5, sha and unknown-only headers are refused', () => {
  const md5 = `md5=:${createHash('md5').update(BODY).digest('base64')}:`;
  const sha = `sha=:${createHash('sha1').update(BODY).digest('base64')}:`;
  for (const v of [
    md5,
    sha,
    `${md5}, ${sha}`,
    'unixsum=:AAAA:',
    'sha-3=:AAAA:',
    'SHA-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:',
  ]) {
    const r = verifyContentDigest(v, BODY);
    assert.equal(r.ok, false, v);
  }
  // A deprecated member next to a good sha-256 is ignored (RFC 9530 §2: a recipient MAY ignore digests).
  assert.deepEqual(verifyContentDigest(`${md5}, ${SHA256}`, BODY), { ok: true });
});

test('verifyContentDigest: malformed values are results, not exceptions', () => {
  const cases = [
    '',
    'sha-256',
    'sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=',
    'sha-256=:not base64!:',
    'sha-256="X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE="',
    'sha-256=(:X48E:)',
    'sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=',
    '=:AAAA:',
    ',,,',
    'sha-256=:AAAA:;',
    '\u0000',
    'é=:AAAA:',
    `sha-256=:${'A'.repeat(1_000_000)}:`,
  ];
  for (const v of cases) {
    let r: ReturnType<typeof verifyContentDigest> | undefined;
    assert.doesNotThrow(
      () => {
        r = verifyContentDigest(v, BODY);
      },
      v.slice(0, 40),
    );
    assert.equal(r?.ok, false, v.slice(0, 40));
  }
});

test('legacy Digest (RFC 3230): SHA-256 and SHA-512, names case-insensitive', () => {
  const b64 = createHash('sha256').update(BODY).digest('base64');
  assert.equal(computeLegacyDigest(BODY, 'sha-256'), `SHA-256=${b64}`);
  assert.equal(computeLegacyDigest(BODY, 'sha-512'), `SHA-512=${createHash('sha512').update(BODY).digest('base64')}`);
  assert.deepEqual(verifyLegacyDigest(`SHA-256=${b64}`, BODY), { ok: true });
  assert.deepEqual(verifyLegacyDigest(`sha-256=${b64}`, BODY), { ok: true });
  assert.deepEqual(verifyLegacyDigest(`${computeLegacyDigest(BODY, 'sha-512')}, SHA-256=${b64}`, BODY), { ok: true });
  assert.equal(verifyLegacyDigest(`SHA-256=${b64}`, BODY_LF).ok, false);
});

test('legacy Digest: MD5/SHA only, garbage and huge values are refused without throwing', () => {
  const md5 = `MD5=${createHash('md5').update(BODY).digest('base64')}`;
  const sha = `SHA=${createHash('sha1').update(BODY).digest('base64')}`;
  const good = `SHA-256=${createHash('sha256').update(BODY).digest('base64')}`;
  const cases = [
    md5,
    sha,
    `${md5}, ${sha}`,
    '',
    'SHA-256',
    '=abc',
    'SHA-256=not base64!',
    `${good}, ${good}`,
    `SHA-256=${'A'.repeat(100_000)}`,
  ];
  for (const v of cases) {
    let r: ReturnType<typeof verifyLegacyDigest> | undefined;
    assert.doesNotThrow(() => {
      r = verifyLegacyDigest(v, BODY);
    });
    assert.equal(r?.ok, false, v.slice(0, 40));
  }
});
