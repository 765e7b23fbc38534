// Deterministic bench fixtures, shared by the seeder (bench/seed.ts) and the load generator
// (bench/load.ts): an account is known by its number n (0…accounts-1); its email, session token,
// TOTP secret and access key derive from n and a per-run salt with SHA-256, so the load generator
// rebuilds them instead of receiving them. The values have the production shapes: 43-character
// base64url session tokens, 20-byte TOTP secrets, A-Z2-7 key ids, 30-byte key secrets.
import { createHash } from 'node:crypto';
import { base32Encode } from '../src/core/base32.js';

/** The one password every seeded account has; its argon2id hash is made once and reused. */
export const BENCH_PASSWORD = 'bench-correct-horse-battery-staple';

function digest(salt: string, what: string, n: number): Buffer {
  return createHash('sha256').update(`${salt}:${what}:${n}`).digest();
}

/** Must match the SQL in bench/seed.ts, which builds every account's email without JavaScript. */
export function email(salt: string, n: number): string {
  return `bench${String(n).padStart(7, '0')}.${salt}@example.test`;
}

/** Like src/core/tokens.ts newToken: 32 bytes in base64url (43 characters). */
export function sessionToken(salt: string, n: number): string {
  return digest(salt, 'session', n).toString('base64url');
}

/** A 20-byte TOTP secret per account (RFC 4226 §4 R6). */
export function totpSecret(salt: string, n: number): Buffer {
  return createHash('sha1').update(`${salt}:totp:${n}`).digest();
}

/** Like src/services/access-keys.ts: 20 characters of A-Z2-7. */
export function accessKeyId(salt: string, n: number): string {
  return base32Encode(digest(salt, 'key-id', n).subarray(0, 13)).slice(0, 20);
}

/** 30 bytes; the client holds it in standard base64 (40 characters). */
export function accessKeySecret(salt: string, n: number): Buffer {
  return digest(salt, 'key-secret', n).subarray(0, 30);
}

export function challengeToken(salt: string, n: number, round: number): string {
  return digest(salt, `challenge-${round}`, n).toString('base64url');
}

/** Which accounts have what, for a database of `accounts` accounts. */
export interface SeedPlan {
  accounts: number;
  /** Account n has a TOTP factor when n % totpEvery === 0 (1 = every account). */
  totpEvery: number;
  /** Account n has an access key when n % keyEvery === 0. */
  keyEvery: number;
}

export function planFor(accounts: number): SeedPlan {
  // The small database: every account has everything. The large one: a quarter have TOTP and a
  // fifth an access key (about what a security-minded user base looks like), every one a session.
  return accounts <= 10_000 ? { accounts, totpEvery: 1, keyEvery: 1 } : { accounts, totpEvery: 4, keyEvery: 5 };
}

/**
 * `count` account numbers spread evenly over the accounts that are divisible by `every`, within
 * slice `part` of `parts` equal slices of them (pools taken from different slices never share an
 * account).
 */
export function spread(accounts: number, every: number, count: number, part = 0, parts = 1): number[] {
  const eligible = Math.floor((accounts - 1) / every) + 1;
  const lo = Math.floor((eligible * part) / parts);
  const hi = Math.floor((eligible * (part + 1)) / parts);
  if (count > hi - lo)
    throw new Error(`spread: ${count} accounts wanted, ${hi - lo} eligible in slice ${part}/${parts}`);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push((lo + Math.floor((i * (hi - lo)) / count)) * every);
  return out;
}
