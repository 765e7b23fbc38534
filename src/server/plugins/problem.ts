// The one place that turns errors into RFC 9457 problem+json. Every refusal carries a stable
// `code` from the catalogue; a 5xx never leaks internals (the cause goes to the log only).
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, ERRORS, isAppError, type ErrorCode } from '../../core/errors.js';

export function problemType(code: ErrorCode): string {
  return `urn:twofold:problem:${code}`;
}

export function sendProblem(reply: FastifyReply, req: FastifyRequest, err: AppError): FastifyReply {
  if (err.retryAfter !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(err.retryAfter))));
  return reply
    .status(err.status)
    .type('application/problem+json')
    .send({
      type: problemType(err.code),
      title: ERRORS[err.code].title,
      status: err.status,
      detail: err.message,
      code: err.code,
      instance: req.url.split('?')[0],
      ...(err.extra ?? {}),
    });
}

const DB_DOWN = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  '08006',
  '08001',
  '08003',
  'SQLITE_BUSY',
]);

function isDatabaseUnavailable(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  if (typeof code === 'string' && DB_DOWN.has(code)) return true;
  const msg = e instanceof Error ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    msg,
  );
}

export function toAppError(error: unknown): AppError {
  if (isAppError(error)) return error;
  const e = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(e)) {
    const errors = e.validation.map((v) => ({ path: v.instancePath || '/', message: v.message ?? 'invalid' }));
    const where = e.validationContext ?? 'body';
    return new AppError(
      'validation_failed',
      `The ${where} is not valid: ${errors.map((x) => `${x.path} ${x.message}`).join('; ')}`.slice(0, 500),
      {
        extra: { errors },
      },
    );
  }
  switch (e?.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid_json', 'The body must be a JSON document.');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('payload_too_large', 'The body is larger than 64 KiB.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('unsupported_media_type', 'Send the body as application/json.');
    case 'FST_ERR_VALIDATION':
      return new AppError('validation_failed', 'The request is not valid.');
  }
  if (e instanceof SyntaxError) return new AppError('invalid_json', 'The body must be a JSON document.');
  // PostgreSQL refuses NUL and unencodable characters in text (SQLite stores them): a NUL in an id
  // is bad input, not a server fault (the refused statement changed nothing).
  if (e?.code === '22021' || e?.code === '22P05')
    return new AppError('bad_request', 'The request contains characters that are not allowed.');
  if (isDatabaseUnavailable(error))
    return new AppError('service_unavailable', 'The database is unreachable. Try again shortly.', { retryAfter: 5 });
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    if (status === 404) return new AppError('not_found');
    if (status === 405) return new AppError('method_not_allowed');
    if (status === 413) return new AppError('payload_too_large', 'The body is larger than 64 KiB.');
    if (status === 415) return new AppError('unsupported_media_type', 'Send the body as application/json.');
    return new AppError('bad_request', 'The request could not be read.');
  }
  return new AppError(
    'internal_error',
    'Something went wrong on our side. Try again; if it keeps failing, contact the operator.',
    { cause: error },
  );
}

/**
 * A driver's error code (ECONNREFUSED, 57P01, …) for the outage log, and nothing else: a value
 * that is not a short identifier is dropped, so no message, parameter or secret reaches the log.
 */
function errorCodeOf(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' && /^[A-Za-z0-9_]{1,32}$/.test(code) ? code : undefined;
}

export function registerProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error, req, reply) => {
    const err = toAppError(error);
    // An outage (503) is logged once per request without a stack: the cause is known and floods otherwise.
    if (err.status === 503)
      req.log.warn({ code: err.code, cause: errorCodeOf(err.cause) ?? errorCodeOf(error) }, 'dependency unavailable');
    else if (err.status >= 500) req.log.error({ err: error }, 'request failed');
    else req.log.info({ code: err.code }, 'request refused');
    return sendProblem(reply, req, err);
  });
  app.setNotFoundHandler((req, reply) =>
    sendProblem(reply, req, new AppError('not_found', `No route ${req.method} ${req.url.split('?')[0]}.`)),
  );
}
