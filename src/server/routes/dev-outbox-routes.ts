// GET /dev/outbox.json: the development outbox (src/adapters/outbox/dev-outbox.ts) for the portal's
// /dev/outbox page. Registered only while the outbox is on (development, mails and texts logged
// instead of sent, loopback listener); otherwise the path answers 404 like any unknown one.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DevOutbox } from '../../adapters/outbox/dev-outbox.js';

export const DEV_OUTBOX_JSON = '/dev/outbox.json';

const entrySchema = z.object({
  id: z.number().int(),
  kind: z.enum(['mail', 'sms']),
  at: z.string(),
  to: z.string(),
  subject: z.string().nullable(),
  text: z.string(),
});

export async function devOutboxRoutes(app: FastifyInstance, opts: { outbox: DevOutbox }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(DEV_OUTBOX_JSON, {
    schema: {
      tags: ['development'],
      summary:
        'Development only: the last 50 mails and text messages, newest first (404 in production or with real mail or SMS)',
      response: { 200: z.object({ capacity: z.number().int(), messages: z.array(entrySchema) }) },
    },
    handler: async (_req, reply) => {
      // Links and codes: never cached by the browser or a proxy.
      reply.header('cache-control', 'no-store');
      return { capacity: opts.outbox.capacity, messages: opts.outbox.list() };
    },
  });
}
