// Request bodies within a limit, and the polite way to refuse a larger one. A server that answers
// 413 (RFC 9110 §15.5.14) and closes while the client is still sending makes the client see
// EPIPE/ECONNRESET instead of the answer, so a body over the limit is read to its end and thrown
// away (counted, never buffered) before the answer goes out, up to DRAIN_LIMIT bytes; past that
// the connection is closed (RFC 9112 §9.6 lets a server close after answering).
import type { Readable } from 'node:stream';

/** The largest body the API reads (shared/API.md). */
export const BODY_LIMIT = 64 * 1024;

/** Bytes of an oversized body read and discarded before the server gives up and closes. */
export const DRAIN_LIMIT = 10 * 1024 * 1024;

export type BoundedBody =
  | { kind: 'body'; bytes: Buffer }
  /** Over the limit; `drained` says whether the whole body was read (else the connection must close). */
  | { kind: 'too_large'; drained: boolean };

function declaredLength(headers: Record<string, string | string[] | undefined>): number | undefined {
  const v = headers['content-length'];
  const n = typeof v === 'string' ? Number(v) : NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Reads `stream` (a request) into one Buffer when it holds at most `limit` bytes. A longer body is
 * counted to its end and discarded; one that declares or reaches more than `drainLimit` bytes is
 * abandoned with the stream paused, so its connection can be closed after the answer.
 */
export function readBounded(
  stream: Readable,
  headers: Record<string, string | string[] | undefined>,
  limit: number,
  drainLimit = DRAIN_LIMIT,
): Promise<BoundedBody> {
  const declared = declaredLength(headers);
  if (declared !== undefined && declared > drainLimit) return Promise.resolve({ kind: 'too_large', drained: false });
  if (stream.readableEnded) return Promise.resolve({ kind: 'body', bytes: Buffer.alloc(0) });
  if (stream.destroyed)
    return Promise.reject(Object.assign(new Error('The request was closed before its end.'), { statusCode: 400 }));
  return new Promise<BoundedBody>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (outcome: BoundedBody | Error): void => {
      stream.removeListener('data', onData);
      stream.removeListener('end', onEnd);
      stream.removeListener('error', onError);
      stream.removeListener('close', onClose);
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    const onData = (chunk: Buffer | string): void => {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      received += buf.length;
      if (received > drainLimit) {
        // Stop reading: the rest stays on the wire and the connection closes after the answer.
        stream.pause();
        finish({ kind: 'too_large', drained: false });
        return;
      }
      // Past the limit only the count grows; the bytes are dropped as they arrive.
      if (received <= limit) chunks.push(buf);
      else chunks.length = 0;
    };
    const onEnd = (): void =>
      finish(
        received <= limit
          ? { kind: 'body', bytes: Buffer.concat(chunks, received) }
          : { kind: 'too_large', drained: true },
      );
    const onError = (err: Error): void => finish(Object.assign(err, { statusCode: 400 }));
    const onClose = (): void =>
      finish(Object.assign(new Error('The client closed the request before its end.'), { statusCode: 400 }));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    stream.resume();
  });
}

/** Reads and discards what is left of a request body, up to `drainLimit` bytes; true when it ended. */
export async function drainRest(
  stream: Readable,
  headers: Record<string, string | string[] | undefined>,
  drainLimit = DRAIN_LIMIT,
): Promise<boolean> {
  try {
    const r = await readBounded(stream, headers, 0, drainLimit);
    return r.kind === 'body' || r.drained;
  } catch {
    return false;
  }
}
