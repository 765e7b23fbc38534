// /v1/me/device/{user_code}: the approval page's calls (RFC 8628 §3.3). Session only, and not a
// device grant's own session: a device's token must not approve more devices. Cookie requests pass
// CSRF like every unsafe one (plugins/csrf.ts).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { Services } from '../../services/services.js';
import { requireSession } from '../plugins/auth.js';
import { requestContext } from '../request-context.js';
import { problems } from '../schemas.js';

const params = z.object({ user_code: z.string().min(1).max(32) });

export async function deviceApprovalRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services } = opts;
  const approver = (req: Parameters<typeof requireSession>[0]) => {
    const p = requireSession(req);
    if (p.session.client === 'cli')
      throw new AppError('session_required', 'Approve devices from the portal or an app, not from a device.');
    return p;
  };

  r.get('/v1/me/device/:user_code', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['device'],
      summary: 'What asks to sign in with this user code (device grant)',
      params,
      response: {
        200: z.object({
          client_id: z.string(),
          requested_at: z.string(),
          ip: z.string().nullable(),
          user_agent: z.string().nullable(),
        }),
        ...problems(400, 401, 403, 404, 429),
      },
    },
    handler: async (req) => {
      const p = approver(req);
      return services.deviceApprovals.lookup(p.session.id, req.params.user_code);
    },
  });

  r.post('/v1/me/device/:user_code', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['device'],
      summary: 'Approve or deny a device (the first decision counts)',
      params,
      body: z.object({ approve: z.boolean() }),
      response: { 200: z.object({ status: z.enum(['approved', 'denied']) }), ...problems(400, 401, 403, 404, 429) },
    },
    handler: async (req) => {
      const p = approver(req);
      return services.deviceApprovals.decide(
        p.user,
        p.session.id,
        req.params.user_code,
        req.body.approve,
        requestContext(req),
      );
    },
  });
}
