// Opaque bearer secrets (session tokens, reset tokens) and public ids. A token is 32 random bytes
// (256 bits) in base64url; only its SHA-256 is stored, so a database leak yields no usable token.
// SHA-256 (not a slow hash) is right here: the input already has 256 bits of entropy.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Random } from './ports/random.js';

export function newToken(random: Random, bytes = 32): string {
  return Buffer.from(random.bytes(bytes)).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * A public identifier (not a secret): 16 random bytes in hex. Not base64url: an id that starts
 * with "-" would be read as an option by command lines (`twofold sessions end -x…`).
 */
export function newId(random: Random): string {
  return Buffer.from(random.bytes(16)).toString('hex');
}

/** Constant-time string equality for secrets of possibly different lengths. */
export function safeEqual(a: string, b: string): boolean {
  const ab = createHash('sha256').update(a).digest();
  const bb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ab, bb) && a.length === b.length;
}

/** Tokens arrive from outside: refuse anything that is not plausibly one of ours before hashing. */
export function looksLikeToken(input: string): boolean {
  return input.length >= 20 && input.length <= 128 && /^[A-Za-z0-9_-]+$/.test(input);
}
