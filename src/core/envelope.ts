// Encryption at rest: AES-256-GCM in a versioned envelope `v1.<kid>.<iv>.<ciphertext||tag>` that
// names its key, so keys rotate without a flag day; the AAD (./aad.ts) binds it to its row. Keyed
// hashes use per-purpose HKDF keys and record their kid. Why: docs/design.md, "Encryption at rest".

import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import type { Random } from './ports/random.js';

export interface KeyringKey {
  readonly kid: string;
  /** 32 bytes: an AES-256 key. */
  readonly key: Uint8Array;
}

/** The first key encrypts; every key decrypts. */
export interface Keyring {
  readonly keys: readonly KeyringKey[];
}

export type OpenResult = { ok: true; plaintext: Buffer } | { ok: false; reason: 'format' | 'unknown_key' | 'tampered' };

const VERSION = 'v1';
const KID = /^[A-Za-z0-9_-]{1,32}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const SPEC_HINT = 'expected kid:base64(32 bytes)[,kid:base64(32 bytes)…]';

/**
 * Parses `kid:base64key[,kid:base64key…]` (TWOFOLD_SECRET_KEYS). Throws an Error that names the
 * faulty entry and what is wrong with it, never the key material itself.
 */
export function parseKeyring(spec: string): Keyring {
  const trimmed = spec.trim();
  if (trimmed === '') throw new Error(`keyring: no key given; ${SPEC_HINT}`);
  const keys: KeyringKey[] = [];
  trimmed.split(',').forEach((raw, i) => {
    const entry = raw.trim();
    const where = `keyring entry ${i + 1}`;
    const colon = entry.indexOf(':');
    if (colon < 0) throw new Error(`${where}: not of the form kid:base64key; ${SPEC_HINT}`);
    const kid = entry.slice(0, colon);
    const b64 = entry.slice(colon + 1);
    if (!KID.test(kid)) throw new Error(`${where}: kid must be 1 to 32 of A-Z a-z 0-9 _ -`);
    if (keys.some((k) => k.kid === kid)) throw new Error(`${where}: kid "${kid}" appears more than once`);
    if (!BASE64.test(b64)) throw new Error(`${where} ("${kid}"): the key is not base64`);
    const key = new Uint8Array(Buffer.from(b64, 'base64'));
    if (key.length !== KEY_BYTES) {
      throw new Error(`${where} ("${kid}"): the key is ${key.length} bytes, it must be exactly ${KEY_BYTES}`);
    }
    keys.push({ kid, key });
  });
  return { keys };
}

/** The inverse of parseKeyring, for writing a generated keyring to a file. */
export function formatKeyring(keyring: Keyring): string {
  return keyring.keys.map((k) => `${k.kid}:${Buffer.from(k.key).toString('base64')}`).join(',');
}

/** The kid of the key that encrypts (the first). */
export function primaryKid(keyring: Keyring): string {
  const first = keyring.keys[0];
  if (first === undefined) throw new Error('keyring: empty');
  return first.kid;
}

function keyFor(keyring: Keyring, kid: string): Uint8Array | undefined {
  return keyring.keys.find((k) => k.kid === kid)?.key;
}

function aadBytes(aad: string): Buffer {
  return Buffer.from(`${VERSION}.${aad}`, 'utf8');
}

/** Encrypts under the primary key, bound to `aad`. The IV comes from the caller's CSPRNG. */
export function seal(keyring: Keyring, plaintext: Uint8Array | string, aad: string, random: Random): string {
  const kid = primaryKid(keyring);
  const key = keyFor(keyring, kid)!;
  if (key.length !== KEY_BYTES) throw new Error(`keyring: key "${kid}" is not ${KEY_BYTES} bytes`);
  const iv = random.bytes(IV_BYTES);
  if (iv.length !== IV_BYTES) throw new Error('random source returned the wrong length');
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aadBytes(aad));
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const body = Buffer.concat([cipher.update(data), cipher.final(), cipher.getAuthTag()]);
  return `${VERSION}.${kid}.${Buffer.from(iv).toString('base64url')}.${body.toString('base64url')}`;
}

/** Canonical base64url only: any other spelling of the same bytes is a format error. */
function decodeB64url(s: string): Buffer | null {
  if (!BASE64URL.test(s)) return null;
  const bytes = Buffer.from(s, 'base64url');
  return bytes.toString('base64url') === s ? bytes : null;
}

/** Decrypts and authenticates; never throws on a bad envelope. */
export function open(keyring: Keyring, envelope: string, aad: string): OpenResult {
  const parts = envelope.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !KID.test(parts[1]!)) return { ok: false, reason: 'format' };
  const iv = decodeB64url(parts[2]!);
  const body = decodeB64url(parts[3]!);
  if (iv === null || iv.length !== IV_BYTES || body === null || body.length < TAG_BYTES) {
    return { ok: false, reason: 'format' };
  }
  const key = keyFor(keyring, parts[1]!);
  if (key === undefined) return { ok: false, reason: 'unknown_key' };
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aadBytes(aad));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    const plaintext = Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
    return { ok: true, plaintext };
  } catch {
    // GCM's final() throws when the tag does not verify: wrong key bytes, wrong AAD or tampering.
    return { ok: false, reason: 'tampered' };
  }
}

/** The kid an envelope names, or null if it is not a v1 envelope. */
export function envelopeKeyId(envelope: string): string | null {
  const parts = envelope.split('.');
  return parts.length === 4 && parts[0] === VERSION && KID.test(parts[1]!) ? parts[1]! : null;
}

/** True when an envelope is not under the primary key and should be re-sealed after rotation. */
export function needsReseal(keyring: Keyring, envelope: string): boolean {
  return envelopeKeyId(envelope) !== primaryKid(keyring);
}

/**
 * A 32-byte key for one purpose (e.g. "recovery-code"), derived from the key `kid` with
 * HKDF-SHA-256 (RFC 5869). The salt is empty (§3.1: optional when the input key is already
 * uniformly random); `info` carries the purpose, so keys for different purposes are independent
 * (§3.2) and none equals the raw key used for AES-GCM.
 */
export function deriveKeyFor(keyring: Keyring, kid: string, purpose: string): Uint8Array {
  if (purpose === '') throw new Error('deriveKey: purpose is empty');
  const key = keyFor(keyring, kid);
  if (key === undefined) throw new Error(`keyring: no key with kid "${kid}"`);
  return new Uint8Array(hkdfSync('sha256', key, new Uint8Array(0), `twofold:${purpose}`, KEY_BYTES));
}

/** deriveKeyFor under the primary key: what new keyed hashes use (store primaryKid with them). */
export function deriveKey(keyring: Keyring, purpose: string): Uint8Array {
  return deriveKeyFor(keyring, primaryKid(keyring), purpose);
}
