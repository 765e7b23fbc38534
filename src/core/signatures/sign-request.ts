// Signs an outgoing request so that `verifySignedRequest` (./policy.ts) accepts it: RFC 9421 or
// draft-cavage-12 with hmac-sha256, base strings from the same builders the server verifies with.
// Pure: time and the nonce come in; src/client/signer.ts and the SMS webhook adapter supply them.
import { createHmac } from 'node:crypto';
import { serializeInnerList, type Item, type Parameters } from 'structured-headers';
import { computeContentDigest, computeLegacyDigest } from './content-digest.js';
import { cavageSigningString } from './cavage.js';
import { signatureBaseRfc9421 } from './rfc9421.js';
import type { SignedRequestView } from './request.js';

export interface SignatureInput {
  method: string;
  /** Absolute URL the request is sent to (its origin must be the server's public origin). */
  url: string;
  /** Headers the request will carry anyway (e.g. Content-Type); any case. */
  headers?: Record<string, string>;
  body?: Uint8Array | string | null;
  keyId: string;
  secretBase64: string;
  scheme: 'rfc9421' | 'cavage';
  /** RFC 9421 signature label (§4.1); default `remoteit`. */
  label?: string;
  /** The signing time (Date, `created`, `expires`): core takes time as an argument. */
  nowMs: number;
  /** RFC 9421 `nonce` parameter (random in practice, see src/client/signer.ts), or false to leave it out. */
  nonce: string | false;
}

/** How long an RFC 9421 signature stays valid: the server accepts ±300 s anyway (API.md). */
const EXPIRES_AFTER_SEC = 300;
/** keyId travels inside a quoted string in both schemes; keep it to plain printable ASCII. */
const KEY_ID = /^[\x21\x23-\x5b\x5d-\x7e]{1,200}$/;

function toBytes(body: Uint8Array | string | null | undefined): Uint8Array {
  if (body === null || body === undefined) return new Uint8Array(0);
  return typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : body;
}

function hmacBase64(key: Uint8Array, base: string): string {
  return createHmac('sha256', key).update(base, 'utf8').digest('base64');
}

/** Returns the headers to add to the request (Date, the digest, and the signature fields). */
export function buildSignedHeaders(input: SignatureInput): Record<string, string> {
  if (!KEY_ID.test(input.keyId))
    throw new Error('signRequest: keyId must be printable ASCII without quotes or backslashes');
  const key = new Uint8Array(Buffer.from(input.secretBase64, 'base64'));
  if (key.length === 0) throw new Error('signRequest: the secret is empty');
  const url = new URL(input.url);
  const nowMs = input.nowMs;
  const body = toBytes(input.body);
  const withBody = body.length > 0;
  // @method is case-sensitive (RFC 9421 §2.2.1): send the request with this upper-case method.
  const method = input.method.toUpperCase();

  // The view the server will reconstruct: lower-case field names, the target as it goes on the wire.
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
  const added: Record<string, string> = { Date: new Date(nowMs).toUTCString() }; // IMF-fixdate, RFC 9110 §5.6.7
  headers.date = added.Date!;
  headers.host = url.host;
  const view: SignedRequestView = { method, origin: url.origin, target: url.pathname + url.search, headers, body };

  if (input.scheme === 'rfc9421') {
    const components = ['@method', '@authority', '@target-uri', 'date'];
    if (withBody) {
      added['Content-Digest'] = headers['content-digest'] = computeContentDigest(body, 'sha-256');
      components.push('content-digest');
    }
    const created = Math.floor(nowMs / 1000);
    const params: Parameters = new Map<string, string | number>([
      ['created', created],
      ['keyid', input.keyId],
      ['alg', 'hmac-sha256'],
      ['expires', created + EXPIRES_AFTER_SEC],
      // RFC 9421 §2.3 nonce: two identical writes signed in the same second must not share a
      // signature, or the server's replay guard would refuse the second, legitimate one.
    ]);
    if (input.nonce !== false) params.set('nonce', input.nonce);
    const items: Item[] = components.map((c) => [c, new Map()]);
    const paramsSerialized = serializeInnerList([items, params]);
    const base = signatureBaseRfc9421(view, components, paramsSerialized);
    if (!base.ok) throw new Error(`signRequest: ${base.reason}`);
    const label = input.label ?? 'remoteit';
    if (!/^[a-z*][a-z0-9_.*-]{0,63}$/.test(label)) throw new Error('signRequest: the label must be an RFC 8941 key');
    added['Signature-Input'] = `${label}=${paramsSerialized}`;
    added.Signature = `${label}=:${hmacBase64(key, base.base)}:`;
    return added;
  }

  const covered = ['(request-target)', 'host', 'date'];
  if (withBody) {
    if (headers['content-type'] !== undefined) covered.push('content-type');
    added['Content-Length'] = headers['content-length'] = String(body.length);
    added.Digest = headers.digest = computeLegacyDigest(body, 'sha-256');
    covered.push('content-length', 'digest');
  }
  const base = cavageSigningString(view, covered, { algorithm: 'hmac-sha256' });
  if (!base.ok) throw new Error(`signRequest: ${base.reason}`);
  added.Authorization =
    `Signature keyId="${input.keyId}",algorithm="hmac-sha256",` +
    `headers="${covered.join(' ')}",signature="${hmacBase64(key, base.base)}"`;
  return added;
}
