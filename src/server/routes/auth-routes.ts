// /v1/auth: sign-up, sign-in, sign-out and password reset (shared/API.md).
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Authenticated } from '../../services/accounts.js';
import type { Services } from '../../services/services.js';
import type { Config } from '../../runtime/config.js';
import { requestContext } from '../request-context.js';
import {
  authenticatedSchema,
  clientSchema,
  emailInput,
  mfaRequiredSchema,
  passwordInput,
  problems,
} from '../schemas.js';
import { clearSessionCookie, readSessionCookie } from '../session-cookie.js';
import { answerSignIn } from '../sign-in-answer.js';
import { readDeviceCookie } from '../device-cookie.js';

export interface AuthRouteOptions {
  services: Services;
  config: Readonly<Config>;
  onSignIn?: (outcome: 'success' | 'failure' | 'mfa_required') => void;
}

export async function authRoutes(app: FastifyInstance, opts: AuthRouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services, config } = opts;

  const answerAuthenticated = (reply: FastifyReply, client: 'web' | 'app', a: Authenticated, status: number) =>
    answerSignIn(reply, services, config, client, a, status);

  r.post('/v1/auth/signup', {
    schema: {
      tags: ['auth'],
      summary: 'Create an account and sign in',
      body: z.object({ email: emailInput, password: passwordInput, client: clientSchema }),
      response: { 201: authenticatedSchema, ...problems(400, 409, 422, 429) },
    },
    handler: async (req, reply) => {
      const { email, password, client } = req.body;
      const a = await services.accounts.signup(email, password, client, requestContext(req));
      return answerAuthenticated(reply, client, a, 201);
    },
  });

  r.post('/v1/auth/login', {
    schema: {
      tags: ['auth'],
      summary: 'Sign in with email and password; with a second factor, answers a challenge',
      body: z.object({
        email: emailInput,
        password: passwordInput,
        client: clientSchema,
        // A remembered device's token (apps; the portal's is the twofold_device cookie).
        device_token: z.string().max(256).optional(),
      }),
      response: { 200: z.union([authenticatedSchema, mfaRequiredSchema]), ...problems(400, 401, 429) },
    },
    handler: async (req, reply) => {
      const { email, password, client } = req.body;
      const device = client === 'app' ? req.body.device_token : (readDeviceCookie(req) ?? req.body.device_token);
      try {
        const outcome = await services.signIn.withPassword(email, password, client, requestContext(req), device);
        opts.onSignIn?.(outcome.status === 'authenticated' ? 'success' : 'mfa_required');
        if (outcome.status === 'authenticated') return answerAuthenticated(reply, client, outcome, 200);
        return reply.status(200).send(outcome);
      } catch (e) {
        opts.onSignIn?.('failure');
        throw e;
      }
    },
  });

  r.post('/v1/auth/logout', {
    schema: { tags: ['auth'], summary: 'Sign out: the session ends on the server (204)' },
    handler: async (req, reply) => {
      const header = req.headers.authorization;
      const token =
        typeof header === 'string' && /^bearer\s/i.test(header)
          ? header.replace(/^bearer\s+/i, '').trim()
          : readSessionCookie(req, config.secure);
      if (token) {
        const found = await services.sessions.authenticate(token);
        if (found) await services.accounts.logout(found.user.id, found.session.id, requestContext(req));
      }
      clearSessionCookie(reply, config.secure);
      return reply.status(204).send();
    },
  });

  r.post('/v1/auth/password/forgot', {
    schema: {
      tags: ['auth'],
      summary: 'Mail a password reset link (answers 202 whether or not the email exists)',
      body: z.object({ email: emailInput }),
      response: { 202: z.object({ status: z.literal('accepted') }), ...problems(400) },
    },
    handler: async (req, reply) => {
      const ctx = requestContext(req);
      // Not awaited: the answer must not reveal, by its timing, whether the account exists.
      services.passwordReset
        .forgot(req.body.email, ctx)
        // Only the error's name and code: a mail error's message may quote what was being sent.
        .catch((err: unknown) => req.log.error({ cause: errorIdentity(err) }, 'password reset mail failed'));
      return reply.status(202).send({ status: 'accepted' });
    },
  });

  r.post('/v1/auth/password/reset', {
    schema: {
      tags: ['auth'],
      summary: 'Set a new password with the mailed token; ends every session and challenge, disables every access key',
      body: z.object({ token: z.string().max(256), password: passwordInput }),
      // `status` kept for clients of the earlier answer; `access_keys_disabled` is the contract's.
      response: {
        200: z.object({ status: z.literal('password_reset'), access_keys_disabled: z.number().int() }),
        ...problems(400, 410, 422),
      },
    },
    handler: async (req, reply) => {
      const done = await services.passwordReset.reset(req.body.token, req.body.password, requestContext(req));
      clearSessionCookie(reply, config.secure);
      return reply.status(200).send({ status: 'password_reset', access_keys_disabled: done.accessKeysDisabled });
    },
  });
}

/** An error's class and code (ECONNREFUSED, EAUTH), never its message. */
function errorIdentity(err: unknown): { name?: string; code?: string } {
  if (typeof err !== 'object' || err === null) return {};
  const { name, code } = err as { name?: unknown; code?: unknown };
  return { ...(typeof name === 'string' ? { name } : {}), ...(typeof code === 'string' ? { code } : {}) };
}
