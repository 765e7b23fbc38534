// A framework-free view of an incoming HTTP request, as the signature verifiers see it, and the
// one result type both schemes (RFC 9421 and draft-cavage-http-signatures-12) return.
//
// The server adapter fills the view: `origin` is Twofold's *public* origin (TWOFOLD_PUBLIC_URL),
// never one derived from the Host header, because behind a load balancer the signer signed the
// public URL (shared/API.md "Signed requests"). `target` is the request-target exactly as received
// (RFC 9110 §7.1, origin-form: path and query), so no normalisation can change what was signed.
// This file does no I/O.

export interface SignedRequestView {
  method: string;
  /** Public origin, e.g. `https://api.example.com` (a path, if any, is ignored). */
  origin: string;
  /** Path + `?query` as received, e.g. `/v1/me?x=1`. */
  target: string;
  /** Lower-case field names; a field sent on several lines may arrive as an array. */
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array | null;
}

export type VerifyResult =
  | {
      ok: true;
      keyId: string;
      /** Covered components as named by the scheme (`@method`, `date`, `(request-target)`…). */
      covered: string[];
      created?: number;
      expires?: number;
      signatureBytes: Uint8Array;
      scheme: 'rfc9421' | 'cavage';
    }
  | { ok: false; reason: string };

/** Field values longer than this are refused before parsing: no legitimate signature needs it. */
export const MAX_FIELD_LENGTH = 8192;

/** All lines of a field, each trimmed, or undefined when the field is absent. */
export function headerLines(view: SignedRequestView, name: string): string[] | undefined {
  const raw = view.headers[name.toLowerCase()];
  if (raw === undefined) return undefined;
  const lines = Array.isArray(raw) ? raw : [raw];
  if (lines.length === 0) return undefined;
  return lines.map((l) => String(l).trim());
}

/**
 * A field's value with its lines combined by ", " — the rule of RFC 9110 §5.3 that RFC 9421
 * §2.1 and draft-cavage-12 §2.3 both use for the signature base, after trimming each line.
 */
export function headerValue(view: SignedRequestView, name: string): string | undefined {
  return headerLines(view, name)?.join(', ');
}

/** True when the request carries content: a `Content-Length: 0` request has no body (API.md). */
export function hasBody(view: SignedRequestView): boolean {
  return view.body !== null && view.body.length > 0;
}

export interface TargetParts {
  path: string;
  /** The query without its `?`, or null when the target has none. */
  query: string | null;
}

/** Splits an origin-form target (RFC 9112 §3.2.1); null for absolute/asterisk forms. */
export function splitTarget(target: string): TargetParts | null {
  if (!target.startsWith('/')) return null;
  const q = target.indexOf('?');
  if (q < 0) return { path: target, query: null };
  return { path: target.slice(0, q), query: target.slice(q + 1) };
}

export interface OriginParts {
  /** `https` or `http`, lower case. */
  scheme: string;
  /** Host with a non-default port, lower case (RFC 9421 §2.2.3 normalisation). */
  authority: string;
  /** `scheme://authority`, no trailing slash. */
  origin: string;
}

/**
 * The last origin parsed and its parts. Every signed request names the same public origin, so
 * the WHATWG parse (a few µs, twice a request) is done once; the memo holds one frozen answer
 * for one input string, so it cannot leak between deployments or change what is compared.
 */
let lastOrigin: { input: string; parts: OriginParts | null } | undefined;

/** Parses the public origin; the WHATWG URL parser already lower-cases and drops default ports. */
export function parseOrigin(origin: string): OriginParts | null {
  if (lastOrigin?.input === origin) return lastOrigin.parts;
  const parts = parseOriginOnce(origin);
  lastOrigin = { input: origin, parts: parts && Object.freeze(parts) };
  return lastOrigin.parts;
}

function parseOriginOnce(origin: string): OriginParts | null {
  let u: URL;
  try {
    u = new URL(origin);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  if (u.host === '') return null;
  return { scheme: u.protocol.slice(0, -1), authority: u.host.toLowerCase(), origin: u.origin };
}

/**
 * Signature bases must be printable US-ASCII (RFC 9421 §2.5; draft-cavage-12 §2.3 builds on
 * header text): a CR or LF inside a value could forge extra lines, and non-ASCII bytes have no
 * single encoding the two sides would agree on.
 */
export function isSafeBaseValue(value: string): boolean {
  return /^[\t\x20-\x7e]*$/.test(value);
}
