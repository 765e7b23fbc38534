// Signing a device in with the OAuth 2.0 device authorization grant (RFC 8628): the device asks
// for a code (startDeviceLogin), shows it to the person, and polls the token endpoint at the
// server's interval until they approve or deny it on the portal (pollDeviceLogin). Errors are
// TwofoldApiError: the OAuth `error` as `code` (access_denied, expired_token, …), or status 0
// `network_error`. A device's own admin panel built on this client does what `twofold login` does.
import { TwofoldApiError, networkReason } from './twofold-api-error.js';
import type { DeviceAuthorization, DeviceToken } from '../core/device/responses.js';

export type { DeviceAuthorization, DeviceToken };

export const DEVICE_CLIENT_ID = 'twofold-cli';
const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

export interface DeviceLoginOptions {
  /** The server's public URL. */
  endpoint: string;
  /** One of the server's TWOFOLD_DEVICE_CLIENTS; default `twofold-cli`. */
  clientId?: string;
  fetch?: typeof globalThis.fetch;
  userAgent?: string;
  /** Abort one request after this long; default 30 s. */
  timeoutMs?: number;
}

export interface PollOptions extends DeviceLoginOptions {
  /** Stops the polling with the signal's reason (Ctrl-C, a closed panel). */
  signal?: AbortSignal;
  /** Waits `ms`; tests pass one that moves no real time. Default: a timer the signal cancels. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called before each wait (e.g. to draw a spinner), with the seconds of the interval in force. */
  onWait?: (intervalSec: number) => void;
}

const trim = (endpoint: string) => endpoint.replace(/\/+$/, '');

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason as Error);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function postForm<T>(o: DeviceLoginOptions, path: string, fields: Record<string, string>, signal?: AbortSignal) {
  const endpoint = trim(o.endpoint);
  const request = `POST ${path}`;
  const timeout = AbortSignal.timeout(o.timeoutMs ?? 30_000);
  let res: Response;
  let text: string;
  try {
    res = await (o.fetch ?? globalThis.fetch)(`${endpoint}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        'user-agent': o.userAgent ?? 'twofold-client/0.1.0',
      },
      body: new URLSearchParams(fields).toString(),
      redirect: 'manual',
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    text = await res.text();
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    const reason = networkReason(e);
    throw new TwofoldApiError({
      status: 0,
      code: 'network_error',
      title: 'Network error',
      detail: `the Twofold server at ${endpoint} is not reachable${reason ? ` (${reason})` : ''}`,
      request,
      endpoint,
      cause: e,
      ...(reason ? { reason } : {}),
    });
  }
  let body: Record<string, unknown> | undefined;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = undefined;
  }
  if (res.ok && body) return body as T;
  const code = typeof body?.error === 'string' ? body.error : typeof body?.code === 'string' ? body.code : 'bad_answer';
  const detail =
    typeof body?.error_description === 'string'
      ? body.error_description
      : typeof body?.detail === 'string'
        ? body.detail
        : `the server answered ${res.status} without an OAuth answer`;
  throw new TwofoldApiError({ status: res.status, code, title: code, detail, request, endpoint });
}

/** RFC 8628 §3.1: asks the server for a device code and the user code to show. */
export function startDeviceLogin(o: DeviceLoginOptions): Promise<DeviceAuthorization> {
  return postForm<DeviceAuthorization>(o, '/oauth/device_authorization', { client_id: o.clientId ?? DEVICE_CLIENT_ID });
}

/**
 * RFC 8628 §3.4–3.5: polls until approved (answers the token) or refused: access_denied,
 * expired_token (also when `expires_in` runs out locally) or any other error ends it. Waits
 * `interval` seconds between polls and 5 s more after each slow_down, as the RFC asks.
 */
export async function pollDeviceLogin(o: PollOptions, grant: DeviceAuthorization): Promise<DeviceToken> {
  const sleep = o.sleep ?? defaultSleep;
  let intervalSec = Math.max(1, grant.interval || 5);
  let waitedMs = 0;
  const fields = { grant_type: GRANT_TYPE, device_code: grant.device_code, client_id: o.clientId ?? DEVICE_CLIENT_ID };
  for (;;) {
    o.onWait?.(intervalSec);
    await sleep(intervalSec * 1000, o.signal);
    o.signal?.throwIfAborted();
    waitedMs += intervalSec * 1000;
    try {
      return await postForm<DeviceToken>(o, '/oauth/token', fields, o.signal);
    } catch (e) {
      if (!(e instanceof TwofoldApiError)) throw e;
      if (e.code === 'slow_down') intervalSec += 5;
      else if (e.code !== 'authorization_pending') throw e;
      if (waitedMs >= grant.expires_in * 1000)
        throw new TwofoldApiError({ ...e, code: 'expired_token', title: 'expired_token', detail: 'The code expired.' });
    }
  }
}
