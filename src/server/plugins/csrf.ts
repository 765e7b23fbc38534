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

export function csrfVerdict(req: FastifyRequest, publicOrigin: string, secure: boolean): boolean {
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
  if (typeof origin === 'string' && origin !== 'null') return originOf(origin) === publicOrigin;
  const referer = req.headers.referer;
  if (typeof referer === 'string') return originOf(referer) === publicOrigin;
  return false;
}

export function registerCsrf(app: FastifyInstance, publicUrl: string, secure: boolean): void {
  const publicOrigin = new URL(publicUrl).origin;
  app.addHook('onRequest', (req, _reply, done) => {
    if (csrfVerdict(req, publicOrigin, secure)) return done();
    done(
      new AppError('csrf_failed', 'This request carries the session cookie but does not come from the Twofold portal.'),
    );
  });
}
