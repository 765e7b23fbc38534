// /v1/me/mfa: the second factor's state, set-up (Turn On / Re-configure), Turn Off and the
// recovery code. Changing the factor needs a session and the password, never an access key.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/services.js';
import { requirePrincipal, requireSession } from '../plugins/auth.js';
import { requestContext } from '../request-context.js';
import { passwordInput, problems } from '../schemas.js';

const statusSchema = z.object({
  enabled: z.boolean(),
  method: z.enum(['totp', 'sms', 'passkey']).nullable(),
  phone_hint: z.string().optional(),
  enabled_at: z.string().optional(),
  passkeys: z.number().int().optional(),
});

const setupBody = z.discriminatedUnion('method', [
  z.object({ method: z.literal('totp'), password: passwordInput }),
  z.object({ method: z.literal('sms'), password: passwordInput, phone: z.string().max(64) }),
]);

const setupAnswer = z.object({
  setup_id: z.string(),
  method: z.enum(['totp', 'sms']),
  secret: z.string().optional(),
  otpauth_uri: z.string().optional(),
  qr_svg: z.string().optional(),
  phone_hint: z.string().optional(),
  expires_at: z.string(),
});

export async function mfaRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services } = opts;

  r.get('/v1/me/mfa', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['two-factor'],
      summary: 'Whether two-factor authentication is on (never a secret)',
      response: { 200: statusSchema, ...problems(401) },
    },
    handler: async (req) => services.mfaManagement.status(requirePrincipal(req).user.id),
  });

  r.post('/v1/me/mfa/setup', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['two-factor'],
      summary: 'Turn On or Re-configure: start a set-up (confirm it with setup/verify within 15 minutes)',
      body: setupBody,
      response: { 201: setupAnswer, ...problems(400, 401, 403, 422, 429, 502) },
    },
    handler: async (req, reply) => {
      const p = requireSession(req);
      const ctx = requestContext(req);
      const started =
        req.body.method === 'sms'
          ? await services.mfa.startSms(p.user, req.body.password, req.body.phone, ctx)
          : await services.mfa.startTotp(p.user, req.body.password, ctx);
      return reply.status(201).send(started);
    },
  });

  r.post('/v1/me/mfa/setup/resend', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['two-factor'],
      summary: 'Send a new SMS code for a pending set-up (30 s between sends)',
      body: z.object({ setup_id: z.string().min(1).max(128) }),
      response: { 202: z.object({ expires_at: z.string() }), ...problems(400, 401, 403, 410, 429, 502) },
    },
    handler: async (req, reply) => {
      const out = await services.mfa.resend(requireSession(req).user, req.body.setup_id, requestContext(req));
      return reply.status(202).send(out);
    },
  });

  r.post('/v1/me/mfa/setup/verify', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['two-factor'],
      summary: 'Confirm a set-up with a current code; answers the recovery code, shown once',
      body: z.object({ setup_id: z.string().min(1).max(128), code: z.string().max(32) }),
      response: {
        200: z.object({ enabled: z.literal(true), method: z.enum(['totp', 'sms']), recovery_code: z.string() }),
        ...problems(400, 401, 403, 410, 429),
      },
    },
    handler: async (req) => {
      const p = requireSession(req);
      return services.mfa.verify(p.user, p.session.id, req.body.setup_id, req.body.code, requestContext(req));
    },
  });

  r.delete('/v1/me/mfa', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['two-factor'],
      summary: 'Turn Off two-factor authentication (passkeys are removed too only with remove_passkeys)',
      body: z.object({ password: passwordInput, remove_passkeys: z.boolean().optional() }),
      response: { 200: z.object({ enabled: z.boolean() }), ...problems(400, 401, 403, 429) },
    },
    handler: async (req) =>
      services.mfaManagement.disable(
        requireSession(req).user,
        req.body.password,
        requestContext(req),
        req.body.remove_passkeys ?? false,
      ),
  });

  r.post('/v1/me/mfa/recovery-code', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['two-factor'],
      summary: 'New recovery code (the old one stops working)',
      body: z.object({ password: passwordInput }),
      response: { 200: z.object({ recovery_code: z.string() }), ...problems(400, 401, 403, 409, 429) },
    },
    handler: async (req) =>
      services.mfaManagement.renewRecoveryCode(requireSession(req).user, req.body.password, requestContext(req)),
  });
}
