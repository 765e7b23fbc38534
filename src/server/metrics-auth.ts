// GET /metrics behind a bearer token when TWOFOLD_METRICS_TOKEN is set: the figures (sign-in
// outcomes, request counts) tell an outsider how the service is used and when it is under attack.
// The token is compared in constant time; a refusal is a 401 problem with a Bearer challenge
// (RFC 6750 §3). Unset, the endpoint stays open, for a scraper on a private network.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { sendProblem } from './plugins/problem.js';

// Both sides are hashed first so that the comparison takes the same time whatever the lengths.
const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/** True when `header` is `Bearer <token>` (scheme case-insensitive, RFC 7235 §2.1). */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(header ?? '');
  const offered = digest(m ? m[1]! : '');
  return timingSafeEqual(offered, digest(token)) && m !== null;
}

/** A preHandler refusing requests without the metrics token; undefined when no token is set. */
export function metricsGuard(
  token: string | undefined,
): ((req: FastifyRequest, reply: FastifyReply) => Promise<void>) | undefined {
  if (token === undefined) return undefined;
  return async (req, reply) => {
    if (bearerMatches(req.headers.authorization, token)) return;
    reply.header('www-authenticate', 'Bearer realm="metrics"');
    await sendProblem(
      reply,
      req,
      new AppError('unauthorized', 'The metrics need Authorization: Bearer with the metrics token.'),
    );
  };
}
