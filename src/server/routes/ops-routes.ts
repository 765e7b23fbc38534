// Operations: liveness, readiness (the database answers, and we are not draining), metrics, and the
// OpenAPI document generated from the route schemas.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../core/errors.js';
import type { Storage } from '../../core/ports/stores.js';
import type { Metrics } from '../plugins/metrics.js';
import { metricsGuard } from '../metrics-auth.js';

export interface OpsOptions {
  storage: Storage;
  metrics: Metrics;
  isDraining: () => boolean;
  /** TWOFOLD_METRICS_TOKEN: when set, /metrics needs it as a bearer token. */
  metricsToken?: string | undefined;
}

export async function opsRoutes(app: FastifyInstance, opts: OpsOptions): Promise<void> {
  app.get('/healthz', { schema: { tags: ['operations'], summary: 'The process is up' } }, async () => ({
    status: 'ok',
  }));

  app.get('/readyz', { schema: { tags: ['operations'], summary: 'The database is reachable' } }, async () => {
    if (opts.isDraining()) throw new AppError('service_unavailable', 'Shutting down.');
    try {
      await Promise.race([
        opts.storage.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2000).unref()),
      ]);
    } catch {
      throw new AppError('service_unavailable', 'The database is unreachable.', { retryAfter: 5 });
    }
    return { status: 'ready' };
  });

  const guard = metricsGuard(opts.metricsToken);
  app.get('/metrics', { schema: { hide: true }, ...(guard ? { preHandler: guard } : {}) }, async (_req, reply) => {
    reply.type(opts.metrics.registry.contentType);
    return opts.metrics.registry.metrics();
  });

  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
