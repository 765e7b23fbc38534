// CSRF: an unsafe request that carries the session cookie must come from our own origin, shown by
// `Origin` (or, when a browser omits it, `Referer`). Bearer and signed requests are exempt: a
// cross-site page cannot set an Authorization header without a CORS preflight we never grant.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../../core/errors.js';
import { sessionCookieName } from '../session-cookie.js';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function originOf(value: string): string | null {
  try {
    return new URL(value).origin;
  } catch {
    return null;
  }
}

/** `origins`: the public URL's origin, then any loopback alias of it (development default). */
export function csrfVerdict(req: FastifyRequest, origins: readonly string[], secure: boolean): boolean {
  if (SAFE.has(req.method)) return true;
  const cookieHeader = req.headers.cookie;
  if (!cookieHeader || !cookieHeader.includes(sessionCookieName(secure))) return true;
  // Only the schemes that authenticate instead of the cookie are exempt: a browser replays cached
  // Basic/Digest credentials on its own, and those requests would still be served by the cookie.
  const authorization = req.headers.authorization;
  if (
    (typeof authorization === 'string' && /^(bearer|signature)\s/i.test(authorization)) ||
    req.headers['signature-input']
  )
    return true;
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') return origins.includes(originOf(origin) ?? '');
  const referer = req.headers.referer;
  if (typeof referer === 'string') return origins.includes(originOf(referer) ?? '');
  return false;
}

export function registerCsrf(
  app: FastifyInstance,
  publicUrl: string,
  secure: boolean,
  loopbackAliases: readonly string[] = [],
): void {
  const publicOrigin = new URL(publicUrl).origin;
  const origins = [publicOrigin, ...loopbackAliases.map((host) => `http://${host}`)];
  const detail = `This request carries the session cookie but does not come from the Twofold portal: its Origin must be ${publicOrigin}${
    loopbackAliases.length ? ` (or ${origins.slice(1).join(', ')})` : ' (TWOFOLD_PUBLIC_URL)'
  }.`;
  app.addHook('onRequest', (req, _reply, done) => {
    if (csrfVerdict(req, origins, secure)) return done();
    done(new AppError('csrf_failed', detail));
  });
}
