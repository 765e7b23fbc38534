import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../services/deps.js';

/** Who is asking; `req.ip` already honours TWOFOLD_TRUST_PROXY (Fastify's trustProxy). */
export function requestContext(req: FastifyRequest): RequestContext {
  const ua = req.headers['user-agent'];
  return { ip: req.ip ?? null, userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null };
}
