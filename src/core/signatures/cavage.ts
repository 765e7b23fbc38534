// Legacy HTTP signatures, draft-cavage-http-signatures-12, kept for older Twofold clients:
// `Authorization: Signature keyId="…",algorithm="hmac-sha256",headers="…",signature="…"` (§3.1),
// or the same parameters in a `Signature:` field (§4.1).
//
// Raw verification only; policy.ts decides whether the covered headers are enough. Only HMAC
// keys exist, so `hmac-sha256` and `hs2019` (§2.1.3, algorithm taken from the key) both mean
// HMAC-SHA256, and an absent `algorithm` is read the same way. Failures are results, not throws;
// time comes in as `nowMs`; no I/O.

import {
  MAX_FIELD_LENGTH,
  headerLines,
  headerValue,
  isSafeBaseValue,
  type SignedRequestView,
  type VerifyResult,
} from './request.js';
import { hmacSha256, signaturesEqual, type BaseResult, type VerifyOptions } from './rfc9421.js';

export interface CavageParams {
  keyId: string;
  /** Lower-cased when present. */
  algorithm?: string;
  /** Lower-cased names from `headers`; §2.1.6 default is `(created)`. */
  headers: string[];
  /** Base64 text of the signature. */
  signature: string;
  /** Raw text of the `created` / `expires` parameters (§2.1.4, §2.1.5). */
  created?: string;
  expires?: string;
}

export type ParamsResult = { ok: true; params: CavageParams } | { ok: false; reason: string };

const KNOWN = ['keyid', 'algorithm', 'headers', 'signature', 'created', 'expires'] as const;
type Known = (typeof KNOWN)[number];
/** One `name="quoted"` or `name=123` parameter followed by a comma or the end (§2.1, §4.1). */
const PARAM = /[ \t]*([A-Za-z]+)[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|([0-9]+(?:\.[0-9]+)?))[ \t]*(?:,|$)/y;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const FIELD_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
const MAX_HEADERS = 32;

/** Parses the parameter list (the part after `Signature `). Unknown parameters are ignored (§2.2). */
export function parseCavageParams(input: string): ParamsResult {
  if (input.length > MAX_FIELD_LENGTH) return { ok: false, reason: 'signature parameters too large' };
  const found = new Map<Known, string>();
  const seen = new Set<string>();
  PARAM.lastIndex = 0;
  while (PARAM.lastIndex < input.length) {
    const m = PARAM.exec(input);
    if (!m) return { ok: false, reason: 'signature parameters are malformed' };
    const name = (m[1] ?? '').toLowerCase();
    if (seen.has(name)) return { ok: false, reason: `parameter ${name} given twice` };
    seen.add(name);
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '');
    if ((KNOWN as readonly string[]).includes(name)) found.set(name as Known, value);
  }
  const keyId = found.get('keyid');
  const signature = found.get('signature');
  if (!keyId) return { ok: false, reason: 'keyId is missing' };
  if (!signature) return { ok: false, reason: 'signature is missing' };
  const headers = (found.get('headers') ?? '(created)')
    .split(/[ \t]+/)
    .filter((h) => h !== '')
    .map((h) => h.toLowerCase());
  if (headers.length === 0 || headers.length > MAX_HEADERS)
    return { ok: false, reason: 'headers list is empty or too long' };
  const created = found.get('created');
  const expires = found.get('expires');
  if (created !== undefined && !/^[0-9]{1,15}$/.test(created))
    return { ok: false, reason: 'created is not an integer' };
  if (expires !== undefined && !/^[0-9]{1,15}(?:\.[0-9]{1,9})?$/.test(expires))
    return { ok: false, reason: 'expires is not a number' };
  const algorithm = found.get('algorithm')?.toLowerCase();
  return {
    ok: true,
    params: {
      keyId,
      headers,
      signature,
      ...(algorithm !== undefined ? { algorithm } : {}),
      ...(created !== undefined ? { created } : {}),
      ...(expires !== undefined ? { expires } : {}),
    },
  };
}

/** `created`/`expires`/`algorithm` as they bear on the signing string. */
export type SigningParams = Pick<CavageParams, 'algorithm' | 'created' | 'expires'>;

function pseudoValue(name: '(created)' | '(expires)', p: SigningParams): string | null {
  // §2.3: with an algorithm naming rsa/hmac/ecdsa, (created) and (expires) MUST be an error
  // (they were introduced with hs2019); the value is the parameter's text.
  if (p.algorithm && /^(?:rsa|hmac|ecdsa)/.test(p.algorithm)) return null;
  return (name === '(created)' ? p.created : p.expires) ?? null;
}

/**
 * The signing string of §2.3: one `name: value` line per entry of `headers`, in order, joined by
 * LF. `(request-target)` is the lower-cased method, a space, and the target as received; header
 * values are the received lines trimmed and joined by ", " — `host` is the Host field as sent.
 */
export function cavageSigningString(view: SignedRequestView, headers: string[], p: SigningParams): BaseResult {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const name of headers) {
    if (seen.has(name)) return { ok: false, reason: `${name} is covered twice` };
    seen.add(name);
    let value: string | null | undefined;
    if (name === '(request-target)') value = `${view.method.toLowerCase()} ${view.target}`;
    else if (name === '(created)' || name === '(expires)') value = pseudoValue(name, p);
    else if (FIELD_NAME.test(name)) value = headerValue(view, name);
    else value = null;
    if (value === null || value === undefined) return { ok: false, reason: `${name} cannot be resolved` };
    if (!isSafeBaseValue(value)) return { ok: false, reason: `${name} is not printable ASCII` };
    lines.push(`${name}: ${value}`);
  }
  return { ok: true, base: lines.join('\n') };
}

/** The parameter text: from `Authorization: Signature …` (§3.1), else a `Signature` field (§4.1). */
function signatureParamsText(view: SignedRequestView): string | null {
  const auth = headerLines(view, 'authorization');
  if (auth && auth.length === 1) {
    const m = /^signature[ \t]+/i.exec(auth[0] ?? '');
    if (m) return (auth[0] ?? '').slice(m[0].length);
  }
  const sig = headerLines(view, 'signature');
  if (sig && sig.length === 1 && /keyid[ \t]*=/i.test(sig[0] ?? '')) return sig[0] ?? null;
  return null;
}

/** Verifies a draft-cavage-12 HMAC signature (§2.5 and §3.1.2). */
export function verifyCavage(view: SignedRequestView, opts: VerifyOptions): VerifyResult {
  try {
    const text = signatureParamsText(view);
    if (text === null) return { ok: false, reason: 'no cavage signature' };
    const parsed = parseCavageParams(text);
    if (!parsed.ok) return parsed;
    const p = parsed.params;
    if (p.algorithm !== undefined && p.algorithm !== 'hmac-sha256' && p.algorithm !== 'hs2019') {
      return { ok: false, reason: 'algorithm must be hmac-sha256' };
    }
    if (!BASE64.test(p.signature)) return { ok: false, reason: 'signature is not base64' };
    const created = p.created !== undefined ? Number(p.created) : undefined;
    const expires = p.expires !== undefined ? Number(p.expires) : undefined;
    if (expires !== undefined && opts.nowMs / 1000 > expires) return { ok: false, reason: 'signature expired' };
    if (
      opts.maxSkewSec !== undefined &&
      created !== undefined &&
      Math.abs(opts.nowMs / 1000 - created) > opts.maxSkewSec
    ) {
      return { ok: false, reason: 'created is outside the allowed clock skew' };
    }
    let key: Uint8Array | null = null;
    try {
      key = opts.lookupKey(p.keyId);
    } catch {
      key = null;
    }
    if (!key || key.length === 0) return { ok: false, reason: 'unknown keyId' };
    const base = cavageSigningString(view, p.headers, p);
    if (!base.ok) return base;
    const signatureBytes = new Uint8Array(Buffer.from(p.signature, 'base64'));
    if (!signaturesEqual(hmacSha256(key, base.base), signatureBytes))
      return { ok: false, reason: 'signature does not match' };
    return {
      ok: true,
      keyId: p.keyId,
      covered: p.headers,
      signatureBytes,
      scheme: 'cavage',
      ...(created !== undefined ? { created } : {}),
      ...(expires !== undefined ? { expires } : {}),
    };
  } catch {
    return { ok: false, reason: 'malformed signature' };
  }
}
