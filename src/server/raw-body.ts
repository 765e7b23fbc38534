// JSON bodies are parsed from the raw bytes, which are kept on the request: a signed request's
// Content-Digest (RFC 9530) must be checked against exactly the bytes that were sent. Every body
// is read through readBounded, so one over the limit is read and discarded before its 413 goes
// out (bounded-body.ts says why), whatever its route or content type.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../core/errors.js';
import { BODY_LIMIT, drainRest, readBounded, type BoundedBody } from './bounded-body.js';

declare module 'fastify' {
  interface FastifyRequest {
    rawBody: Buffer | null;
  }
}

type Done = (err: Error | null, body?: unknown) => void;

const tooLarge = (): AppError => new AppError('payload_too_large', 'The body is larger than 64 KiB.');

/** Reads a body within the limit; answers null after `done` was told of a refusal. */
async function bytesOf(req: FastifyRequest, payload: NodeJS.ReadableStream, done: Done): Promise<Buffer | null> {
  let r: BoundedBody;
  try {
    r = await readBounded(payload as never, req.headers, BODY_LIMIT);
  } catch (e) {
    done(e as Error);
    return null;
  }
  if (r.kind === 'too_large') {
    done(tooLarge());
    return null;
  }
  return r.bytes;
}

export function registerRawJsonParser(app: FastifyInstance): void {
  app.decorateRequest('rawBody', null);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', (req: FastifyRequest, payload: NodeJS.ReadableStream, done: Done) => {
    void bytesOf(req, payload, done).then((buf) => {
      if (buf === null) return;
      req.rawBody = buf;
      if (buf.length === 0) return done(null, undefined);
      try {
        // Reject prototype-pollution keys the way Fastify's own parser does.
        const parsed: unknown = JSON.parse(buf.toString('utf8'), (k, v: unknown) =>
          k === '__proto__' || k === 'constructor' ? undefined : v,
        );
        done(null, parsed);
      } catch {
        done(new AppError('invalid_json', 'The body must be a JSON document.'), undefined);
      }
    });
  });
  // Any other content type (or a body without one) is refused, once its bytes are read: a 415
  // sent mid-upload would reach the client as a cut connection just like a 413.
  app.addContentTypeParser('*', (req: FastifyRequest, payload: NodeJS.ReadableStream, done: Done) => {
    void bytesOf(req, payload, done).then((buf) => {
      if (buf !== null) done(new AppError('unsupported_media_type', 'Send the body as application/json.'));
    });
  });
  // Answers given before any parser ran (a malformed Content-Type header, a body on a route that
  // reads none) wait for the rest of the body too; an answer that closes the connection does not.
  // A callback hook: the common case (the body was read) costs no promise.
  app.addHook('onSend', (req, reply, payload, done) => {
    const raw = req.raw;
    // `complete` is false only while bytes are still on their way (undefined under inject()).
    if (raw.complete !== false || raw.readableEnded || raw.destroyed || reply.getHeader('connection') === 'close')
      return done(null, payload);
    void drainRest(raw, req.headers).then((ended) => {
      if (!ended) reply.header('connection', 'close');
      done(null, payload);
    });
  });
}
