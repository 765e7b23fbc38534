// The recovery code (`K7Q2M-9XW4T-HB3PZ-A6RNE`): one per account, shown once, spent on use; 20
// uniform characters of a 31-symbol alphabet (99 bits), stored only as an HMAC under a kid-named
// derived key. Why this alphabet, entropy and hash: docs/design.md, "Recovery codes".

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Random } from './ports/random.js';

export const RECOVERY_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const RECOVERY_CODE_LENGTH = 20;
const GROUP = 5;
/** The largest multiple of 31 that fits in a byte: bytes from here on would bias the draw. */
const REJECT_FROM = 256 - (256 % RECOVERY_CODE_ALPHABET.length); // 248
const NORMALIZED = new RegExp(`^[${RECOVERY_CODE_ALPHABET}]{${RECOVERY_CODE_LENGTH}}$`);
const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** A fresh code in display form, `XXXXX-XXXXX-XXXXX-XXXXX`. */
export function generateRecoveryCode(random: Random): string {
  let code = '';
  // Each byte is rejected with probability 8/256, so 32 bytes almost always suffice; the bound
  // only stops a broken random source (say, all 0xff) from looping forever.
  for (let batch = 0; batch < 16 && code.length < RECOVERY_CODE_LENGTH; batch++) {
    for (const b of random.bytes(32)) {
      if (b >= REJECT_FROM) continue;
      code += RECOVERY_CODE_ALPHABET[b % RECOVERY_CODE_ALPHABET.length];
      if (code.length === RECOVERY_CODE_LENGTH) break;
    }
  }
  if (code.length !== RECOVERY_CODE_LENGTH) throw new Error('random source returned unusable bytes');
  return formatRecoveryCode(code);
}

/** Groups a normalized code by five with dashes, the form shown to the user. */
export function formatRecoveryCode(normalized: string): string {
  const groups: string[] = [];
  for (let i = 0; i < normalized.length; i += GROUP) groups.push(normalized.slice(i, i + GROUP));
  return groups.join('-');
}

/**
 * The canonical form of what the user typed: upper case, spaces and dashes removed. Returns null
 * unless exactly 20 characters of the alphabet remain. Nothing is silently mapped (no O→0, no
 * I→1): those characters are never issued, so a code containing them is simply wrong.
 */
export function normalizeRecoveryCode(input: string): string | null {
  if (input.length > 100) return null;
  const s = input.toUpperCase().replace(/[\s-]+/g, '');
  return NORMALIZED.test(s) ? s : null;
}

/** The stored form: HMAC-SHA-256 of the normalized code, lower-case hex. */
export function hashRecoveryCode(normalized: string, key: Uint8Array): string {
  if (!NORMALIZED.test(normalized)) throw new Error('hashRecoveryCode: the code is not normalized');
  if (key.length < 32) throw new Error('hashRecoveryCode: the key must be at least 32 bytes');
  return createHmac('sha256', key).update(normalized, 'ascii').digest('hex');
}

/** Whether user input is the code behind storedHash; compares the hashes in constant time. */
export function recoveryCodeMatches(input: string, storedHash: string, key: Uint8Array): boolean {
  const normalized = normalizeRecoveryCode(input);
  // A malformed input or stored value reveals nothing secret, so an early return is safe here.
  if (normalized === null || !HEX_SHA256.test(storedHash)) return false;
  const actual = Buffer.from(hashRecoveryCode(normalized, key), 'hex');
  return timingSafeEqual(actual, Buffer.from(storedHash, 'hex'));
}
