// /v1/admin/… is reachable with an admin key's signature only (docs/admin.md): a session cookie,
// a bearer token or a user's access key is refused here, and an admin key is refused everywhere
// else (it is not in access_keys). Every call that passes is written to the admin audit log,
// with the status it got, before the answer leaves.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import type { Config } from '../runtime/config.js';
import type { AdminPrincipal } from '../services/admin-keys.js';
import type { Services } from '../services/services.js';
import { requestContext } from './request-context.js';
import { requestView } from './signature-auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    admin: AdminPrincipal | null;
  }
}

export function requireAdmin(req: FastifyRequest): AdminPrincipal {
  if (!req.admin) throw new AppError('unauthorized');
  return req.admin;
}

const text = (v: unknown, max: number): string | null =>
  typeof v === 'string' && v.length > 0 ? v.slice(0, max) : null;

/** The reason and ticket the call gave: in its JSON body, or in the query of a GET. */
function reasonOf(req: FastifyRequest): { reason: string | null; ticket: string | null } {
  const from = (req.body && typeof req.body === 'object' ? req.body : req.query) as Record<string, unknown> | undefined;
  return { reason: text(from?.reason, 500), ticket: text(from?.ticket, 100) };
}

export function registerAdminAuth(app: FastifyInstance, services: Services, config: Readonly<Config>): void {
  const { origin } = new URL(config.publicUrl);
  app.decorateRequest('admin', null);
  app.addHook('onRequest', async (req) => {
    const host = req.headers.host ?? '';
    // Like user keys: without TWOFOLD_PUBLIC_URL, a loopback alias of the port is signed for itself.
    const alias = config.loopbackAliases.includes(host) ? host : null;
    const view = requestView(req, alias ? `http://${alias}` : origin);
    if (!services.signedRequests.isSigned(view))
      throw new AppError(
        'unauthorized',
        'Admin calls must be signed with an admin access key (twofold admin keys create).',
      );
    // The body is needed for its digest: verified in preValidation, once it is read and before any input is looked at.
  });
  app.addHook('preValidation', async (req) => {
    const host = req.headers.host ?? '';
    const alias = config.loopbackAliases.includes(host) ? host : null;
    const view = requestView(req, alias ? `http://${alias}` : origin);
    req.admin = await services.admin.keys.authenticate(view, {
      cavageRequireDigest: config.cavageRequireDigest,
      ...(alias ? { publicHost: alias } : {}),
    });
  });
  app.addHook('onSend', async (req, reply, payload) => {
    if (!req.admin) return payload;
    const params = req.params as Record<string, unknown> | undefined;
    await services.admin.audit.record(
      {
        admin: req.admin,
        action: `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0]}`,
        targetUserId: text(params?.id, 64),
        ...reasonOf(req),
        status: reply.statusCode,
      },
      requestContext(req),
    );
    return payload;
  });
}
