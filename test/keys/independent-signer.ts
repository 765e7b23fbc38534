// A second, independent implementation of both signature schemes, written from the specs with
// nothing but string building and node:crypto — it shares no code with src/client/signer.ts or
// src/core/signatures, so a bug common to the server's builders and our client cannot hide.
//
// RFC 9421: signature base = one `"name": value` line per covered component, then
// `"@signature-params": (<"c1" "c2" …>);created=…;keyid="…";alg="hmac-sha256"[;expires=…]`
// (§2.5), HMAC-SHA256 with the base64-decoded secret (§3.3.3), sent as
// `Signature-Input: label=<params>` and `Signature: label=:<base64>:`. Body digest: RFC 9530
// `Content-Digest: sha-256=:<base64>:`.
// draft-cavage-12: signing string = `name: value` lines for the listed headers, where
// `(request-target)` is `<lower-case method> <path?query>` (§2.3); sent in
// `Authorization: Signature keyId="…",algorithm="hmac-sha256",headers="…",signature="…"`.
import { createHash, createHmac } from 'node:crypto';

export interface IndependentSignInput {
  method: string;
  /** The absolute URL the signer believes it calls (its authority and target are what get signed). */
  url: string;
  body?: string;
  keyId: string;
  secret: string;
  nowMs: number;
}

export interface Rfc9421Options {
  /** Covered components; default: @method @authority @target-uri date, plus content-digest with a body. */
  components?: string[];
  /** Default: now; null leaves `created` out. */
  created?: number | null;
  expires?: number;
  label?: string;
  /** Sign this content-digest value instead of the body's own. */
  digestOverride?: string;
}

export interface CavageOptions {
  /** Covered headers; default: (request-target) host date, plus digest with a body. */
  headers?: string[];
}

const sha256b64 = (s: string) => createHash('sha256').update(Buffer.from(s, 'utf8')).digest('base64');
const hmacB64 = (secret: string, text: string) =>
  createHmac('sha256', Buffer.from(secret, 'base64')).update(Buffer.from(text, 'utf8')).digest('base64');

/** The headers to send: Date, Content-Type and the digest with a body, and the signature fields. */
export function signRfc9421(input: IndependentSignInput, opts: Rfc9421Options = {}): Record<string, string> {
  const url = new URL(input.url);
  const method = input.method.toUpperCase();
  const nowSec = Math.floor(input.nowMs / 1000);
  const headers: Record<string, string> = { date: new Date(input.nowMs).toUTCString() };
  const hasBody = input.body !== undefined && input.body.length > 0;
  if (hasBody) {
    headers['content-type'] = 'application/json';
    headers['content-digest'] = opts.digestOverride ?? `sha-256=:${sha256b64(input.body ?? '')}:`;
  }
  const components = opts.components ?? [
    '@method',
    '@authority',
    '@target-uri',
    'date',
    ...(hasBody ? ['content-digest'] : []),
  ];
  const value = (c: string): string => {
    switch (c) {
      case '@method':
        return method;
      case '@authority':
        return url.host;
      case '@target-uri':
        return url.href;
      case '@path':
        return url.pathname;
      case '@query':
        return url.search === '' ? '?' : url.search;
      default: {
        const v = headers[c];
        if (v === undefined) throw new Error(`independent signer: no value for ${c}`);
        return v;
      }
    }
  };
  const created = opts.created === undefined ? nowSec : opts.created;
  let params = `(${components.map((c) => `"${c}"`).join(' ')})`;
  if (created !== null) params += `;created=${created}`;
  params += `;keyid="${input.keyId}";alg="hmac-sha256"`;
  if (opts.expires !== undefined) params += `;expires=${opts.expires}`;
  const base = [...components.map((c) => `"${c}": ${value(c)}`), `"@signature-params": ${params}`].join('\n');
  const label = opts.label ?? 'sig1';
  headers['signature-input'] = `${label}=${params}`;
  headers.signature = `${label}=:${hmacB64(input.secret, base)}:`;
  return headers;
}

export function signCavage(input: IndependentSignInput, opts: CavageOptions = {}): Record<string, string> {
  const url = new URL(input.url);
  const headers: Record<string, string> = { date: new Date(input.nowMs).toUTCString(), host: url.host };
  const hasBody = input.body !== undefined && input.body.length > 0;
  if (hasBody) {
    headers['content-type'] = 'application/json';
    headers.digest = `SHA-256=${sha256b64(input.body ?? '')}`;
  }
  const covered = opts.headers ?? ['(request-target)', 'host', 'date', ...(hasBody ? ['digest'] : [])];
  const lines = covered.map((name) => {
    if (name === '(request-target)')
      return `(request-target): ${input.method.toLowerCase()} ${url.pathname}${url.search}`;
    if (name === 'content-length') return `content-length: ${Buffer.byteLength(input.body ?? '', 'utf8')}`;
    const v = headers[name];
    if (v === undefined) throw new Error(`independent signer: no value for ${name}`);
    return `${name}: ${v}`;
  });
  headers.authorization = `Signature keyId="${input.keyId}",algorithm="hmac-sha256",headers="${covered.join(' ')}",signature="${hmacB64(input.secret, lines.join('\n'))}"`;
  return headers;
}
