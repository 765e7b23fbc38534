// The HTTP side of TwofoldClient: builds the URL, sends JSON bytes, adds a bearer token or an
// access-key signature over exactly the bytes sent, and turns every failure into a TwofoldApiError.
// Why identical writes are spaced and re-signed: docs/design.md, "Signing requests".

import { createHash } from 'node:crypto';
import { signRequest } from './signer.js';
import { TwofoldApiError, networkReason } from './twofold-api-error.js';

export interface TransportOptions {
  endpoint: string;
  credentials: { keyId: string; secret: string } | undefined;
  scheme: 'rfc9421' | 'cavage';
  label: string | undefined;
  fetch: typeof globalThis.fetch;
  now: () => number;
  timeoutMs: number;
  userAgent: string;
}

export interface Call {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** `bearer`: the token when there is one; `account`: the token, else a signature; `none`: neither. */
  auth: 'account' | 'bearer' | 'none';
}

const JSON_TYPE = /^application\/(?:[\w.-]+\+)?json\b/i;
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function safeJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

export class Transport {
  /** Unsafe request fingerprint → the last second it was signed at. */
  private readonly signedAt = new Map<string, number>();

  constructor(private readonly o: TransportOptions) {}

  url(c: Call): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return `${this.o.endpoint}${c.path}${qs ? `?${qs}` : ''}`;
  }

  async call<T>(c: Call, bearer: string | undefined): Promise<T> {
    const signs = c.auth === 'account' && !bearer && this.o.credentials !== undefined;
    try {
      return await this.send<T>(c, bearer);
    } catch (e) {
      if (signs && UNSAFE.has(c.method) && e instanceof TwofoldApiError && e.code === 'replayed_signature')
        return this.send<T>(c, bearer);
      throw e;
    }
  }

  /** The time to sign at: now, or one second after the last signing of this very write. */
  private signingTime(method: string, url: string, body: Uint8Array | undefined): number {
    const nowMs = this.o.now();
    if (!UNSAFE.has(method)) return nowMs;
    const fp = createHash('sha256')
      .update(`${method} ${url}\n`)
      .update(body ?? new Uint8Array(0))
      .digest('base64');
    const nowSec = Math.floor(nowMs / 1000);
    const prev = this.signedAt.get(fp);
    const sec = prev !== undefined && nowSec <= prev ? prev + 1 : nowSec;
    if (this.signedAt.size >= 1000) for (const [k, v] of this.signedAt) if (v < nowSec - 600) this.signedAt.delete(k);
    this.signedAt.set(fp, sec);
    return sec === nowSec ? nowMs : sec * 1000;
  }

  private async send<T>(c: Call, bearer: string | undefined): Promise<T> {
    const { endpoint } = this.o;
    const url = this.url(c);
    const request = `${c.method} ${c.path}`;
    const body = c.body === undefined ? undefined : new Uint8Array(Buffer.from(JSON.stringify(c.body), 'utf8'));
    const headers: Record<string, string> = {
      accept: 'application/json, application/problem+json',
      'user-agent': this.o.userAgent,
    };
    if (body) headers['content-type'] = 'application/json';
    if (c.auth !== 'none' && bearer) {
      headers.authorization = `Bearer ${bearer}`;
    } else if (c.auth === 'account' && this.o.credentials) {
      const signed = signRequest({
        method: c.method,
        url,
        headers,
        body: body ?? null,
        keyId: this.o.credentials.keyId,
        secretBase64: this.o.credentials.secret,
        scheme: this.o.scheme,
        nowMs: this.signingTime(c.method, url, body),
        ...(this.o.label ? { label: this.o.label } : {}),
      });
      for (const [k, v] of Object.entries(signed)) headers[k.toLowerCase()] = v;
    }

    let res: Response;
    let text: string;
    try {
      res = await this.o.fetch(url, {
        method: c.method,
        headers,
        ...(body ? { body } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.o.timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const reason = networkReason(e);
      const what =
        reason === 'ETIMEDOUT'
          ? `did not answer within ${Math.round(this.o.timeoutMs / 1000)} s`
          : `is not reachable${reason ? ` (${reason})` : ''}`;
      throw new TwofoldApiError({
        status: 0,
        code: 'network_error',
        title: 'Network error',
        detail: `the Twofold server at ${endpoint} ${what}`,
        request,
        endpoint,
        cause: e,
        ...(reason ? { reason } : {}),
      });
    }

    const contentType = res.headers.get('content-type') ?? '';
    const parsed = JSON_TYPE.test(contentType) && text.length > 0 ? safeJson(text) : undefined;
    if (res.ok) {
      if (res.status === 204 || text.length === 0) return undefined as T;
      if (parsed === undefined) {
        throw new TwofoldApiError({
          status: res.status,
          code: 'invalid_response',
          title: 'Not a Twofold answer',
          detail: `the server at ${endpoint} answered ${request} with ${contentType || 'no content type'}, not JSON; is the endpoint a Twofold server?`,
          request,
          endpoint,
        });
      }
      return parsed.value as T;
    }
    const problem =
      parsed && typeof parsed.value === 'object' && parsed.value !== null
        ? (parsed.value as Record<string, unknown>)
        : undefined;
    const isProblem = problem !== undefined && typeof problem.code === 'string';
    const retryAfter = Number(res.headers.get('retry-after') ?? NaN);
    const serverTimeMs = Date.parse(res.headers.get('date') ?? '');
    throw new TwofoldApiError({
      status: res.status,
      code: isProblem ? String(problem.code) : `http_${res.status}`,
      title: isProblem && typeof problem.title === 'string' ? problem.title : res.statusText || `HTTP ${res.status}`,
      detail:
        isProblem && typeof problem.detail === 'string'
          ? problem.detail
          : `the server at ${endpoint} answered ${res.status} without a Twofold problem document; is the endpoint a Twofold server?`,
      request,
      endpoint,
      ...(Number.isFinite(retryAfter) ? { retryAfter } : {}),
      ...(Number.isFinite(serverTimeMs) ? { serverTimeMs } : {}),
      ...(isProblem ? { problem } : {}),
    });
  }
}
