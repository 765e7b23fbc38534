// Twofold's edge policy for signed requests (shared/API.md "Signed requests (access keys)"): a
// genuine signature must also cover method, target, public authority, a time within ±5 minutes and
// the body's digest. Why: docs/design.md, "Verifying signed requests". No I/O; time is `nowMs`.

import { createHash } from 'node:crypto';
import { verifyContentDigest, verifyLegacyDigest } from './content-digest.js';
import { verifyCavage } from './cavage.js';
import { verifyRfc9421 } from './rfc9421.js';
import {
  hasBody,
  headerLines,
  headerValue,
  parseOrigin,
  type SignedRequestView,
  type VerifyResult,
} from './request.js';

export interface PolicyOptions {
  nowMs: number;
  /** Host (and non-default port) of TWOFOLD_PUBLIC_URL, i.e. `new URL(publicUrl).host`. */
  publicHost: string;
  /** Allowed distance between the signed time and now; Twofold uses 300 (API.md). */
  maxSkewSec?: number;
  /** TWOFOLD_CAVAGE_REQUIRE_DIGEST: a cavage request with a body must cover `digest`. */
  cavageRequireDigest?: boolean;
}

export type PolicyResult = { ok: true; signedAtSec: number } | { ok: false; reason: string };

export type SignedRequestResult =
  | { ok: true; keyId: string; scheme: 'rfc9421' | 'cavage'; signatureHash: string; signedAtSec: number }
  /** `policy`: the signature was genuine but the request breaks a rule its signer can fix. */
  | { ok: false; reason: string; policy?: true };

const DEFAULT_SKEW_SEC = 300;
const EMPTY = new Uint8Array(0);

/** RFC 9110 §5.6.7 HTTP-date (IMF-fixdate or an obsolete form) to Unix seconds. */
function parseHttpDate(value: string | undefined): number | undefined {
  if (value === undefined || value.length > 64) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

function sameHost(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Time and expiry rules shared by both schemes. */
function checkTime(signedAtSec: number | undefined, expires: number | undefined, opts: PolicyOptions): PolicyResult {
  if (signedAtSec === undefined) return { ok: false, reason: 'the signature must cover a time (created or date)' };
  const nowSec = opts.nowMs / 1000;
  if (Math.abs(nowSec - signedAtSec) > (opts.maxSkewSec ?? DEFAULT_SKEW_SEC)) {
    return { ok: false, reason: 'the signed time is too far from now' };
  }
  if (expires !== undefined && nowSec > expires) return { ok: false, reason: 'signature expired' };
  return { ok: true, signedAtSec };
}

function rfc9421Policy(
  view: SignedRequestView,
  r: Extract<VerifyResult, { ok: true }>,
  opts: PolicyOptions,
): PolicyResult {
  const c = new Set(r.covered);
  if (!c.has('@method')) return { ok: false, reason: 'the signature must cover @method' };
  if (!c.has('@target-uri') && !(c.has('@path') && c.has('@query')) && !c.has('@request-target')) {
    return { ok: false, reason: 'the signature must cover @target-uri (or @path and @query)' };
  }
  if (!c.has('@authority')) return { ok: false, reason: 'the signature must cover @authority' };
  const origin = parseOrigin(view.origin);
  if (!origin || !sameHost(origin.authority, opts.publicHost))
    return { ok: false, reason: '@authority is not this service' };
  // RFC 9530 §1.1: the digest binds the content; it is checked whenever it is signed.
  if (hasBody(view) && !c.has('content-digest'))
    return { ok: false, reason: 'a request with a body must cover content-digest' };
  if (c.has('content-digest')) {
    const digest = verifyContentDigest(headerValue(view, 'content-digest') ?? '', view.body ?? EMPTY);
    if (!digest.ok) return digest;
  }
  // API.md: `created`, else a covered Date (all RFC 9421 parameters are signed, §2.3).
  const signedAt = r.created ?? (c.has('date') ? parseHttpDate(headerValue(view, 'date')) : undefined);
  return checkTime(signedAt, r.expires, opts);
}

function cavagePolicy(
  view: SignedRequestView,
  r: Extract<VerifyResult, { ok: true }>,
  opts: PolicyOptions,
): PolicyResult {
  const c = new Set(r.covered);
  if (!c.has('(request-target)')) return { ok: false, reason: 'the signature must cover (request-target)' };
  if (!c.has('host')) return { ok: false, reason: 'the signature must cover host' };
  const host = headerLines(view, 'host');
  if (!host || host.length !== 1 || !sameHost(host[0] ?? '', opts.publicHost))
    return { ok: false, reason: 'host is not this service' };
  const body = view.body ?? EMPTY;
  const bodyRule = cavageBodyRule(hasBody(view), c, opts.cavageRequireDigest === true);
  if (!bodyRule.ok) return bodyRule;
  if (c.has('digest')) {
    const digest = verifyLegacyDigest(headerValue(view, 'digest') ?? '', body);
    if (!digest.ok) return digest;
  }
  if (c.has('content-length')) {
    const len = headerValue(view, 'content-length') ?? '';
    if (!/^[0-9]{1,15}$/.test(len) || Number(len) !== body.length)
      return { ok: false, reason: 'content-length does not match the body' };
  }
  // draft-cavage-12 §2.3: parameters are signed only when listed, so `created` counts only if
  // `(created)` is covered.
  const signedAt = c.has('(created)')
    ? r.created
    : c.has('date')
      ? parseHttpDate(headerValue(view, 'date'))
      : undefined;
  return checkTime(signedAt, r.expires, opts);
}

/**
 * What a cavage request with a body must cover: the one definition of that rule. API.md accepts
 * `digest` or `content-length`; content-length coverage does not bind the body's bytes (whoever
 * can alter the request in transit and keep its length can change it), `digest` (RFC 3230) does,
 * so an operator can require it (TWOFOLD_CAVAGE_REQUIRE_DIGEST).
 */
export function cavageBodyRule(
  withBody: boolean,
  covered: ReadonlySet<string>,
  requireDigest: boolean,
): { ok: true } | { ok: false; reason: string } {
  if (!withBody || covered.has('digest')) return { ok: true };
  if (requireDigest)
    return {
      ok: false,
      reason: 'a request with a body must cover digest (this server does not accept content-length instead)',
    };
  if (covered.has('content-length')) return { ok: true };
  return { ok: false, reason: 'a request with a body must cover digest or content-length' };
}

/** Applies Twofold's coverage and freshness rules to a verified signature. */
export function checkSignedRequestPolicy(
  view: SignedRequestView,
  result: VerifyResult,
  opts: PolicyOptions,
): PolicyResult {
  if (!result.ok) return result;
  try {
    return result.scheme === 'rfc9421' ? rfc9421Policy(view, result, opts) : cavagePolicy(view, result, opts);
  } catch {
    return { ok: false, reason: 'malformed signed request' };
  }
}

/** Signature-Input present → RFC 9421; otherwise a cavage `Signature` (Authorization or field). */
export function detectSignatureScheme(view: SignedRequestView): 'rfc9421' | 'cavage' | null {
  if (headerLines(view, 'signature-input') !== undefined) return 'rfc9421';
  const auth = headerLines(view, 'authorization');
  if (auth?.some((a) => /^signature[ \t]/i.test(a))) return 'cavage';
  const sig = headerLines(view, 'signature');
  if (sig?.some((s) => /keyid[ \t]*=/i.test(s))) return 'cavage';
  return null;
}

/** Detects the scheme, verifies the signature, applies the policy (the one entry point). */
export function verifySignedRequest(
  view: SignedRequestView,
  opts: {
    nowMs: number;
    publicHost: string;
    lookupKey: (keyId: string) => Uint8Array | null;
    cavageRequireDigest?: boolean;
  },
): SignedRequestResult {
  const scheme = detectSignatureScheme(view);
  if (scheme === null) return { ok: false, reason: 'the request is not signed' };
  const verifyOpts = { nowMs: opts.nowMs, lookupKey: opts.lookupKey };
  const result = scheme === 'rfc9421' ? verifyRfc9421(view, verifyOpts) : verifyCavage(view, verifyOpts);
  if (!result.ok) return result;
  const policy = checkSignedRequestPolicy(view, result, {
    nowMs: opts.nowMs,
    publicHost: opts.publicHost,
    maxSkewSec: DEFAULT_SKEW_SEC,
    cavageRequireDigest: opts.cavageRequireDigest === true,
  });
  if (!policy.ok) return { ...policy, policy: true };
  // The replay guard keys on the signature itself: equal bytes mean the very same signed request.
  const signatureHash = createHash('sha256').update(result.signatureBytes).digest('hex');
  return { ok: true, keyId: result.keyId, scheme, signatureHash, signedAtSec: policy.signedAtSec };
}
