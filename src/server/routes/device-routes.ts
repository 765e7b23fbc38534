// /v1/me/devices: the devices remembered after a second factor ("Remember this device"), and
// forgetting one (shared/API.md).
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { Services } from '../../services/services.js';
import { requirePrincipal } from '../plugins/auth.js';
import { requestContext } from '../request-context.js';
import { readDeviceCookie } from '../device-cookie.js';
import { problems } from '../schemas.js';

const deviceSchema = z.object({
  id: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  expires_at: z.string(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  current: z.boolean(),
});

export async function deviceRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services } = opts;

  r.get('/v1/me/devices', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['sessions'],
      summary: 'Remembered devices: password sign-ins on them skip the code until they expire',
      response: { 200: z.array(deviceSchema), ...problems(401) },
    },
    handler: async (req) => services.devices.list(requirePrincipal(req).user.id, readDeviceCookie(req)),
  });

  r.delete('/v1/me/devices/:id', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['sessions'],
      summary: 'Forget a remembered device: its next sign-in asks for the code again',
      params: z.object({ id: z.string().min(1).max(64) }),
    },
    handler: async (req, reply) => {
      const p = requirePrincipal(req);
      if (!(await services.devices.forget(p.user.id, req.params.id, requestContext(req))))
        throw new AppError('not_found', 'No such remembered device.');
      return reply.status(204).send();
    },
  });
}
