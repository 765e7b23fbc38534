// DELETE /v1/me: the account and everything of it (shared/API.md "Proving the mailbox").
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/services.js';
import type { Config } from '../../runtime/config.js';
import { requireSession } from '../plugins/auth.js';
import { requestContext } from '../request-context.js';
import { passwordInput } from '../schemas.js';
import { clearSessionCookie } from '../session-cookie.js';

export async function accountDeletionRoutes(
  app: FastifyInstance,
  opts: { services: Services; config: Readonly<Config> },
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services, config } = opts;

  r.delete('/v1/me', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['account'],
      summary:
        'Delete the account (204): the password, and with 2FA on a current code or the recovery code; 401 invalid_code, 403 reauthentication_failed',
      body: z.object({ password: passwordInput, code: z.string().max(64).optional() }),
    },
    handler: async (req, reply) => {
      const p = requireSession(req);
      await services.accountDeletion.delete(p.user, req.body.password, req.body.code, requestContext(req));
      clearSessionCookie(reply, config.secure);
      return reply.status(204).send();
    },
  });
}
