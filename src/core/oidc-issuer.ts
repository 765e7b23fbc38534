// Which OpenID Connect issuer URLs Twofold will talk to. An issuer identifier is an https URL
// without query or fragment (OpenID Connect Discovery 1.0 §2, RFC 8414 §2). Plain http is allowed
// for exactly one purpose: a provider on this machine's loopback interface (tests and local
// development, where nothing crosses a network). Anywhere else http would let whoever sits on the
// path forge discovery, keys and tokens, so it is refused before any request is made.

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export type IssuerVerdict =
  | { ok: true; url: URL; /** true for http on a loopback host */ insecureLoopback: boolean }
  | { ok: false; reason: string };

export function checkIssuerUrl(issuer: string): IssuerVerdict {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return { ok: false, reason: 'is not a URL' };
  }
  if (url.search || url.hash || issuer.includes('?') || issuer.includes('#')) {
    return { ok: false, reason: 'must not have a query or a fragment' };
  }
  if (url.username || url.password) return { ok: false, reason: 'must not carry credentials' };
  if (url.protocol === 'https:') return { ok: true, url, insecureLoopback: false };
  if (url.protocol === 'http:') {
    // URL has already normalised the host (lower case, 127.1 → 127.0.0.1, [::1]).
    if (LOOPBACK_HOSTS.has(url.hostname)) return { ok: true, url, insecureLoopback: true };
    return { ok: false, reason: 'must use https (http is allowed only on 127.0.0.1, ::1 or localhost)' };
  }
  return { ok: false, reason: 'must use https' };
}
