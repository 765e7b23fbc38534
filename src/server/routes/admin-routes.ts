// /v1/admin/users: an operator finds, reads, locks, unlocks, signs out and deletes accounts
// (docs/admin.md). Signed by an admin key only (../admin-auth.ts); every call is audited.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { Config } from '../../runtime/config.js';
import type { Services } from '../../services/services.js';
import { registerAdminAuth, requireAdmin } from '../admin-auth.js';
import { requestContext } from '../request-context.js';
import { problems } from '../schemas.js';

const summary = z.object({
  id: z.string(),
  email: z.string(),
  email_verified: z.boolean(),
  created_at: z.string(),
  mfa_method: z.string().nullable(),
  locked: z.boolean(),
  locked_until: z.string().nullable(),
});
const detail = summary.extend({
  last_sign_in_at: z.string().nullable(),
  access_keys: z.number().int(),
  passkeys: z.number().int().nullable(),
  google_linked: z.boolean(),
  recent_events: z.array(
    z
      .object({ type: z.string(), at: z.string(), ip: z.string().nullable(), user_agent: z.string().nullable() })
      .catchall(z.unknown()),
  ),
});
const idParams = z.object({ id: z.string().min(1).max(64) });
/** Why the operator acts, and the support ticket it answers: both go to the admin audit log. */
const because = z.object({ reason: z.string().trim().min(1).max(500), ticket: z.string().max(100).optional() });
const tags = ['admin'];
const security = [{ signature: [] }];

export async function adminRoutes(
  app: FastifyInstance,
  opts: { services: Services; config: Readonly<Config> },
): Promise<void> {
  registerAdminAuth(app, opts.services, opts.config);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const accounts = opts.services.admin.accounts;

  r.get('/v1/admin/users', {
    schema: {
      tags,
      security,
      summary: 'Find accounts by email: exact, or a prefix ending in `*`; paginated by `after`',
      querystring: z.object({
        email: z.string().min(1).max(320),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        after: z.string().max(320).optional(),
        reason: z.string().max(500).optional(),
        ticket: z.string().max(100).optional(),
      }),
      response: { 200: z.object({ users: z.array(summary), next: z.string().nullable() }), ...problems(400, 401) },
    },
    handler: async (req) => accounts.search(req.query.email, req.query.limit, req.query.after),
  });

  r.get('/v1/admin/users/:id', {
    schema: {
      tags,
      security,
      summary: 'One account: what it has and its recent security events (never a secret)',
      params: idParams,
      querystring: z.object({ reason: z.string().max(500).optional(), ticket: z.string().max(100).optional() }),
      response: { 200: detail, ...problems(400, 401, 404) },
    },
    handler: async (req) => accounts.detail(req.params.id),
  });

  r.post('/v1/admin/users/:id/lock', {
    schema: {
      tags,
      security,
      summary: 'Lock the account (no sign-in, no session, no access key) and sign it out everywhere',
      params: idParams,
      body: because.extend({ until: z.string().datetime({ offset: true }).optional() }),
      response: { 200: detail, ...problems(400, 401, 404) },
    },
    handler: async (req) =>
      accounts.lock(
        req.params.id,
        req.body.until === undefined ? null : Date.parse(req.body.until),
        req.body.reason,
        requireAdmin(req),
        requestContext(req),
      ),
  });

  r.post('/v1/admin/users/:id/unlock', {
    schema: {
      tags,
      security,
      summary: 'Unlock the account',
      params: idParams,
      body: because,
      response: { 200: detail, ...problems(400, 401, 404) },
    },
    handler: async (req) => accounts.unlock(req.params.id, requireAdmin(req), requestContext(req)),
  });

  r.post('/v1/admin/users/:id/sessions/end', {
    schema: {
      tags,
      security,
      summary: 'Sign the account out everywhere',
      params: idParams,
      body: because,
      response: { 200: z.object({ sessions_ended: z.number().int() }), ...problems(400, 401, 404) },
    },
    handler: async (req) => accounts.endSessions(req.params.id, requireAdmin(req), requestContext(req)),
  });

  r.delete('/v1/admin/users/:id', {
    schema: {
      tags,
      security,
      summary: 'Delete the account and everything of it (204)',
      params: idParams,
      body: because,
    },
    handler: async (req, reply) => {
      await accounts.delete(req.params.id, requireAdmin(req));
      return reply.status(204).send();
    },
  });

  const resetView = z.object({ id: z.string(), state: z.string(), requested_at: z.string(), due_at: z.string() });
  r.post('/v1/admin/users/:id/mfa-reset', {
    schema: {
      tags,
      security,
      summary:
        'Start the audited support reset of a lost second factor: removed after TWOFOLD_SUPPORT_RESET_DELAY unless the owner cancels (202)',
      params: idParams,
      body: z.object({ reason: z.string().trim().min(1).max(500), ticket: z.string().trim().min(1).max(100) }),
      response: { 202: resetView, ...problems(400, 401, 404, 409) },
    },
    handler: async (req, reply) => {
      const started = await opts.services.admin.supportResets.start(
        req.params.id,
        requireAdmin(req),
        req.body.reason,
        req.body.ticket,
        requestContext(req),
      );
      return reply.status(202).send(started);
    },
  });

  r.delete('/v1/admin/users/:id/mfa-reset', {
    schema: {
      tags,
      security,
      summary: 'Cancel the pending support reset (204); 404 when none is pending',
      params: idParams,
      body: because,
    },
    handler: async (req, reply) => {
      if (!(await opts.services.admin.supportResets.cancelFor(req.params.id, 'admin', requestContext(req))))
        throw new AppError('not_found', 'No support reset of this account is pending.');
      return reply.status(204).send();
    },
  });
}
