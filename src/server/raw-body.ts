// JSON bodies are parsed from the raw bytes, which are kept on the request: a signed request's
// Content-Digest (RFC 9530) must be checked against exactly the bytes that were sent.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody: Buffer | null;
  }
}

export function registerRawJsonParser(app: FastifyInstance): void {
  app.decorateRequest('rawBody', null);
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
    const buf = body;
    req.rawBody = buf;
    if (buf.length === 0) return done(null, undefined);
    try {
      // Reject prototype-pollution keys the way Fastify's own parser does.
      const parsed: unknown = JSON.parse(buf.toString('utf8'), (k, v: unknown) => (k === '__proto__' || k === 'constructor' ? undefined : v));
      done(null, parsed);
    } catch {
      done(new AppError('invalid_json', 'The body must be a JSON document.'), undefined);
    }
  });
}
