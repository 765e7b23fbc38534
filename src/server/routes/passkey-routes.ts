// /v1/me/passkeys: add (options → response), list, rename and remove the account's passkeys
// (shared/API.md, "Passkeys (WebAuthn)"). Adding and removing need a session, never an access key.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services/services.js';
import { requirePrincipal, requireSession } from '../plugins/auth.js';
import { requestContext } from '../request-context.js';
import { passwordInput, problems } from '../schemas.js';

/** WebAuthn options as the browser takes them (PublicKeyCredential*OptionsJSON), passed through whole. */
export const webauthnOptionsSchema = z.looseObject({ challenge: z.string() });
/** The browser's credential as JSON (RegistrationResponseJSON / AuthenticationResponseJSON). */
export const webauthnResponseInput = z.looseObject({
  id: z.string().min(1).max(1024),
  rawId: z.string().max(1024).optional(),
  type: z.string().max(32),
  response: z.looseObject({ clientDataJSON: z.string().max(8192) }),
});

const nameInput = z.string().trim().min(1).max(64);
const passkeySchema = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string(),
  last_used_at: z.string().nullable(),
  backed_up: z.boolean(),
});
const idParams = z.object({ id: z.string().min(1).max(64) });

export async function passkeyRoutes(app: FastifyInstance, opts: { services: Services }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services } = opts;

  r.post('/v1/me/passkeys/options', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['passkeys'],
      summary: 'Start adding a passkey: WebAuthn creation options (challenge valid 5 minutes)',
      body: z.object({ password: passwordInput }),
      response: { 200: webauthnOptionsSchema, ...problems(400, 401, 403, 409, 429) },
    },
    handler: async (req) => {
      const p = requireSession(req);
      return services.passkeyRegistration.options(p.user, p.session.id, req.body.password, requestContext(req));
    },
  });

  r.post('/v1/me/passkeys', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['passkeys'],
      summary: "Finish adding a passkey with the authenticator's response; the first one brings a recovery code",
      body: z.object({ name: nameInput, response: webauthnResponseInput }),
      response: {
        201: passkeySchema.extend({ recovery_code: z.string().optional() }),
        ...problems(400, 401, 403, 409),
      },
    },
    handler: async (req, reply) => {
      const p = requireSession(req);
      const added = await services.passkeyRegistration.add(
        p.user,
        p.session.id,
        req.body.name,
        req.body.response,
        requestContext(req),
      );
      return reply.status(201).send(added);
    },
  });

  r.get('/v1/me/passkeys', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['passkeys'],
      summary: "The account's passkeys (never a key)",
      response: { 200: z.array(passkeySchema), ...problems(401) },
    },
    handler: async (req) => services.passkeys.list(requirePrincipal(req).user.id),
  });

  r.patch('/v1/me/passkeys/:id', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['passkeys'],
      summary: 'Rename a passkey',
      params: idParams,
      body: z.object({ name: nameInput }),
      response: { 200: passkeySchema, ...problems(400, 401, 404) },
    },
    handler: async (req) =>
      services.passkeys.rename(requirePrincipal(req).user.id, req.params.id, req.body.name, requestContext(req)),
  });

  r.delete('/v1/me/passkeys/:id', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['passkeys'],
      summary: 'Remove a passkey (password needed); forgets remembered devices',
      params: idParams,
      body: z.object({ password: passwordInput }),
    },
    handler: async (req, reply) => {
      await services.passkeys.remove(requireSession(req).user, req.params.id, req.body.password, requestContext(req));
      return reply.status(204).send();
    },
  });
}
