import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  RECOVERY_CODE_ALPHABET,
  RECOVERY_CODE_LENGTH,
  formatRecoveryCode,
  generateRecoveryCode,
  hashRecoveryCode,
  normalizeRecoveryCode,
  recoveryCodeMatches,
} from './recovery-code.js';
import type { Random } from './ports/random.js';

const csprng: Random = { bytes: (n) => new Uint8Array(randomBytes(n)) };
const KEY = new Uint8Array(32).fill(1);
const FORMAT = /^[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}$/;

test('alphabet: no ambiguous characters, no duplicates', () => {
  for (const c of '0O1IL') assert.ok(!RECOVERY_CODE_ALPHABET.includes(c), c);
  assert.equal(new Set(RECOVERY_CODE_ALPHABET).size, RECOVERY_CODE_ALPHABET.length);
  assert.match(RECOVERY_CODE_ALPHABET, /^[A-Z2-9]+$/);
});

test('entropy: alphabet size ^ 20 is at least 2^80', () => {
  const bits = RECOVERY_CODE_LENGTH * Math.log2(RECOVERY_CODE_ALPHABET.length);
  assert.ok(bits >= 80, `${bits} bits`);
  assert.ok(BigInt(RECOVERY_CODE_ALPHABET.length) ** BigInt(RECOVERY_CODE_LENGTH) >= 2n ** 80n);
});

test('format: XXXXX-XXXXX-XXXXX-XXXXX over the alphabet', () => {
  for (let i = 0; i < 50; i++) {
    const code = generateRecoveryCode(csprng);
    assert.match(code, FORMAT);
    for (const c of code.replaceAll('-', '')) assert.ok(RECOVERY_CODE_ALPHABET.includes(c), c);
  }
});

test('mapping: bytes >= 248 are rejected, the rest taken mod 31', () => {
  // 0 → A, 30 → 9, 31 → A again, 247 → 247 % 31 = 30 → 9; 248..255 skipped.
  const pattern = [255, 0, 248, 30, 31, 247];
  const random: Random = { bytes: (n) => new Uint8Array(n).map((_, i) => pattern[i % pattern.length]!) };
  assert.equal(generateRecoveryCode(random), 'A9A9A-9A9A9-A9A9A-9A9A9');
  assert.throws(() => generateRecoveryCode({ bytes: (n) => new Uint8Array(n).fill(0xff) }), /unusable/);
});

test('distinct codes over 1000 draws', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 1000; i++) seen.add(generateRecoveryCode(csprng));
  assert.equal(seen.size, 1000);
});

test('normalization ignores case, spaces and dashes; refuses anything else', () => {
  const canonical = 'K7Q2M9XW4THB3PZA6RNE';
  for (const v of [
    'K7Q2M-9XW4T-HB3PZ-A6RNE',
    'k7q2m 9xw4t-hb3pz a6rne',
    'k7q2m9xw4thb3pza6rne',
    ' K7Q2M - 9XW4T - HB3PZ - A6RNE \n',
  ]) {
    assert.equal(normalizeRecoveryCode(v), canonical, JSON.stringify(v));
  }
  for (const v of [
    'K7Q2M-9XW4T-HB3PZ-A6RN',
    'K7Q2M-9XW4T-HB3PZ-A6RNEE',
    'K7Q2M-9XW4T-HB3PZ-A6RN0',
    'K7Q2M-9XW4T-HB3PZ-A6RNO',
    'K7Q2M_9XW4T_HB3PZ_A6RNE',
    '',
  ]) {
    assert.equal(normalizeRecoveryCode(v), null, JSON.stringify(v));
  }
  assert.equal(formatRecoveryCode(canonical), 'K7Q2M-9XW4T-HB3PZ-A6RNE');
});

test('hash: keyed HMAC-SHA-256 hex; match is case/space/dash-insensitive; wrong code or key false', () => {
  const code = generateRecoveryCode(csprng);
  const stored = hashRecoveryCode(normalizeRecoveryCode(code)!, KEY);
  assert.match(stored, /^[0-9a-f]{64}$/);
  assert.equal(recoveryCodeMatches(code, stored, KEY), true);
  assert.equal(recoveryCodeMatches(code.toLowerCase().replaceAll('-', ' '), stored, KEY), true);
  const other = generateRecoveryCode(csprng);
  assert.equal(recoveryCodeMatches(other, stored, KEY), false);
  assert.equal(recoveryCodeMatches(code, stored, new Uint8Array(32).fill(2)), false);
  assert.equal(recoveryCodeMatches('not a code', stored, KEY), false);
  assert.equal(recoveryCodeMatches(code, 'abc', KEY), false);
  assert.throws(() => hashRecoveryCode(code, KEY), /not normalized/);
  assert.throws(() => hashRecoveryCode(normalizeRecoveryCode(code)!, new Uint8Array(8)), /32 bytes/);
});
