// Proving the mailbox and changing it (shared/API.md "Proving the mailbox").
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/services.js';
import { requirePrincipal, requireSession } from '../plugins/auth.js';
import { requestContext } from '../request-context.js';
import { emailInput, passwordInput, problems } from '../schemas.js';

const accepted = z.object({ status: z.literal('accepted') });

export async function emailRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services } = opts;

  r.post('/v1/auth/email/verify', {
    schema: {
      tags: ['auth'],
      summary: 'Use a mailed confirmation link: verifies the email, or completes a change of email (no session needed)',
      body: z.object({ token: z.string().max(256) }),
      response: { 200: z.object({ email_verified: z.literal(true) }), ...problems(400, 409, 410) },
    },
    handler: async (req) => {
      await services.emailVerification.verify(req.body.token, requestContext(req));
      return { email_verified: true as const };
    },
  });

  r.post('/v1/me/email/verify', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['account'],
      summary: 'Mail a new confirmation link (the previous one dies); once a minute, 10 a day',
      response: { 202: accepted, ...problems(401, 409, 429) },
    },
    handler: async (req, reply) => {
      const p = requirePrincipal(req);
      await services.emailVerification.resend(p.user, requestContext(req));
      return reply.status(202).send({ status: 'accepted' });
    },
  });

  r.post('/v1/me/email', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['account'],
      summary: 'Change the email: a link to the new address, a notice to the old; changes when the link is used',
      body: z.object({ email: emailInput, password: passwordInput }),
      response: { 202: accepted, ...problems(400, 401, 403, 409, 422, 429) },
    },
    handler: async (req, reply) => {
      const p = requireSession(req);
      await services.emailChange.request(p.user, req.body.email, req.body.password, requestContext(req));
      return reply.status(202).send({ status: 'accepted' });
    },
  });
}
