// Google Sign-In (shared/API.md, issue 6): GET /v1/auth/google starts it, GET
// /v1/auth/google/callback finishes it; both are browser navigations, so every outcome is a
// redirect to the portal (`/`, `/login?challenge=…` or `/login?error=…`), never a JSON error or a
// 500. GET /v1/auth/providers tells the portal whether to show the button; DELETE /v1/me/google
// unlinks.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError, isAppError } from '../../core/errors.js';
import type { Services } from '../../services/services.js';
import type { Config } from '../../runtime/config.js';
import { clearOauthCookie, readOauthCookie, setOauthCookie } from '../oauth-cookie.js';
import { requireSession } from '../plugins/auth.js';
import { requestContext } from '../request-context.js';
import { passwordInput, problems } from '../schemas.js';
import { setSessionCookie } from '../session-cookie.js';

export interface GoogleRouteOptions {
  services: Services;
  config: Readonly<Config>;
  onSignIn?: (outcome: 'success' | 'failure' | 'mfa_required') => void;
}

const notConfigured = () => new AppError('not_found', 'Google Sign-In is not configured on this server.');

export async function googleRoutes(app: FastifyInstance, opts: GoogleRouteOptions): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services, config } = opts;
  const google = services.google;

  const toSignInPage = (reply: FastifyReply, params: Record<string, string>) =>
    reply.redirect(`/login?${new URLSearchParams(params).toString()}`, 302);

  r.get('/v1/auth/providers', {
    schema: {
      tags: ['auth'],
      summary: 'Which sign-in providers this server offers (the portal shows "Sign in with Google" only when true)',
      response: { 200: z.object({ google: z.boolean() }) },
    },
    handler: async () => ({ google: google.enabled }),
  });

  r.get('/v1/auth/google', {
    schema: {
      tags: ['auth'],
      summary: 'Start Google Sign-In: 302 to Google with state, nonce and PKCE S256 (404 when not configured)',
      response: problems(404),
    },
    handler: async (req, reply) => {
      if (!google.enabled) throw notConfigured();
      const started = await google.start();
      if (!started.ok) return toSignInPage(reply, { error: started.error });
      setOauthCookie(reply, config.secure, started.pending);
      return reply.redirect(started.url, 302);
    },
  });

  r.get('/v1/auth/google/callback', {
    schema: {
      tags: ['auth'],
      summary:
        'Google redirects back here: signs in (302 to /), asks for the second factor (302 to /login?challenge=…), or 302 to /login?error=…',
      response: problems(404),
    },
    handler: async (req, reply) => {
      if (!google.enabled) throw notConfigured();
      // Single use: whatever happens next, this browser's pending sign-in is over.
      const pending = readOauthCookie(req, config.secure);
      clearOauthCookie(reply, config.secure);
      const callbackUrl = new URL(req.url, config.publicUrl);
      try {
        const out = await google.finish(callbackUrl, pending, requestContext(req));
        if (out.status === 'refused') {
          opts.onSignIn?.('failure');
          return toSignInPage(reply, { error: out.error });
        }
        if (out.status === 'mfa_required') {
          opts.onSignIn?.('mfa_required');
          return toSignInPage(reply, {
            challenge: out.challenge,
            method: out.method,
            methods: out.methods.join(','),
            ...(out.phone_hint ? { phone_hint: out.phone_hint } : {}),
          });
        }
        opts.onSignIn?.('success');
        setSessionCookie(reply, config.secure, out.token, config.sessions.absoluteWebMs);
        return reply.redirect('/', 302);
      } catch (e) {
        // A refusal of ours (e.g. the second-factor lock) keeps its code; anything else is logged.
        opts.onSignIn?.('failure');
        if (isAppError(e)) return toSignInPage(reply, { error: e.code });
        req.log.error({ err: e }, 'google sign-in callback failed');
        return toSignInPage(reply, { error: 'google_failed' });
      }
    },
  });

  r.delete('/v1/me/google', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['account'],
      summary: 'Unlink Google Sign-In (the account must have a password: 409 password_required otherwise)',
      body: z.object({ password: passwordInput }),
      response: { 200: z.object({ google_linked: z.literal(false) }), ...problems(400, 401, 403, 409, 429) },
    },
    handler: async (req) => {
      const p = requireSession(req);
      await google.unlink(p.user, req.body.password, requestContext(req));
      return { google_linked: false as const };
    },
  });
}
