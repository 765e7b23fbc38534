import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateTotpSecret, hotp, timeStep, totpAt, verifyTotp } from './totp.js';
import { base32Decode, base32Encode } from './base32.js';
import { otpauthUri } from './otpauth-uri.js';

// Vectors: shared/VECTORS.md (RFC 4226 Appendix D, RFC 6238 Appendix B).
const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'ascii'));
const SEED20 = ascii('12345678901234567890');
const SEED32 = ascii('12345678901234567890123456789012');
const SEED64 = ascii('1234567890123456789012345678901234567890123456789012345678901234');

test('HOTP: every RFC 4226 Appendix D row', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
  expected.forEach((code, counter) => {
    assert.equal(hotp(SEED20, counter), code, `counter ${counter}`);
    assert.equal(hotp(SEED20, BigInt(counter)), code, `counter ${counter}n`);
  });
});

test('TOTP: every RFC 6238 Appendix B row, SHA-1/256/512 with their own seeds, 8 digits', () => {
  const rows: [number, string, string, string][] = [
    [59, '94287082', '46119246', '90693936'],
    [1111111109, '07081804', '68084774', '25091201'],
    [1111111111, '14050471', '67062674', '99943326'],
    [1234567890, '89005924', '91819424', '93441116'],
    [2000000000, '69279037', '90698825', '38618901'],
    [20000000000, '65353130', '77737706', '47863826'], // needs a 64-bit step (RFC 6238 §4.2)
  ];
  for (const [t, sha1, sha256, sha512] of rows) {
    const ms = t * 1000;
    assert.equal(totpAt(SEED20, ms, { algorithm: 'SHA1', digits: 8 }), sha1, `SHA1 @${t}`);
    assert.equal(totpAt(SEED32, ms, { algorithm: 'SHA256', digits: 8, period: 30 }), sha256, `SHA256 @${t}`);
    assert.equal(totpAt(SEED64, ms, { algorithm: 'SHA512', digits: 8 }), sha512, `SHA512 @${t}`);
    // A 6-digit code is the last six digits of the 8-digit one.
    assert.equal(totpAt(SEED20, ms), sha1.slice(2), `SHA1 6 digits @${t}`);
  }
});

test('hotp refuses counters and digits outside the RFC ranges', () => {
  assert.equal(hotp(SEED20, (1n << 64n) - 1n).length, 6);
  assert.throws(() => hotp(SEED20, 1n << 64n), RangeError);
  assert.throws(() => hotp(SEED20, -1), RangeError);
  assert.throws(() => hotp(SEED20, 0, { digits: 5 }), RangeError);
  assert.throws(() => hotp(new Uint8Array(0), 0), RangeError);
});

test('generateTotpSecret draws 20 bytes from the given source', () => {
  const secret = generateTotpSecret({ bytes: (n) => new Uint8Array(n).fill(7) });
  assert.equal(secret.length, 20);
  assert.throws(() => generateTotpSecret({ bytes: () => new Uint8Array(4) }));
});

const NOW = 1_234_567_890_000; // the RFC 6238 row T = 1234567890, step 41152263
const STEP = timeStep(NOW);
const codeAt = (step: number) => totpAt(SEED20, step * 30_000);

test('verifyTotp accepts the current step and ±1 step of drift, and says which step', () => {
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP), NOW), { ok: true, step: STEP });
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP - 1), NOW), { ok: true, step: STEP - 1 });
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP + 1), NOW), { ok: true, step: STEP + 1 });
  assert.equal(verifyTotp(SEED20, '89005924'.slice(2), NOW).ok, true); // RFC row, 6 digits
});

test('verifyTotp refuses ±2 steps of drift', () => {
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP - 2), NOW), { ok: false, reason: 'mismatch' });
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP + 2), NOW), { ok: false, reason: 'mismatch' });
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP + 2), NOW, { window: 2 }), { ok: true, step: STEP + 2 });
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP - 1), NOW, { window: 0 }), { ok: false, reason: 'mismatch' });
});

test('verifyTotp refuses a replay: the same step, and an earlier step (RFC 6238 §5.2)', () => {
  const first = verifyTotp(SEED20, codeAt(STEP), NOW, { afterStep: null });
  assert.deepEqual(first, { ok: true, step: STEP });
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP), NOW, { afterStep: STEP }), { ok: false, reason: 'replayed' });
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP - 1), NOW, { afterStep: STEP }), { ok: false, reason: 'replayed' });
  // A later step is still fine, and a wrong code stays a mismatch.
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP + 1), NOW, { afterStep: STEP }), { ok: true, step: STEP + 1 });
  const wrong = codeAt(STEP) === '000000' ? '000001' : '000000';
  assert.deepEqual(verifyTotp(SEED20, wrong, NOW, { afterStep: STEP }), { ok: false, reason: 'mismatch' });
});

test('verifyTotp refuses bad formats before any arithmetic', () => {
  const good = codeAt(STEP);
  for (const bad of [good.slice(1), good + '0', '12a456', 'abcdef', '', ' ' + good, '12345６']) {
    assert.deepEqual(verifyTotp(SEED20, bad, NOW), { ok: false, reason: 'format' }, JSON.stringify(bad));
  }
});

test('base32: RFC 4648 known vector, round trip, no padding, strict decoding', () => {
  assert.equal(base32Encode(SEED20), 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  assert.deepEqual(base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'), SEED20);
  assert.deepEqual(base32Decode('gezdgnbvgy3tqojqgezdgnbvgy3tqojq'), SEED20);
  // RFC 4648 §10 vectors, with the padding dropped.
  const rfc: [string, string][] = [
    ['', ''],
    ['f', 'MY'],
    ['fo', 'MZXQ'],
    ['foo', 'MZXW6'],
    ['foob', 'MZXW6YQ'],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI'],
  ];
  for (const [plain, enc] of rfc) {
    assert.equal(base32Encode(ascii(plain)), enc);
    assert.deepEqual(base32Decode(enc), ascii(plain));
  }
  assert.deepEqual(base32Decode('MZXW6YQ='), ascii('foob'));
  for (let n = 0; n < 70; n++) {
    const bytes = new Uint8Array(n).map((_, i) => (i * 37 + n * 11) & 0xff);
    assert.deepEqual(base32Decode(base32Encode(bytes)), bytes, `length ${n}`);
  }
  assert.throws(() => base32Decode('GEZ1'), /invalid character/);
  assert.throws(() => base32Decode('M'), /invalid length/);
  assert.throws(() => base32Decode('MZ'), /padding bits/);
});

test('otpauth URI: exact string, label parts and issuer URL-encoded, defaults only', () => {
  assert.equal(
    otpauthUri({ issuer: 'Twofold', account: 'ann@example.com', secretBase32: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' }),
    'otpauth://totp/Twofold:ann%40example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Twofold',
  );
  assert.equal(
    otpauthUri({ issuer: 'Acme & Co', account: 'a b@x.com', secretBase32: 'GEZDGNBVGY3TQOJQ' }),
    'otpauth://totp/Acme%20%26%20Co:a%20b%40x.com?secret=GEZDGNBVGY3TQOJQ&issuer=Acme%20%26%20Co',
  );
  assert.throws(() => otpauthUri({ issuer: 'A:B', account: 'x', secretBase32: 'GE' }), /issuer/);
  assert.throws(() => otpauthUri({ issuer: 'A', account: 'x', secretBase32: 'GE==' }), /secret/);
});

test('with lookBehind, a code from a few steps ago is refused as expired, never accepted; older or wrong ones are mismatches', () => {
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP - 2), NOW, { lookBehind: 10 }), { ok: false, reason: 'expired' });
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP - 11), NOW, { lookBehind: 10 }), { ok: false, reason: 'expired' });
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP - 12), NOW, { lookBehind: 10 }), { ok: false, reason: 'mismatch' });
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP + 2), NOW, { lookBehind: 10 }), { ok: false, reason: 'mismatch' });
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP), NOW, { lookBehind: 10 }).ok, true);
  assert.deepEqual(verifyTotp(SEED20, codeAt(STEP), NOW, { lookBehind: 10, afterStep: STEP }), {
    ok: false,
    reason: 'replayed',
  });
});
