import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  deriveKey,
  deriveKeyFor,
  envelopeKeyId,
  formatKeyring,
  needsReseal,
  open,
  parseKeyring,
  primaryKid,
  seal,
} from './envelope.js';
import type { Random } from './ports/random.js';

const csprng: Random = { bytes: (n) => new Uint8Array(randomBytes(n)) };
const b64 = (fill: number, n = 32) => Buffer.alloc(n, fill).toString('base64');
const OLD = parseKeyring(`k2025:${b64(1)}`);
const ROTATED = parseKeyring(`k2026:${b64(2)}, k2025:${b64(1)}`);
const AAD = 'totp:user-1';

/** Flips one bit in the decoded bytes of part `index` and re-encodes it canonically. */
function flip(envelope: string, index: 2 | 3, at = 0): string {
  const parts = envelope.split('.');
  const bytes = Buffer.from(parts[index]!, 'base64url');
  bytes[at] = bytes[at]! ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

test('seal/open round trip, string and bytes, in the v1 shape', () => {
  const env = seal(OLD, 'JBSWY3DPEHPK3PXP', AAD, csprng);
  assert.match(env, /^v1\.k2025\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/);
  assert.deepEqual(open(OLD, env, AAD), { ok: true, plaintext: Buffer.from('JBSWY3DPEHPK3PXP') });
  const bytes = new Uint8Array([0, 1, 2, 255]);
  const r = open(OLD, seal(OLD, bytes, AAD, csprng), AAD);
  assert.ok(r.ok);
  assert.deepEqual(new Uint8Array(r.plaintext), bytes);
  assert.deepEqual(open(OLD, seal(OLD, '', AAD, csprng), AAD), { ok: true, plaintext: Buffer.alloc(0) });
  // A fresh IV each time: the same plaintext never seals to the same envelope.
  assert.notEqual(seal(OLD, 'x', AAD, csprng), seal(OLD, 'x', AAD, csprng));
});

test('a flipped byte in the ciphertext, the tag or the IV is tampered', () => {
  const env = seal(OLD, 'secret', AAD, csprng);
  assert.deepEqual(open(OLD, flip(env, 3, 0), AAD), { ok: false, reason: 'tampered' });
  assert.deepEqual(open(OLD, flip(env, 3, 6 + 15), AAD), { ok: false, reason: 'tampered' }); // last tag byte
  assert.deepEqual(open(OLD, flip(env, 2, 5), AAD), { ok: false, reason: 'tampered' });
});

test('wrong AAD (a ciphertext moved to another row) is tampered', () => {
  const env = seal(OLD, 'secret', 'totp:user-1', csprng);
  assert.deepEqual(open(OLD, env, 'totp:user-2'), { ok: false, reason: 'tampered' });
  assert.deepEqual(open(OLD, env, 'sms:user-1'), { ok: false, reason: 'tampered' });
});

test('an envelope naming a kid not in the keyring is unknown_key', () => {
  const env = seal(ROTATED, 'secret', AAD, csprng);
  assert.deepEqual(open(OLD, env, AAD), { ok: false, reason: 'unknown_key' });
  // Same kid, different key bytes: authentication fails.
  const impostor = parseKeyring(`k2026:${b64(9)}`);
  assert.deepEqual(open(impostor, env, AAD), { ok: false, reason: 'tampered' });
});

test('rotation: sealed under the old first key, opens when that key is second', () => {
  const env = seal(OLD, 'secret', AAD, csprng);
  assert.equal(envelopeKeyId(env), 'k2025');
  assert.deepEqual(open(ROTATED, env, AAD), { ok: true, plaintext: Buffer.from('secret') });
  assert.equal(needsReseal(ROTATED, env), true);
  const resealed = seal(ROTATED, 'secret', AAD, csprng);
  assert.equal(envelopeKeyId(resealed), 'k2026');
  assert.equal(needsReseal(ROTATED, resealed), false);
  assert.equal(primaryKid(ROTATED), 'k2026');
});

test('malformed envelopes are format errors, never exceptions', () => {
  const env = seal(OLD, 'secret', AAD, csprng);
  const [, kid, iv, body] = env.split('.');
  const bad = [
    '',
    'v1',
    `v2.${kid}.${iv}.${body}`,
    `v1.${kid}.${iv}`,
    `v1.${kid}.${iv}.${body}.x`,
    `v1.bad kid.${iv}.${body}`,
    `v1.${kid}.${iv}=.${body}`,
    `v1.${kid}.${iv}.${body}+`,
    `v1.${kid}.${Buffer.alloc(8).toString('base64url')}.${body}`,
    `v1.${kid}.${iv}.${Buffer.alloc(15).toString('base64url')}`,
  ];
  for (const e of bad) assert.deepEqual(open(OLD, e, AAD), { ok: false, reason: 'format' }, e);
  assert.equal(envelopeKeyId('not an envelope'), null);
});

test('parseKeyring reads kid:base64 lists and round-trips through formatKeyring', () => {
  assert.deepEqual(
    ROTATED.keys.map((k) => k.kid),
    ['k2026', 'k2025'],
  );
  assert.equal(ROTATED.keys[0]!.key.length, 32);
  assert.deepEqual(parseKeyring(formatKeyring(ROTATED)), ROTATED);
  assert.equal(parseKeyring(`a_b-C9:${b64(3)}`).keys[0]!.kid, 'a_b-C9');
});

test('parseKeyring names what is wrong, never the key', () => {
  const short = Buffer.alloc(16, 7).toString('base64');
  assert.throws(
    () => parseKeyring(`k1:${short}`),
    (e: Error) => /is 16 bytes, it must be exactly 32/.test(e.message) && !e.message.includes(short),
  );
  assert.throws(() => parseKeyring(`k1:${b64(1, 33)}`), /33 bytes/);
  assert.throws(() => parseKeyring(`k1:${b64(1)},k1:${b64(2)}`), /entry 2: kid "k1" appears more than once/);
  assert.throws(() => parseKeyring(b64(1)), /entry 1: not of the form kid:base64key/);
  assert.throws(() => parseKeyring(`k1:${b64(1)},`), /entry 2: not of the form/);
  assert.throws(() => parseKeyring(`bad.kid:${b64(1)}`), /kid must be/);
  assert.throws(() => parseKeyring(`${'k'.repeat(33)}:${b64(1)}`), /kid must be/);
  assert.throws(() => parseKeyring('k1:not*base64'), /not base64/);
  assert.throws(() => parseKeyring('  '), /no key given/);
});

test('HKDF: keys differ by purpose and by kid, are stable, and are not the raw key', () => {
  const a = deriveKey(ROTATED, 'recovery-code');
  const b = deriveKey(ROTATED, 'other-purpose');
  assert.equal(a.length, 32);
  assert.notDeepEqual(a, b);
  assert.deepEqual(a, deriveKey(ROTATED, 'recovery-code'));
  assert.deepEqual(a, deriveKeyFor(ROTATED, 'k2026', 'recovery-code'));
  assert.notDeepEqual(a, deriveKeyFor(ROTATED, 'k2025', 'recovery-code'));
  assert.notDeepEqual(a, ROTATED.keys[0]!.key);
  // A hash made before rotation stays checkable: the old kid still derives the old key.
  assert.deepEqual(deriveKey(OLD, 'recovery-code'), deriveKeyFor(ROTATED, 'k2025', 'recovery-code'));
  assert.throws(() => deriveKeyFor(ROTATED, 'nope', 'recovery-code'), /no key with kid "nope"/);
  assert.throws(() => deriveKey(ROTATED, ''), /purpose is empty/);
});
