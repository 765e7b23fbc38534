// A typed client for the Twofold v1 API over fetch (shared/API.md).
//
// Authentication, per client: an access key (`credentials`: every request is signed with
// signRequest, RFC 9421 by default or draft-cavage), or a bearer token (`bearer`, or the token a
// signup/login/verify/recover with `"client": "app"` answers, kept for the next calls). A signed
// request is signed over exactly what is sent: the upper-case method, the full URL, and the very
// bytes of the JSON body. Every failure is a TwofoldApiError: the server's problem+json fields, or
// status 0 `network_error` naming the endpoint. The HTTP side is in transport.ts.

import type {
  AccessKey,
  Authenticated,
  CreatedAccessKey,
  EventsQuery,
  LoginResult,
  MfaStatus,
  SecurityEvent,
  Session,
  User,
} from './api-types.js';
import { Transport, type Call } from './transport.js';

export type {
  AccessKey,
  Authenticated,
  CreatedAccessKey,
  EventsQuery,
  LoginResult,
  MfaRequired,
  MfaStatus,
  SecurityEvent,
  Session,
  User,
} from './api-types.js';
export { TwofoldApiError, isTwofoldApiError } from './twofold-api-error.js';
export {
  DEVICE_CLIENT_ID,
  pollDeviceLogin,
  startDeviceLogin,
  type DeviceAuthorization,
  type DeviceLoginOptions,
  type DeviceToken,
  type PollOptions,
} from './device-login.js';

export interface AccessKeyCredentials {
  keyId: string;
  /** The secret as shown once at creation: standard base64 of 30 bytes. */
  secret: string;
}

export interface TwofoldClientOptions {
  /** The server's public URL, e.g. `https://twofold.example.com` (what signatures name). */
  endpoint: string;
  credentials?: AccessKeyCredentials;
  bearer?: string;
  scheme?: 'rfc9421' | 'cavage';
  /** RFC 9421 signature label. */
  label?: string;
  /** A fetch to use instead of the global one (tests, proxies). */
  fetch?: typeof globalThis.fetch;
  /** Wall clock for signatures (ms since the epoch). */
  now?: () => number;
  /** Abort a call that takes longer than this; default 30 s. */
  timeoutMs?: number;
  userAgent?: string;
}

function normaliseEndpoint(endpoint: string): string {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new TypeError(`TwofoldClient: the endpoint "${endpoint}" is not a URL (e.g. http://127.0.0.1:8080)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new TypeError(`TwofoldClient: the endpoint must be http(s), not ${u.protocol}`);
  if (u.search || u.hash) throw new TypeError('TwofoldClient: the endpoint must not have a query or fragment');
  return (u.origin + u.pathname).replace(/\/+$/, '');
}

export class TwofoldClient {
  readonly endpoint: string;
  private readonly transport: Transport;
  private bearerToken: string | undefined;

  constructor(options: TwofoldClientOptions) {
    this.endpoint = normaliseEndpoint(options.endpoint);
    this.bearerToken = options.bearer;
    this.transport = new Transport({
      endpoint: this.endpoint,
      credentials: options.credentials,
      scheme: options.scheme ?? 'rfc9421',
      label: options.label,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      now: options.now ?? Date.now,
      timeoutMs: options.timeoutMs ?? 30_000,
      userAgent: options.userAgent ?? 'twofold-client/0.1.0',
    });
  }

  /** The bearer token in use (set by a sign-in that answered one), if any. */
  get token(): string | undefined {
    return this.bearerToken;
  }

  // ---- account (access key or bearer) ----

  me(): Promise<User> {
    return this.call({ method: 'GET', path: '/v1/me', auth: 'account' });
  }

  mfaStatus(): Promise<MfaStatus> {
    return this.call({ method: 'GET', path: '/v1/me/mfa', auth: 'account' });
  }

  listAccessKeys(): Promise<AccessKey[]> {
    return this.call({ method: 'GET', path: '/v1/me/access-keys', auth: 'account' });
  }

  createAccessKey(password: string): Promise<CreatedAccessKey> {
    return this.call({ method: 'POST', path: '/v1/me/access-keys', body: { password }, auth: 'account' });
  }

  setAccessKeyEnabled(id: string, enabled: boolean): Promise<AccessKey> {
    return this.call({
      method: 'PATCH',
      path: `/v1/me/access-keys/${encodeURIComponent(id)}`,
      body: { enabled },
      auth: 'account',
    });
  }

  async deleteAccessKey(id: string): Promise<void> {
    await this.call({ method: 'DELETE', path: `/v1/me/access-keys/${encodeURIComponent(id)}`, auth: 'account' });
  }

  listSessions(): Promise<Session[]> {
    return this.call({ method: 'GET', path: '/v1/me/sessions', auth: 'account' });
  }

  async endSession(id: string): Promise<void> {
    await this.call({ method: 'DELETE', path: `/v1/me/sessions/${encodeURIComponent(id)}`, auth: 'account' });
  }

  /** The security log, newest first. */
  events(query: EventsQuery = {}): Promise<SecurityEvent[]> {
    return this.call({
      method: 'GET',
      path: '/v1/me/events',
      query: { limit: query.limit, before: query.before },
      auth: 'account',
    });
  }

  // ---- sign-in for app clients (bearer) ----

  async signup(email: string, password: string): Promise<Authenticated> {
    return this.keepToken(
      await this.call<Authenticated>({
        method: 'POST',
        path: '/v1/auth/signup',
        body: { email, password, client: 'app' },
        auth: 'none',
      }),
    );
  }

  /** Password step: `authenticated` (token kept), or `mfa_required` with a challenge for verify/recover. */
  async login(email: string, password: string): Promise<LoginResult> {
    const r = await this.call<LoginResult>({
      method: 'POST',
      path: '/v1/auth/login',
      body: { email, password, client: 'app' },
      auth: 'none',
    });
    return r.status === 'authenticated' ? this.keepToken(r) : r;
  }

  async verify(challenge: string, code: string, options: { rememberDevice?: boolean } = {}): Promise<Authenticated> {
    const body = {
      challenge,
      code,
      ...(options.rememberDevice === undefined ? {} : { remember_device: options.rememberDevice }),
    };
    return this.keepToken(
      await this.call<Authenticated>({ method: 'POST', path: '/v1/auth/login/verify', body, auth: 'none' }),
    );
  }

  /** "Can't access two-factor device": signs in with the recovery code and turns the factor off. */
  async recover(challenge: string, recoveryCode: string): Promise<Authenticated> {
    return this.keepToken(
      await this.call<Authenticated>({
        method: 'POST',
        path: '/v1/auth/login/recover',
        body: { challenge, recovery_code: recoveryCode },
        auth: 'none',
      }),
    );
  }

  /** Ends the bearer session on the server and forgets the token. */
  async logout(): Promise<void> {
    await this.call({ method: 'POST', path: '/v1/auth/logout', auth: 'bearer' });
    this.bearerToken = undefined;
  }

  private keepToken(a: Authenticated): Authenticated {
    if (a.status === 'authenticated' && typeof a.token === 'string') this.bearerToken = a.token;
    return a;
  }

  private call<T>(c: Call): Promise<T> {
    return this.transport.call<T>(c, this.bearerToken);
  }
}
