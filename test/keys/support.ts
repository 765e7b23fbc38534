// Shared steps for the access-key tests: keys over the API, a fetch that goes through the harness's
// inject (so TwofoldClient runs against the in-process app), and a search of a table dump for a
// secret; accounts and problem assertions come from the test kit (test/helpers/).
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import * as kit from '../helpers/accounts.js';
import { bearer, PASSWORD } from '../helpers/accounts.js';
import type { Harness } from '../helpers/harness.js';

export { PASSWORD, bearer } from '../helpers/accounts.js';
export { assertProblem } from '../helpers/problems.js';
export { PUBLIC_HOST } from '../helpers/harness.js';
export const KEY_ID = /^[A-Z2-7]{20}$/;

export interface CreatedKey {
  id: string;
  secret: string;
  enabled: boolean;
  created_at: string;
  last_used_at: string | null;
}

export async function signup(h: Harness, email: string): Promise<{ token: string; userId: string }> {
  const { token, userId } = await kit.signup(h, email);
  return { token, userId };
}

/** Creates an access key; `as` is a bearer token or the request's auth headers (a portal cookie). */
export function createKeyRaw(h: Harness, as: string | kit.Auth, password = PASSWORD): Promise<LightMyRequestResponse> {
  return h.inject({
    method: 'POST',
    url: '/v1/me/access-keys',
    headers: typeof as === 'string' ? bearer(as) : as,
    payload: { password },
  });
}

export async function createKey(h: Harness, as: string | kit.Auth): Promise<CreatedKey> {
  const r = await createKeyRaw(h, as);
  assert.equal(r.statusCode, 201, r.body);
  return r.json();
}

export function setEnabled(h: Harness, token: string, id: string, enabled: boolean): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'PATCH', url: `/v1/me/access-keys/${id}`, headers: bearer(token), payload: { enabled } });
}

export function listKeys(h: Harness, token: string): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'GET', url: '/v1/me/access-keys', headers: bearer(token) });
}

/** A fetch that sends the request through `h.inject`, Host taken from the URL as a real fetch does. */
export function injectFetch(
  h: Harness,
  seen?: { method: string; url: string; headers: Record<string, string>; body: Buffer | null }[],
): typeof fetch {
  return async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : input.toString());
    const headers: Record<string, string> = {};
    for (const [k, v] of new Headers(init.headers).entries()) headers[k] = v;
    headers.host = url.host;
    const body = init.body === undefined || init.body === null ? null : Buffer.from(init.body as Uint8Array);
    seen?.push({ method: String(init.method), url: url.toString(), headers, body });
    const r = await h.inject({
      method: init.method ?? 'GET',
      url: url.pathname + url.search,
      headers,
      ...(body ? { payload: body } : {}),
    });
    const out = new Headers();
    for (const [k, v] of Object.entries(r.headers)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) out.append(k, String(one));
    }
    return new Response(r.statusCode === 204 || r.rawPayload.length === 0 ? null : r.rawPayload, {
      status: r.statusCode,
      headers: out,
    });
  };
}

/** Every encoding of a secret that could leak: base64, base64url, hex, and the raw bytes. */
export function secretForms(secretBase64: string): { strings: string[]; bytes: Buffer } {
  const bytes = Buffer.from(secretBase64, 'base64');
  return {
    strings: [
      secretBase64,
      bytes.toString('base64url'),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      bytes.toString('base64').replace(/=+$/, ''),
    ],
    bytes,
  };
}

/** Asserts that no value of the dump (strings, buffers, JSON of anything else) holds the secret. */
export function assertNoSecretIn(dump: Record<string, Record<string, unknown>[]>, secretBase64: string): number {
  const { strings, bytes } = secretForms(secretBase64);
  let cells = 0;
  for (const [table, rows] of Object.entries(dump)) {
    for (const row of rows) {
      for (const [col, value] of Object.entries(row)) {
        cells++;
        if (value === null || value === undefined) continue;
        if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
          const b = Buffer.from(value);
          assert.equal(b.includes(bytes), false, `${table}.${col} holds the secret's bytes`);
          for (const s of strings) assert.equal(b.includes(Buffer.from(s)), false, `${table}.${col} holds the secret`);
          continue;
        }
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        for (const s of strings) assert.equal(text.includes(s), false, `${table}.${col} holds the secret`);
        assert.equal(Buffer.from(text, 'latin1').includes(bytes), false, `${table}.${col} holds the secret's bytes`);
      }
    }
  }
  return cells;
}
