// /v1/auth/login/{verify,recover,resend}: finishing a sign-in that needs the second factor.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/services.js';
import type { Config } from '../../runtime/config.js';
import { requestContext } from '../request-context.js';
import { authenticatedSchema, problems } from '../schemas.js';
import { answerSignIn } from '../sign-in-answer.js';
import { rememberDeviceIfAsked } from '../device-cookie.js';

const challengeInput = z.string().min(1).max(256);
const rememberedSchema = authenticatedSchema.extend({ device_token: z.string().optional() });

export async function challengeRoutes(
  app: FastifyInstance,
  opts: { services: Services; config: Readonly<Config> },
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services, config } = opts;

  r.post('/v1/auth/login/verify', {
    schema: {
      tags: ['auth'],
      summary: 'Finish a sign-in with the code from the authenticator app or the text message',
      body: z.object({ challenge: challengeInput, code: z.string().max(32), remember_device: z.boolean().optional() }),
      response: { 200: rememberedSchema, ...problems(400, 401, 410, 429) },
    },
    handler: async (req, reply) => {
      const ctx = requestContext(req);
      const a = await services.challenges.verify(req.body.challenge, req.body.code, ctx);
      const extra = await rememberDeviceIfAsked(reply, services, config.secure, a, req.body.remember_device, ctx);
      return answerSignIn(reply, services, config, a.client, a, 200, extra);
    },
  });

  r.post('/v1/auth/login/recover', {
    schema: {
      tags: ['auth'],
      summary: "Can't access two-factor device: sign in with the recovery code (turns 2FA off)",
      body: z.object({
        challenge: challengeInput,
        recovery_code: z.string().max(64),
        remember_device: z.boolean().optional(),
      }),
      response: { 200: rememberedSchema.extend({ mfa_disabled: z.literal(true) }), ...problems(400, 401, 410, 429) },
    },
    handler: async (req, reply) => {
      const ctx = requestContext(req);
      const a = await services.challenges.recover(req.body.challenge, req.body.recovery_code, ctx);
      const extra = await rememberDeviceIfAsked(reply, services, config.secure, a, req.body.remember_device, ctx);
      return answerSignIn(reply, services, config, a.client, a, 200, { mfa_disabled: true, ...extra });
    },
  });

  r.post('/v1/auth/login/resend', {
    schema: {
      tags: ['auth'],
      summary: 'Send a new SMS code for a sign-in (SMS only; 30 s between sends)',
      body: z.object({ challenge: challengeInput }),
      response: { 202: z.object({ expires_at: z.string() }), ...problems(400, 410, 429) },
    },
    handler: async (req, reply) => {
      const out = await services.challenges.resend(req.body.challenge, requestContext(req));
      return reply.status(202).send(out);
    },
  });
}
