// One-time passwords: HOTP (RFC 4226) and TOTP (RFC 6238), computed with node:crypto's HMAC.
//
// Twofold's policy (shared/API.md): SHA-1, 6 digits, 30-second steps, one step of clock drift
// either way, and a code is accepted once only. The algorithm, digit and period options exist so
// that the RFC test vectors (SHA-256/512, 8 digits) can be checked; verification uses the policy.
// Time and randomness come in as arguments: this file does no I/O.

import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Random } from './ports/random.js';

export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface HotpOptions {
  algorithm?: OtpAlgorithm;
  digits?: number;
}

export interface TotpOptions extends HotpOptions {
  /** Seconds per time step (RFC 6238 §4.1 "X"); default 30. */
  period?: number;
}

export interface VerifyTotpOptions {
  /** Steps of drift accepted on each side of the current one (RFC 6238 §5.2); default 1. */
  window?: number;
  /** The last step accepted for this secret, or null if none: that step and earlier are refused. */
  afterStep?: number | null;
  /**
   * Steps before the window to recognise as `expired` (never accepted), so the refusal can say
   * why: a code read a minute ago, or a phone whose clock is behind. Default 0.
   */
  lookBehind?: number;
}

export type VerifyTotpResult =
  { ok: true; step: number } | { ok: false; reason: 'format' | 'mismatch' | 'replayed' | 'expired' };

const HMAC_NAME: Record<OtpAlgorithm, string> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };
const MAX_COUNTER = (1n << 64n) - 1n;
const POLICY = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
/** RFC 4226 §4 R5: at least 128 bits; we issue 160 (the length of an HMAC-SHA-1 output, §4 R6). */
const SECRET_BYTES = 20;
const CODE_FORMAT = /^[0-9]{6}$/;

/**
 * HOTP value for one counter (RFC 4226 §5.3). The counter is a full 64-bit unsigned integer
 * (§5.1 "C"), which TOTP needs past 2038 at T = 20000000000 (RFC 6238 §4.2).
 */
export function hotp(secret: Uint8Array, counter: bigint | number, opts: HotpOptions = {}): string {
  const algorithm = opts.algorithm ?? 'SHA1';
  const digits = opts.digits ?? 6;
  // §5.3: at least 6 digits; the truncated value has 31 bits, so more than 10 adds nothing.
  if (!Number.isInteger(digits) || digits < 6 || digits > 10) {
    throw new RangeError('hotp: digits must be an integer from 6 to 10');
  }
  if (typeof counter === 'number' && !Number.isSafeInteger(counter)) {
    throw new RangeError('hotp: counter must be a safe integer');
  }
  const c = BigInt(counter);
  if (c < 0n || c > MAX_COUNTER) throw new RangeError('hotp: counter out of 64-bit range');
  if (secret.length === 0) throw new RangeError('hotp: empty secret');

  // §5.2: the counter is hashed as 8 bytes, big-endian.
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(c);
  const mac = createHmac(HMAC_NAME[algorithm], secret).update(msg).digest();

  // §5.3 dynamic truncation: the low 4 bits of the last byte pick the offset of a 31-bit value.
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The RFC 6238 §4.2 time step T = floor((unixTime - T0) / X), with T0 = 0. */
export function timeStep(unixMs: number, period: number = POLICY.period): number {
  if (!Number.isInteger(period) || period <= 0) throw new RangeError('totp: period must be a positive integer');
  return Math.floor(unixMs / (period * 1000));
}

/** TOTP value at a moment (RFC 6238 §4.2): HOTP over the time step. */
export function totpAt(secret: Uint8Array, unixMs: number, opts: TotpOptions = {}): string {
  return hotp(secret, timeStep(unixMs, opts.period), opts);
}

/** A fresh 20-byte TOTP secret from the caller's CSPRNG. */
export function generateTotpSecret(random: Random): Uint8Array {
  const secret = random.bytes(SECRET_BYTES);
  if (secret.length !== SECRET_BYTES) throw new Error('random source returned the wrong length');
  return secret;
}

/**
 * Checks a 6-digit code under Twofold's policy (SHA-1, 6 digits, 30 s) and returns the step it
 * matched, which the caller stores as the new `afterStep`.
 *
 * - Drift: steps now-window … now+window are tried (RFC 6238 §5.2 recommends at most one step of
 *   network delay; §6 allows resynchronisation by a small window).
 * - Replay: §5.2 says the verifier MUST NOT accept the second attempt of the same OTP after the
 *   first succeeded; refusing every step <= afterStep also refuses an older, still-in-window code.
 * - Timing: every candidate is computed and compared in constant time, with no early exit, so the
 *   time taken does not tell which step (if any) matched.
 */
export function verifyTotp(
  secret: Uint8Array,
  code: string,
  nowMs: number,
  opts: VerifyTotpOptions = {},
): VerifyTotpResult {
  const window = opts.window ?? 1;
  if (!Number.isInteger(window) || window < 0 || window > 10) {
    throw new RangeError('verifyTotp: window must be an integer from 0 to 10');
  }
  if (!CODE_FORMAT.test(code)) return { ok: false, reason: 'format' };

  const given = Buffer.from(code, 'ascii');
  const now = timeStep(nowMs, POLICY.period);
  const afterStep = opts.afterStep ?? null;
  let accepted: number | null = null;
  let replayed = false;
  for (let step = now - window; step <= now + window; step++) {
    if (step < 0) continue;
    const expected = Buffer.from(hotp(secret, step, POLICY), 'ascii');
    if (!timingSafeEqual(expected, given)) continue;
    if (afterStep !== null && step <= afterStep) {
      replayed = true;
    } else {
      // On the (one in a million) chance the code matches two steps, the later one wins, so that
      // the afterStep the caller stores closes both.
      accepted = step;
    }
  }
  if (accepted !== null) return { ok: true, step: accepted };
  if (replayed) return { ok: false, reason: 'replayed' };
  // Older steps only name the refusal; every one is compared, with no early exit, as above.
  const lookBehind = Math.min(Math.max(0, Math.trunc(opts.lookBehind ?? 0)), 20);
  let expired = false;
  for (let step = now - window - lookBehind; step < now - window; step++) {
    if (step < 0) continue;
    if (timingSafeEqual(Buffer.from(hotp(secret, step, POLICY), 'ascii'), given)) expired = true;
  }
  return { ok: false, reason: expired ? 'expired' : 'mismatch' };
}
