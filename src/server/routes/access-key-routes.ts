// /v1/me/access-keys: keys that sign API and CLI requests. The secret is in the create answer
// only; lists never carry it.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { accessKeyView } from '../../services/access-keys.js';
import type { Services } from '../../services/services.js';
import { requirePrincipal } from '../plugins/auth.js';
import { requestContext } from '../request-context.js';
import { passwordInput, problems } from '../schemas.js';

const keyView = z.object({
  id: z.string(),
  enabled: z.boolean(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
});
const idParams = z.object({ id: z.string().min(1).max(64) });

export async function accessKeyRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services } = opts;

  r.get('/v1/me/access-keys', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['access keys'],
      summary: 'The account’s access keys (never a secret)',
      response: { 200: z.array(keyView), ...problems(401) },
    },
    handler: async (req) => (await services.accessKeys.list(requirePrincipal(req).user.id)).map(accessKeyView),
  });

  r.post('/v1/me/access-keys', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['access keys'],
      summary: 'Generate credentials: the only answer that shows the secret',
      body: z.object({ password: passwordInput }),
      response: { 201: keyView.extend({ secret: z.string() }), ...problems(400, 401, 403, 409, 429) },
    },
    handler: async (req, reply) => {
      const created = await services.accessKeys.create(
        requirePrincipal(req).user,
        req.body.password,
        requestContext(req),
      );
      return reply.status(201).send(created);
    },
  });

  r.patch('/v1/me/access-keys/:id', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['access keys'],
      summary: 'Enable or disable an access key',
      params: idParams,
      body: z.object({ enabled: z.boolean() }),
      response: { 200: keyView, ...problems(400, 401, 404) },
    },
    handler: async (req) =>
      services.accessKeys.setEnabled(requirePrincipal(req).user, req.params.id, req.body.enabled, requestContext(req)),
  });

  r.delete('/v1/me/access-keys/:id', {
    preHandler: app.authenticate.any,
    schema: { tags: ['access keys'], summary: 'Delete an access key (204)', params: idParams },
    handler: async (req, reply) => {
      await services.accessKeys.delete(requirePrincipal(req).user, req.params.id, requestContext(req));
      return reply.status(204).send();
    },
  });
}
