// The cookie that carries a Google sign-in from its start to its callback: state, nonce and the
// PKCE verifier, so that only the browser that started the sign-in can finish it (RFC 6749
// §10.12, RFC 9700 §4.7). HMAC-signed by @fastify/cookie with keys derived from the keyring (a
// forged or altered value is ignored), HttpOnly, SameSite=Lax (the provider's redirect back is a
// top-level GET, which Lax allows), limited to /v1/auth/google, and alive 10 minutes.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { deriveKeyFor, type Keyring } from '../core/envelope.js';
import { GOOGLE_PENDING_TTL_MS, type GooglePending } from '../services/google-sign-in.js';

export const OAUTH_COOKIE_PATH = '/v1/auth/google';

/** `__Secure-` over https: a browser then refuses the cookie from any insecure origin. */
export function oauthCookieName(secure: boolean): string {
  return secure ? '__Secure-twofold_oauth' : 'twofold_oauth';
}

/**
 * Signing keys for @fastify/cookie: one per keyring key, the primary first (it signs, every one
 * verifies), so rotating TWOFOLD_SECRET_KEYS does not break a sign-in in flight.
 */
export function cookieSecrets(keyring: Keyring): Buffer[] {
  return keyring.keys.map((k) => Buffer.from(deriveKeyFor(keyring, k.kid, 'oauth-cookie')));
}

const pendingSchema = z.object({
  state: z.string().min(1).max(256),
  nonce: z.string().min(1).max(256),
  codeVerifier: z.string().min(43).max(128),
  createdAt: z.number().int(),
});

export function setOauthCookie(reply: FastifyReply, secure: boolean, pending: GooglePending): void {
  const value = Buffer.from(JSON.stringify(pending), 'utf8').toString('base64url');
  reply.setCookie(oauthCookieName(secure), value, {
    signed: true,
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: OAUTH_COOKIE_PATH,
    maxAge: Math.floor(GOOGLE_PENDING_TTL_MS / 1000),
  });
}

/** The pending sign-in this browser carries, or null when it has none or it is not ours. */
export function readOauthCookie(req: FastifyRequest, secure: boolean): GooglePending | null {
  const raw = req.cookies?.[oauthCookieName(secure)];
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2048) return null;
  const unsigned = req.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return null;
  try {
    const parsed = pendingSchema.safeParse(JSON.parse(Buffer.from(unsigned.value, 'base64url').toString('utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function clearOauthCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(oauthCookieName(secure), { httpOnly: true, sameSite: 'lax', secure, path: OAUTH_COOKIE_PATH });
}
