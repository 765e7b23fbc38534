// The one error a TwofoldClient call throws: a refusal from the server (its RFC 9457 problem),
// an answer that is not Twofold's, or a network failure (status 0, code `network_error`).

export interface TwofoldApiErrorInit {
  status: number;
  code: string;
  title: string;
  detail: string;
  /** `METHOD /path` of the call that failed. */
  request: string;
  endpoint: string;
  /** Seconds, from Retry-After. */
  retryAfter?: number;
  /** The server's clock (its Date header), when it answered: helps tell a skewed local clock. */
  serverTimeMs?: number;
  /** For network errors: the system code (ECONNREFUSED, ENOTFOUND, ETIMEDOUT…). */
  reason?: string;
  /** The whole problem body (extra members such as `errors`). */
  problem?: Record<string, unknown>;
  cause?: unknown;
}

export class TwofoldApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly request: string;
  readonly endpoint: string;
  readonly retryAfter: number | undefined;
  readonly serverTimeMs: number | undefined;
  readonly reason: string | undefined;
  readonly problem: Record<string, unknown> | undefined;

  constructor(init: TwofoldApiErrorInit) {
    super(
      init.status === 0 ? init.detail : `${init.request}: ${init.status} ${init.code}: ${init.detail}`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.name = 'TwofoldApiError';
    this.status = init.status;
    this.code = init.code;
    this.title = init.title;
    this.detail = init.detail;
    this.request = init.request;
    this.endpoint = init.endpoint;
    this.retryAfter = init.retryAfter;
    this.serverTimeMs = init.serverTimeMs;
    this.reason = init.reason;
    this.problem = init.problem;
  }
}

export function isTwofoldApiError(e: unknown): e is TwofoldApiError {
  return e instanceof TwofoldApiError;
}

/** The system error code under fetch's `TypeError: fetch failed` (undici nests it in `cause`). */
export function networkReason(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
    const errors = (cur as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) {
      const inner = networkReason(errors[0]);
      if (inner) return inner;
    }
    cur = (cur as { cause?: unknown }).cause;
  }
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError')) return 'ETIMEDOUT';
  // No system code (e.g. undici's "bad port"): the innermost cause's message, kept short.
  let inner: unknown = e;
  while ((inner as { cause?: unknown })?.cause instanceof Error) inner = (inner as { cause: Error }).cause;
  return inner !== e && inner instanceof Error && inner.message ? inner.message.slice(0, 80) : undefined;
}
