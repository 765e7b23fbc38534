// Signing in with a passkey: alone (a discoverable credential, user verification required), or
// as the second step of a password sign-in (shared/API.md, "Passkeys (WebAuthn)").
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/services.js';
import type { Config } from '../../runtime/config.js';
import { rememberDeviceIfAsked } from '../device-cookie.js';
import { requestContext } from '../request-context.js';
import { authenticatedSchema, clientSchema, problems } from '../schemas.js';
import { answerSignIn } from '../sign-in-answer.js';
import { webauthnOptionsSchema, webauthnResponseInput } from './passkey-routes.js';

const challengeInput = z.string().min(1).max(256);
const rememberedSchema = authenticatedSchema.extend({ device_token: z.string().optional() });

export async function passkeyAuthRoutes(
  app: FastifyInstance,
  opts: { services: Services; config: Readonly<Config>; onSignIn?: (outcome: 'success' | 'failure') => void },
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services, config } = opts;

  r.post('/v1/auth/passkey/options', {
    schema: {
      tags: ['auth'],
      summary: 'Start a sign-in with a passkey: request options for a discoverable credential (no email asked)',
      body: z.object({}).optional(),
      response: { 200: webauthnOptionsSchema, ...problems(400, 409) },
    },
    handler: async () => services.passkeySignIn.options(),
  });

  r.post('/v1/auth/passkey', {
    schema: {
      tags: ['auth'],
      summary: 'Sign in with a passkey; a refusal counts as a wrong code for the account it names',
      body: z.object({ response: webauthnResponseInput, client: clientSchema }),
      response: { 200: authenticatedSchema, ...problems(400, 401, 409, 429) },
    },
    handler: async (req, reply) => {
      try {
        const a = await services.passkeySignIn.signIn(req.body.response, req.body.client, requestContext(req));
        opts.onSignIn?.('success');
        return await answerSignIn(reply, services, config, a.client, a, 200);
      } catch (e) {
        opts.onSignIn?.('failure');
        throw e;
      }
    },
  });

  r.post('/v1/auth/login/passkey/options', {
    schema: {
      tags: ['auth'],
      summary: "Answer a sign-in's second step with a passkey: request options limited to the account's passkeys",
      body: z.object({ challenge: challengeInput }),
      response: { 200: webauthnOptionsSchema, ...problems(400, 409, 410, 429) },
    },
    handler: async (req) => services.passkeySecondFactor.options(req.body.challenge),
  });

  r.post('/v1/auth/login/passkey', {
    schema: {
      tags: ['auth'],
      summary: 'Finish a sign-in with a passkey as the second factor; a refusal counts as a wrong code',
      body: z.object({
        challenge: challengeInput,
        response: webauthnResponseInput,
        remember_device: z.boolean().optional(),
      }),
      response: { 200: rememberedSchema, ...problems(400, 401, 409, 410, 429) },
    },
    handler: async (req, reply) => {
      const ctx = requestContext(req);
      const a = await services.passkeySecondFactor.answer(req.body.challenge, req.body.response, ctx);
      const extra = await rememberDeviceIfAsked(reply, services, config.secure, a, req.body.remember_device, ctx);
      return answerSignIn(reply, services, config, a.client, a, 200, extra);
    },
  });
}
