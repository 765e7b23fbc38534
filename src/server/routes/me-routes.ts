// /v1/me: the signed-in account, its sessions and its security log.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../core/errors.js';
import type { Services } from '../../services/services.js';
import { accountView } from '../../services/user-view.js';
import type { Config } from '../../runtime/config.js';
import { requirePrincipal, requireSession } from '../plugins/auth.js';
import { requestContext } from '../request-context.js';
import { passwordInput, problems, userSchema } from '../schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

const sessionSchema = z.object({
  id: z.string(),
  current: z.boolean(),
  client: z.enum(['web', 'app', 'cli']),
  created_at: z.string(),
  last_seen_at: z.string(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
});

const eventSchema = z
  .object({
    id: z.number(),
    type: z.string(),
    at: z.string(),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
  })
  .catchall(z.unknown());

/** `GET /v1/me` also says the account's limits, so a client can show them before reaching one. */
const meSchema = userSchema.extend({ limits: z.object({ access_keys: z.number().int() }) });

export async function meRoutes(
  app: FastifyInstance,
  opts: { services: Services; config: Readonly<Config> },
): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { services } = opts;
  const limits = { access_keys: opts.config.accessKeyLimit };

  r.get('/v1/me', {
    preHandler: app.authenticate.any,
    schema: { tags: ['account'], summary: 'The signed-in account', response: { 200: meSchema, ...problems(401) } },
    handler: async (req) => ({ ...accountView(requirePrincipal(req)), limits }),
  });

  r.get('/v1/me/sessions', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['sessions'],
      summary: 'Signed-in devices',
      response: { 200: z.array(sessionSchema), ...problems(401) },
    },
    handler: async (req) => {
      const p = requirePrincipal(req);
      const currentId = p.kind === 'session' ? p.session.id : null;
      const list = await services.sessions.list(p.user.id);
      return list.map((s) => ({
        id: s.id,
        current: s.id === currentId,
        client: s.client,
        created_at: iso(s.createdAt),
        last_seen_at: iso(s.lastSeenAt),
        ip: s.ip,
        user_agent: s.userAgent,
      }));
    },
  });

  r.delete('/v1/me/sessions/:id', {
    preHandler: app.authenticate.any,
    schema: { tags: ['sessions'], summary: 'End one session', params: z.object({ id: z.string().min(1).max(64) }) },
    handler: async (req, reply) => {
      const p = requirePrincipal(req);
      const ended = await services.sessions.end(p.user.id, req.params.id);
      if (!ended) throw new AppError('not_found', 'No such session.');
      await services.events.record(p.user.id, 'session.ended', requestContext(req), { session_id: req.params.id });
      return reply.status(204).send();
    },
  });

  r.delete('/v1/me/sessions', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['sessions'],
      summary: 'End every other session',
      response: { 200: z.object({ ended: z.number() }), ...problems(401, 403) },
    },
    handler: async (req) => {
      const p = requireSession(req);
      const ended = await services.sessions.endAll(p.user.id, p.session.id);
      await services.events.record(p.user.id, 'sessions.ended_others', requestContext(req), { count: ended });
      return { ended };
    },
  });

  r.get('/v1/me/events', {
    preHandler: app.authenticate.any,
    schema: {
      tags: ['account'],
      summary: 'The security log, newest first',
      querystring: z.object({
        limit: z.coerce.number().int().min(1).max(100).default(50),
        before: z.coerce.number().int().min(1).optional(),
      }),
      response: { 200: z.array(eventSchema), ...problems(400, 401) },
    },
    handler: async (req, reply) => {
      const p = requirePrincipal(req);
      const { limit, before } = req.query;
      const events = await services.events.list(p.user.id, limit, before);
      const last = events.at(-1);
      if (events.length === limit && last)
        reply.header('link', `</v1/me/events?limit=${limit}&before=${last.id}>; rel="next"`);
      return events.map((e) => ({
        ...(e.data ?? {}),
        id: e.id,
        type: e.type,
        at: iso(e.at),
        ip: e.ip,
        user_agent: e.userAgent,
      }));
    },
  });

  r.post('/v1/me/password', {
    preHandler: app.authenticate.sessionOnly,
    schema: {
      tags: ['account'],
      summary: 'Change the password (ends every other session)',
      body: z.object({ current_password: passwordInput, new_password: passwordInput }),
      response: { 200: z.object({ status: z.literal('password_changed') }), ...problems(400, 401, 403, 422, 429) },
    },
    handler: async (req) => {
      const p = requireSession(req);
      await services.accounts.changePassword(
        p.user,
        req.body.current_password,
        req.body.new_password,
        p.session.id,
        requestContext(req),
      );
      return { status: 'password_changed' as const };
    },
  });
}
