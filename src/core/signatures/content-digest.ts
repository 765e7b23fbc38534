// Body digests: RFC 9530 `Content-Digest` (RFC 9421) and RFC 3230 `Digest` (draft-cavage) tie a
// signature to the body. Only SHA-256 and SHA-512 count, and every accepted member must match
// (why: docs/design.md, "Verifying signed requests"). No I/O.

import { createHash, timingSafeEqual } from 'node:crypto';
import { parseDictionary, isInnerList } from 'structured-headers';
import { MAX_FIELD_LENGTH } from './request.js';

export type DigestAlgorithm = 'sha-256' | 'sha-512';
export type DigestCheck = { ok: true } | { ok: false; reason: string };

const NODE_HASH: Record<DigestAlgorithm, string> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };
const ACCEPTED = new Set<string>(Object.keys(NODE_HASH));

function digest(body: Uint8Array, alg: DigestAlgorithm): Buffer {
  return createHash(NODE_HASH[alg]).update(body).digest();
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** RFC 9530 §2: the value is a Dictionary whose member is a Byte Sequence, `sha-256=:…:`. */
export function computeContentDigest(body: Uint8Array, alg: DigestAlgorithm): string {
  return `${alg}=:${digest(body, alg).toString('base64')}:`;
}

/** Checks a `Content-Digest` field value against the received body (RFC 9530 §2, §3). */
export function verifyContentDigest(headerValue: string, body: Uint8Array): DigestCheck {
  if (headerValue.length > MAX_FIELD_LENGTH) return { ok: false, reason: 'content-digest too large' };
  let dict: ReturnType<typeof parseDictionary>;
  try {
    dict = parseDictionary(headerValue);
  } catch {
    return { ok: false, reason: 'content-digest is not a structured dictionary' };
  }
  let checked = 0;
  for (const [key, member] of dict) {
    if (!ACCEPTED.has(key)) continue;
    if (isInnerList(member) || !(member[0] instanceof ArrayBuffer)) {
      return { ok: false, reason: `content-digest ${key} is not a byte sequence` };
    }
    if (!sameBytes(new Uint8Array(member[0]), digest(body, key as DigestAlgorithm))) {
      return { ok: false, reason: `content-digest ${key} does not match the body` };
    }
    checked++;
  }
  if (checked === 0) return { ok: false, reason: 'content-digest has no sha-256 or sha-512 member' };
  return { ok: true };
}

/** RFC 3230 §4.3.2 instance digest, `SHA-256=base64`, as draft-cavage-12 Appendix C uses it. */
export function computeLegacyDigest(body: Uint8Array, alg: DigestAlgorithm): string {
  return `${alg.toUpperCase()}=${digest(body, alg).toString('base64')}`;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Checks an RFC 3230 `Digest` field: a comma-separated list of `algorithm=base64`, algorithm names
 * case-insensitive (RFC 3230 §4.1.1). Same acceptance rule as `verifyContentDigest`.
 */
export function verifyLegacyDigest(headerValue: string, body: Uint8Array): DigestCheck {
  if (headerValue.length > MAX_FIELD_LENGTH) return { ok: false, reason: 'digest too large' };
  let checked = 0;
  const seen = new Set<string>();
  for (const part of headerValue.split(',')) {
    const item = part.trim();
    const eq = item.indexOf('=');
    if (eq <= 0) return { ok: false, reason: 'digest is malformed' };
    const alg = item.slice(0, eq).trim().toLowerCase();
    const value = item.slice(eq + 1).trim();
    if (!ACCEPTED.has(alg)) continue;
    if (seen.has(alg)) return { ok: false, reason: `digest ${alg} given twice` };
    seen.add(alg);
    if (!BASE64.test(value)) return { ok: false, reason: `digest ${alg} is not base64` };
    if (!sameBytes(Buffer.from(value, 'base64'), digest(body, alg as DigestAlgorithm))) {
      return { ok: false, reason: `digest ${alg} does not match the body` };
    }
    checked++;
  }
  if (checked === 0) return { ok: false, reason: 'digest has no SHA-256 or SHA-512 member' };
  return { ok: true };
}
