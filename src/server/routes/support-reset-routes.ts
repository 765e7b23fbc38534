// The owner's side of a support reset (docs/admin.md): see it, cancel it from a signed-in session,
// or cancel it with the mailed link (no session needed: the owner may have lost every device).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { Services } from '../../services/services.js';
import { requirePrincipal, requireSession } from '../plugins/auth.js';
import { requestContext } from '../request-context.js';
import { problems } from '../schemas.js';

const pending = z.object({ id: z.string(), state: z.string(), requested_at: z.string(), due_at: z.string() });

export async function supportResetRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const resets = opts.services.admin.supportResets;

  r.get('/v1/me/support-reset', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['account'],
      summary: 'The pending support reset of the second factor, if any',
      response: { 200: z.object({ pending: pending.nullable() }), ...problems(401) },
    },
    handler: async (req) => ({ pending: await resets.pending(requirePrincipal(req).user.id) }),
  });

  r.delete('/v1/me/support-reset', {
    preHandler: app.authenticate.sessionOnly,
    schema: { tags: ['account'], summary: 'Cancel the pending support reset (204); session only' },
    handler: async (req, reply) => {
      if (!(await resets.cancelFor(requireSession(req).user.id, 'session', requestContext(req))))
        throw new AppError('not_found', 'No support reset of this account is pending.');
      return reply.status(204).send();
    },
  });

  r.post('/v1/auth/support-reset/cancel', {
    schema: {
      tags: ['auth'],
      summary: 'Cancel a pending support reset with the mailed link’s token; 410 token_expired once it is not pending',
      body: z.object({ token: z.string().min(1).max(200) }),
      response: { 200: z.object({ cancelled: z.literal(true) }), ...problems(400, 410) },
    },
    handler: async (req) => {
      await resets.cancelByLink(req.body.token, requestContext(req));
      return { cancelled: true as const };
    },
  });
}
