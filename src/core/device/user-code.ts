// User codes of the device authorization grant (RFC 8628 §6.1): 8 characters of 20 consonants
// (no vowels, so no words; no look-alikes), about 34.5 bits, shown as XXXX-XXXX and accepted in
// any case, with or without the dash or spaces. Short-lived and limited per session.
import type { Random } from '../ports/random.js';

export const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
export const USER_CODE_LENGTH = 8;

/** A fresh user code, unbiased: bytes of 240 and over are rejected (240 = 12 × 20). */
export function newUserCode(random: Random): string {
  let out = '';
  while (out.length < USER_CODE_LENGTH) {
    for (const b of random.bytes(16)) {
      if (b >= 240 || out.length === USER_CODE_LENGTH) continue;
      out += USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length];
    }
  }
  return out;
}

/** XXXX-XXXX, how a person is shown a code (RFC 8628 §6.1 recommends a separator). */
export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/**
 * The code as stored (8 letters, upper case) from what a person typed, or null when it cannot be
 * one: case, spaces and dashes are ignored (RFC 8628 §6.1: forgiving input).
 */
export function normalizeUserCode(input: string): string | null {
  if (input.length > 32) return null;
  const code = input.replace(/[\s-]/g, '').toUpperCase();
  if (code.length !== USER_CODE_LENGTH) return null;
  for (const ch of code) if (!USER_CODE_ALPHABET.includes(ch)) return null;
  return code;
}
