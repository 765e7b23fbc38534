// Operations: liveness, readiness (the database answers with a schema not behind this build, and we
// are not draining), metrics, and the OpenAPI document generated from the route schemas.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../core/errors.js';
import type { Storage } from '../../core/ports/stores.js';
import type { Metrics } from '../plugins/metrics.js';
import { metricsGuard } from '../metrics-auth.js';

export interface OpsOptions {
  storage: Storage;
  metrics: Metrics;
  isDraining: () => boolean;
  /** Why the database schema is missing or behind this build, or null (storage/schema-version.ts). */
  schemaProblem: () => Promise<string | null>;
  /** TWOFOLD_METRICS_TOKEN: when set, /metrics needs it as a bearer token. */
  metricsToken?: string | undefined;
}

/** `p`, or a rejection after 2 s: a hung database is as unready as a down one. */
function within<T>(p: Promise<T>): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
  ]);
}

export async function opsRoutes(app: FastifyInstance, opts: OpsOptions): Promise<void> {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'The process is up' } }, async () => ({
    status: 'ok',
  }));

  const summary = 'The database is reachable and its schema is not behind this version';
  app.get('/readyz', { schema: { tags: ['operations'], summary } }, async () => {
    if (opts.isDraining()) throw new AppError('service_unavailable', 'Shutting down.');
    let problem: string | null;
    try {
      await within(opts.storage.ping());
      problem = await within(opts.schemaProblem());
    } catch {
      throw new AppError('service_unavailable', 'The database is unreachable.', { retryAfter: 5 });
    }
    // Not ready until `twofold migrate` ran: the detail names the step (no retry would fix it).
    if (problem) throw new AppError('service_unavailable', `The database is not ready: ${problem}.`);
    return { status: 'ready' };
  });

  const guard = metricsGuard(opts.metricsToken);
  app.get('/metrics', { schema: { hide: true }, ...(guard ? { preHandler: guard } : {}) }, async (_req, reply) => {
    reply.type(opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });

  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
