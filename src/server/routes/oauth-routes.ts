// The OAuth 2.0 device authorization grant's endpoints (RFC 8628) and the authorization server
// metadata (RFC 8414). They speak OAuth, not our JSON API: form bodies in, and errors as
// `{error, error_description}` JSON (RFC 6749 §5.2), so any OAuth client library can use them.
// Encapsulated: the form parser and the OAuth error handler apply to these routes only.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { DEVICE_CODE_GRANT_TYPE } from '../../core/device/grant.js';
import { isOAuthError, OAuthError } from '../../core/device/oauth-error.js';
import type { Services } from '../../services/services.js';
import { BODY_LIMIT, readBounded } from '../bounded-body.js';
import { sendProblem, toAppError } from '../plugins/problem.js';
import { requestContext } from '../request-context.js';

const FORM = 'application/x-www-form-urlencoded';
const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });
const formField = z.string().max(1024).optional();

function sendOAuthError(reply: FastifyReply, e: OAuthError): FastifyReply {
  // RFC 6749 §5.1: token answers (errors too) must not be cached.
  return reply
    .status(e.status)
    .header('cache-control', 'no-store')
    .type('application/json')
    .send({ error: e.error, error_description: e.description });
}

function assertForm(req: FastifyRequest): void {
  const type = req.headers['content-type'];
  if (typeof type !== 'string' || type.split(';')[0]!.trim().toLowerCase() !== FORM)
    throw new OAuthError('invalid_request', `Send the body as ${FORM} (RFC 6749 §4.1.3).`);
}

export async function oauthRoutes(app: FastifyInstance, opts: { services: Services; publicUrl: string }) {
  const { services, publicUrl } = opts;
  app.addContentTypeParser(FORM, (req, payload, done) => {
    void readBounded(payload, req.headers, BODY_LIMIT).then(
      (r) => {
        if (r.kind === 'too_large') return done(new OAuthError('invalid_request', 'The body is larger than 64 KiB.'));
        // A repeated parameter is refused, as RFC 6749 §3.1 asks of request parameters.
        const params = new URLSearchParams(r.bytes.toString('utf8'));
        const body: Record<string, string> = {};
        for (const [k, v] of params) {
          if (k in body) return done(new OAuthError('invalid_request', `${k} is sent more than once.`));
          body[k] = v;
        }
        done(null, body);
      },
      (e: unknown) => done(e as Error),
    );
  });
  app.setErrorHandler((error, req, reply) => {
    if (isOAuthError(error)) return sendOAuthError(reply, error);
    const err = toAppError(error);
    if (err.status >= 500) return sendProblem(reply, req, err);
    return sendOAuthError(reply, new OAuthError('invalid_request', err.message));
  });

  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/.well-known/oauth-authorization-server', {
    schema: {
      tags: ['oauth'],
      summary: 'Authorization server metadata (RFC 8414)',
      response: {
        200: z.object({
          issuer: z.string(),
          device_authorization_endpoint: z.string(),
          token_endpoint: z.string(),
          grant_types_supported: z.array(z.string()),
          response_types_supported: z.array(z.string()),
          token_endpoint_auth_methods_supported: z.array(z.string()),
        }),
      },
    },
    handler: async () => ({
      issuer: publicUrl,
      device_authorization_endpoint: `${publicUrl}/oauth/device_authorization`,
      token_endpoint: `${publicUrl}/oauth/token`,
      grant_types_supported: [DEVICE_CODE_GRANT_TYPE],
      // RFC 8414 §2 requires the member; there is no authorization endpoint, so no response type.
      response_types_supported: [],
      // Public clients (RFC 6749 §2.1): they identify with client_id and hold no secret.
      token_endpoint_auth_methods_supported: ['none'],
    }),
  });

  r.post('/oauth/device_authorization', {
    schema: {
      tags: ['oauth'],
      summary: 'Start a device authorization grant (RFC 8628 §3.1); form body',
      consumes: [FORM],
      body: z.object({ client_id: formField, scope: formField }).optional(),
      response: {
        200: z.object({
          device_code: z.string(),
          user_code: z.string(),
          verification_uri: z.string(),
          verification_uri_complete: z.string(),
          expires_in: z.number().int(),
          interval: z.number().int(),
        }),
        400: oauthErrorSchema,
        401: oauthErrorSchema,
      },
    },
    handler: async (req, reply) => {
      assertForm(req);
      const answer = await services.deviceGrants.start(req.body?.client_id, requestContext(req));
      return reply.header('cache-control', 'no-store').send(answer);
    },
  });

  r.post('/oauth/token', {
    schema: {
      tags: ['oauth'],
      summary: 'Poll for the device grant token (RFC 8628 §3.4); form body',
      consumes: [FORM],
      body: z.object({ grant_type: formField, device_code: formField, client_id: formField }).optional(),
      response: {
        200: z.object({ access_token: z.string(), token_type: z.literal('Bearer'), expires_in: z.number().int() }),
        400: oauthErrorSchema,
        401: oauthErrorSchema,
      },
    },
    handler: async (req, reply) => {
      assertForm(req);
      const body = req.body ?? {};
      if (!body.grant_type) throw new OAuthError('invalid_request', 'grant_type is required.');
      if (body.grant_type !== DEVICE_CODE_GRANT_TYPE)
        throw new OAuthError('unsupported_grant_type', `Only ${DEVICE_CODE_GRANT_TYPE} is supported.`);
      const token = await services.deviceGrants.poll(body.client_id, body.device_code);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(token);
    },
  });
}
