// The one way the portal talks to the server: same-origin fetch with the session cookie. The
// browser adds `Origin` to these requests, which is what the server's CSRF check wants. Errors are
// RFC 9457 problems with a stable `code`; they come back as ApiError.

import { navigate } from './router';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from Retry-After, when the server sent it. */
    readonly retryAfter: number | null,
    /** The problem's own members beyond the RFC 9457 ones (e.g. a limit), when it has any. */
    readonly extra: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Fired when an account call answers 401: the session has ended (elsewhere, or timed out). */
export const SIGNED_OUT_EVENT = 'twofold:signed-out';
/** A call was refused because the operator requires 2FA, while the Two-factor page is open. */
export const MFA_REQUIRED_EVENT = 'twofold:mfa-required';

function parseRetryAfter(value: string | null): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(1, Math.ceil((at - Date.now()) / 1000));
}

const STANDARD_MEMBERS = new Set(['type', 'title', 'status', 'detail', 'instance', 'code']);

/** `signal` aborts the request (a page that is left); the promise then rejects with its AbortError. */
export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      signal: signal ?? null,
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'network_error', 'Twofold could not be reached. Check your connection and try again.', null);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const problem = (data ?? {}) as { code?: unknown; detail?: unknown; title?: unknown };
    const code = typeof problem.code === 'string' ? problem.code : res.status === 404 ? 'not_found' : 'http_error';
    const detail =
      typeof problem.detail === 'string'
        ? problem.detail
        : typeof problem.title === 'string'
          ? problem.title
          : `The server answered ${res.status}.`;
    if (res.status === 401 && code === 'unauthorized' && path.startsWith('/v1/me')) {
      window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
    }
    // The operator requires 2FA (TWOFOLD_REQUIRE_2FA): this session may only set it up, so the
    // portal walks it straight into the Turn On wizard.
    // On that page already (where sign-in lands), the page opens the wizard itself.
    if (res.status === 403 && code === 'mfa_setup_required') {
      if (location.pathname !== '/account/two-factor')
        navigate('/account/two-factor', { replace: true, flash: 'mfa-required' });
      else window.dispatchEvent(new Event(MFA_REQUIRED_EVENT));
    }
    const extra =
      typeof data === 'object' && data !== null && !Array.isArray(data)
        ? Object.fromEntries(Object.entries(data).filter(([name]) => !STANDARD_MEMBERS.has(name)))
        : {};
    throw new ApiError(res.status, code, detail, parseRetryAfter(res.headers.get('retry-after')), extra);
  }
  return data as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>('GET', path, undefined, signal);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
