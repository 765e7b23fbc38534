// HTTP Message Signatures, RFC 9421, restricted to what Twofold's access keys need: requests
// (not responses), HMAC-SHA256 with a shared secret (§3.3.3), no component parameters.
//
// This is the raw cryptographic check: it says whether a label's signature is genuine over the
// components it claims to cover. Whether those components are *enough* (method, authority,
// target, time, body digest) is Twofold's policy and lives in policy.ts. Nothing here throws on
// hostile input: every failure is a `{ ok: false, reason }`. Time comes in as `nowMs`; no I/O.

import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  isInnerList,
  parseDictionary,
  serializeInnerList,
  type BareItem,
  type Dictionary,
  type InnerList,
  type Item,
  type Parameters,
} from 'structured-headers';
import {
  MAX_FIELD_LENGTH,
  headerValue,
  isSafeBaseValue,
  parseOrigin,
  splitTarget,
  type OriginParts,
  type SignedRequestView,
  type TargetParts,
  type VerifyResult,
} from './request.js';

export type { VerifyResult } from './request.js';

export interface VerifyOptions {
  nowMs: number;
  /** The HMAC key for an access key id, or null when unknown/disabled. */
  lookupKey: (keyid: string) => Uint8Array | null;
  /** When set, a `created` further than this from now is refused here too (RFC 9421 §3.2.1). */
  maxSkewSec?: number;
}

export type BaseResult = { ok: true; base: string } | { ok: false; reason: string };

/** Bounds the work one request can ask for (HMACs computed, lines built). */
const MAX_LABELS = 8;
const MAX_COMPONENTS = 32;
/** RFC 9110 §5.1 field-name token, already lower-cased as RFC 9421 §2.1 requires. */
const FIELD_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;

/** The value of one covered component (RFC 9421 §2.1, §2.2), or null when it cannot be resolved. */
function componentValue(
  view: SignedRequestView,
  name: string,
  origin: OriginParts,
  target: TargetParts | null,
): string | null {
  switch (name) {
    case '@method':
      return view.method; // §2.2.1: case-sensitive, not normalised
    case '@authority':
      return origin.authority; // §2.2.3: lower case, default port omitted
    case '@scheme':
      return origin.scheme; // §2.2.4
    case '@target-uri':
      return target ? origin.origin + view.target : null; // §2.2.2
    case '@request-target':
      return target ? view.target : null; // §2.2.5
    case '@path':
      return target ? target.path : null; // §2.2.6
    case '@query':
      return target ? `?${target.query ?? ''}` : null; // §2.2.7: "?" alone when absent
  }
  // `@status` is response-only, `@query-param` needs a `name` parameter we do not support, and
  // §2.5 says an unresolvable component is an error rather than something to skip.
  if (name.startsWith('@') || !FIELD_NAME.test(name)) return null;
  return headerValue(view, name) ?? null; // §2.1: lines trimmed, joined with ", "
}

/**
 * The signature base of RFC 9421 §2.5: one `"component": value` line per covered component, then
 * `"@signature-params": ` followed by `paramsSerialized` — the whole serialised inner list with its
 * parameters, e.g. `("@method" "date");created=1;keyid="k"`. Lines are joined by LF, none at the end.
 */
export function signatureBaseRfc9421(
  view: SignedRequestView,
  components: string[],
  paramsSerialized: string,
): BaseResult {
  const origin = parseOrigin(view.origin);
  if (!origin) return { ok: false, reason: 'the public origin is not an http(s) URL' };
  const target = splitTarget(view.target);
  if (!isSafeBaseValue(paramsSerialized)) return { ok: false, reason: 'signature parameters are not printable ASCII' };
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const name of components) {
    // §2.5: a component identifier listed twice is an error.
    if (seen.has(name)) return { ok: false, reason: `component ${name} is covered twice` };
    seen.add(name);
    // §2.3: @signature-params is always the last line and MUST NOT be listed as covered.
    if (name === '@signature-params') return { ok: false, reason: '@signature-params cannot be covered' };
    const value = componentValue(view, name, origin, target);
    if (value === null) return { ok: false, reason: `component ${name} cannot be resolved` };
    if (!isSafeBaseValue(value)) return { ok: false, reason: `component ${name} is not printable ASCII` };
    lines.push(`"${name}": ${value}`);
  }
  lines.push(`"@signature-params": ${paramsSerialized}`);
  return { ok: true, base: lines.join('\n') };
}

/** HMAC-SHA256 over the base's bytes (RFC 9421 §3.3.3); the base is ASCII, so UTF-8 = ASCII. */
export function hmacSha256(key: Uint8Array, base: string): Buffer {
  return createHmac('sha256', key).update(base, 'utf8').digest();
}

/** Constant-time comparison; a length mismatch reveals only the (public) HMAC length. */
export function signaturesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

type IntParam = { ok: true; value: number | undefined } | { ok: false };

/** `created` and `expires` are sf-integers of Unix seconds (§2.3). */
function intParam(params: Parameters, name: string): IntParam {
  const v: BareItem | undefined = params.get(name);
  if (v === undefined) return { ok: true, value: undefined };
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return { ok: false };
  return { ok: true, value: v };
}

function lookup(opts: VerifyOptions, keyId: string): Uint8Array | null {
  try {
    const key = opts.lookupKey(keyId);
    return key && key.length > 0 ? key : null;
  } catch {
    return null;
  }
}

/** Verifies one label: its Signature-Input inner list and its Signature byte sequence (§3.2). */
function verifyLabel(
  view: SignedRequestView,
  opts: VerifyOptions,
  input: Item | InnerList,
  sig: Item | InnerList,
): VerifyResult {
  if (!isInnerList(input)) return { ok: false, reason: 'Signature-Input member is not an inner list' };
  if (isInnerList(sig) || !(sig[0] instanceof ArrayBuffer))
    return { ok: false, reason: 'Signature member is not a byte sequence' };
  const [items, params] = input;
  if (items.length > MAX_COMPONENTS) return { ok: false, reason: 'too many covered components' };
  const covered: string[] = [];
  for (const [value, itemParams] of items) {
    if (typeof value !== 'string') return { ok: false, reason: 'a component identifier is not a string' };
    if (itemParams.size > 0) return { ok: false, reason: `component parameters are not supported (${value})` };
    covered.push(value);
  }
  const keyId = params.get('keyid');
  if (typeof keyId !== 'string' || keyId === '') return { ok: false, reason: 'keyid is missing' };
  // §3.2 step 6: an `alg` naming another algorithm must not be verified with HMAC; absence is
  // allowed because the key id already determines the (only) algorithm, §3.3.7.
  const alg = params.get('alg');
  if (alg !== undefined && alg !== 'hmac-sha256') return { ok: false, reason: 'alg must be hmac-sha256' };
  const created = intParam(params, 'created');
  const expires = intParam(params, 'expires');
  if (!created.ok || !expires.ok) return { ok: false, reason: 'created/expires must be integers' };
  if (expires.value !== undefined && opts.nowMs / 1000 > expires.value)
    return { ok: false, reason: 'signature expired' };
  if (
    opts.maxSkewSec !== undefined &&
    created.value !== undefined &&
    Math.abs(opts.nowMs / 1000 - created.value) > opts.maxSkewSec
  ) {
    return { ok: false, reason: 'created is outside the allowed clock skew' };
  }
  const key = lookup(opts, keyId);
  if (!key) return { ok: false, reason: 'unknown keyid' };
  // §2.3: the last line repeats the inner list re-serialised per RFC 8941 §4.1.
  const base = signatureBaseRfc9421(view, covered, serializeInnerList(input));
  if (!base.ok) return base;
  const signatureBytes = new Uint8Array(sig[0]);
  if (!signaturesEqual(hmacSha256(key, base.base), signatureBytes))
    return { ok: false, reason: 'signature does not match' };
  return {
    ok: true,
    keyId,
    covered,
    signatureBytes,
    scheme: 'rfc9421',
    ...(created.value !== undefined ? { created: created.value } : {}),
    ...(expires.value !== undefined ? { expires: expires.value } : {}),
  };
}

function parseField(view: SignedRequestView, name: string): Dictionary | string {
  const value = headerValue(view, name);
  if (value === undefined) return `${name} is missing`;
  if (value.length > MAX_FIELD_LENGTH) return `${name} is too large`;
  try {
    return parseDictionary(value);
  } catch {
    return `${name} is not a structured dictionary`;
  }
}

/**
 * Verifies the request's RFC 9421 signature. Labels present in both fields are tried in
 * Signature-Input order (at most MAX_LABELS) until one verifies (§3.2: the verifier chooses which
 * signatures to check); otherwise the first label's failure is reported.
 */
export function verifyRfc9421(view: SignedRequestView, opts: VerifyOptions): VerifyResult {
  try {
    const inputs = parseField(view, 'signature-input');
    if (typeof inputs === 'string') return { ok: false, reason: inputs };
    const sigs = parseField(view, 'signature');
    if (typeof sigs === 'string') return { ok: false, reason: sigs };
    const labels = [...inputs.keys()].filter((l) => sigs.has(l)).slice(0, MAX_LABELS);
    if (labels.length === 0) return { ok: false, reason: 'no label is in both Signature-Input and Signature' };
    let firstFailure: string | undefined;
    for (const label of labels) {
      const r = verifyLabel(view, opts, inputs.get(label)!, sigs.get(label)!);
      if (r.ok) return r;
      firstFailure ??= `${label}: ${r.reason}`;
    }
    return { ok: false, reason: firstFailure ?? 'no signature verified' };
  } catch {
    // Defence in depth: a parser or serializer surprise must still be a refusal, never a 500.
    return { ok: false, reason: 'malformed signature fields' };
  }
}
