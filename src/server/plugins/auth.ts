// Authentication, declared per route (never by URL matching): a route adds
// `preHandler: app.authenticate.any` (session cookie, bearer token or an access-key signature,
// checked by ../signature-auth.ts) or `app.authenticate.sessionOnly` (403 session_required for a signed request).
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../core/errors.js';
import type { AccountSummary } from '../../core/ports/principal-store.js';
import type { SessionRecord } from '../../core/ports/stores.js';
import type { Services } from '../../services/services.js';
import { readSessionCookie } from '../session-cookie.js';

/** Who makes the request, with the account as read when it was authenticated (one query). */
export type Principal =
  | ({ kind: 'session'; via: 'cookie' | 'bearer'; session: SessionRecord } & AccountSummary)
  | ({ kind: 'access_key'; keyId: string } & AccountSummary);

/** Verifies a signed request; supplied by the access-key feature. null = not a signed request. */
export type SignatureAuthenticator = (req: FastifyRequest) => Promise<({ keyId: string } & AccountSummary) | null>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    authenticate: { any: preHandlerAsyncHookHandler; sessionOnly: preHandlerAsyncHookHandler };
  }
}

export function requirePrincipal(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('unauthorized');
  return req.principal;
}

export function requireSession(req: FastifyRequest): Extract<Principal, { kind: 'session' }> {
  const p = requirePrincipal(req);
  if (p.kind !== 'session')
    throw new AppError('session_required', 'This call needs a signed-in session; access keys cannot make it.');
  return p;
}

/**
 * What an account without a second factor may still do when the operator requires one: read
 * itself, prove its mailbox and set a factor up (docs/admin.md). Everything else answers
 * 403 mfa_setup_required; test/admin/enforced-2fa.test.ts walks every route of the OpenAPI.
 */
export const SETUP_ROUTES: ReadonlySet<string> = new Set([
  'GET /v1/me',
  'GET /v1/me/mfa',
  'POST /v1/me/mfa/setup',
  'POST /v1/me/mfa/setup/verify',
  'POST /v1/me/email/verify',
  'POST /v1/me/passkeys/options',
  'POST /v1/me/passkeys',
  'GET /v1/me/passkeys',
]);

interface AuthOptions {
  services: Services;
  secure: boolean;
  signatures?: SignatureAuthenticator;
}

async function resolve(req: FastifyRequest, opts: AuthOptions): Promise<Principal> {
  const header = req.headers.authorization;
  if (typeof header === 'string' && /^bearer\s/i.test(header)) {
    const found = await opts.services.sessions.authenticate(header.replace(/^bearer\s+/i, '').trim());
    if (!found) throw new AppError('unauthorized', 'The bearer token is not valid or has expired. Sign in again.');
    return { kind: 'session', via: 'bearer', ...found };
  }
  const signed = opts.signatures ? await opts.signatures(req) : null;
  if (signed) return { kind: 'access_key', ...signed };
  if (typeof header === 'string' && /^signature\s/i.test(header)) throw new AppError('invalid_signature');
  const cookie = readSessionCookie(req, opts.secure);
  if (cookie) {
    const found = await opts.services.sessions.authenticate(cookie);
    if (found) return { kind: 'session', via: 'cookie', ...found };
    throw new AppError('unauthorized', 'Your session has ended. Sign in again.');
  }
  throw new AppError('unauthorized', 'Sign in, or send a bearer token or a signed request.');
}

export const authPlugin = fp<AuthOptions>(async (app, opts) => {
  app.decorateRequest('principal', null);
  const policy = opts.services.admin.policy;
  const any: preHandlerAsyncHookHandler = async (req: FastifyRequest, _reply: FastifyReply) => {
    if (req.principal) return;
    const principal = await resolve(req, opts);
    // The account rules every way in obeys, checked here once (docs/admin.md): a locked account's
    // sessions and keys are refused; under TWOFOLD_REQUIRE_2FA an account without a second factor
    // reaches the set-up routes only, with a session, and its access keys nothing.
    await policy.check(principal.user.id);
    if (principal.factor === null && !principal.hasPasskey && policy.secondFactorRequired()) {
      const route = `${req.method} ${req.routeOptions.url ?? ''}`;
      if (principal.kind === 'access_key' || !SETUP_ROUTES.has(route))
        throw policy.setupRequired(principal.kind === 'access_key');
    }
    req.principal = principal;
  };
  const sessionOnly: preHandlerAsyncHookHandler = async (req: FastifyRequest, reply: FastifyReply) => {
    await any.call(app, req, reply);
    requireSession(req);
  };
  app.decorate('authenticate', { any, sessionOnly });
  // Who asks is settled before the input is looked at: an authenticated route authenticates in
  // preValidation too (`any` runs once), so a refusal (401, 403) comes before a 400.
  app.addHook('onRoute', (route) => {
    const handlers = [route.preHandler ?? []].flat();
    if (handlers.includes(any) || handlers.includes(sessionOnly))
      route.preValidation = [...[route.preValidation ?? []].flat(), any];
  });
});
