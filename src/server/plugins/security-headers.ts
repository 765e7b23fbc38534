// Security headers (helmet's defaults plus our CSP and HSTS), computed once at start-up. Helmet
// builds every header anew for each response — the CSP string alone is re-assembled from its
// directives every time — which cost 4–6% of a session check under load (bench/README.md); the
// values never depend on the request, so they are built once by helmet itself and copied onto
// each reply. The hook runs on every request, before routing decides anything, so errors and
// 404s carry them too.
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { inspect } from 'node:util';

/**
 * The headers helmet sets for `options`, read off one dry run of its middleware (it also removes
 * X-Powered-By, which Fastify never sends).
 */
export function helmetHeaders(options: Readonly<HelmetOptions>): Record<string, string> {
  const set: Record<string, string> = {};
  const res = {
    setHeader(name: string, value: string | number | readonly string[]) {
      set[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader() {},
  };
  let failure: unknown;
  helmet(options)({} as never, res as never, (err?: unknown) => {
    failure = err;
  });
  if (failure) throw failure instanceof Error ? failure : new Error(`helmet refused its options: ${inspect(failure)}`);
  return set;
}

export function registerSecurityHeaders(app: FastifyInstance, secure: boolean): void {
  const set = helmetHeaders({
    hsts: secure ? { maxAge: 31536000, includeSubDomains: true } : false,
    contentSecurityPolicy: {
      useDefaults: true,
      directives: { 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': secure ? [] : null },
    },
    crossOriginEmbedderPolicy: false,
  });
  const headers = Object.freeze(set);
  app.addHook('onRequest', (req, reply, done) => {
    reply.headers(headers);
    // Answers that carry account data or secrets must not be cached anywhere (no /v1/ route
    // sets a cache-control of its own).
    if (req.url.startsWith('/v1/')) reply.header('cache-control', 'no-store');
    done();
  });
}
