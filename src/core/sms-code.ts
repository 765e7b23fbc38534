// SMS one-time codes: 6 digits from the CSPRNG (uniform: rejection sampling, no modulo bias),
// stored only as a keyed hash — a plain hash of a 6-digit code is reversed by trying all 10^6.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Random } from './ports/random.js';

export const SMS_CODE_TTL_MS = 3 * 60_000;
export const SMS_RESEND_AFTER_MS = 30_000;
export const SMS_MAX_SENDS = 5;

export function generateSmsCode(random: Random): string {
  // 2^32 - (2^32 mod 10^6) is the largest multiple of 10^6 that fits: draws at or above it are redrawn.
  const limit = 2 ** 32 - (2 ** 32 % 1_000_000);
  for (let i = 0; i < 100; i++) {
    const b = random.bytes(4);
    const n = ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
    if (n < limit) return String(n % 1_000_000).padStart(6, '0');
  }
  throw new Error('random source keeps returning out-of-range values');
}

/** Binds the code to what it was sent for (a set-up or a challenge), so it is useless elsewhere. */
export function hashSmsCode(code: string, boundTo: string, key: Uint8Array): string {
  return createHmac('sha256', key).update(`${boundTo}\0${code}`).digest('hex');
}

export function smsCodeMatches(input: string, boundTo: string, storedHash: string | null, key: Uint8Array): boolean {
  if (!storedHash || !/^\d{6}$/.test(input)) return false;
  const a = Buffer.from(hashSmsCode(input, boundTo, key), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The text: the code, its lifetime, and a last line in the WebOTP format (`@host #code`) so
 * phones can offer to fill it in, and only on our own origin.
 */
export function smsMessage(issuer: string, code: string, publicHost: string): string {
  return `Your ${issuer} code is ${code}. It expires in 3 minutes.\n\n@${publicHost} #${code}`;
}
