// Shared steps for the access-key tests: accounts and keys over the API, a fetch that goes through
// the harness's inject (so TwofoldClient runs against the in-process app), problem assertions and
// a dump of every table for secret searches.
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import type { LightMyRequestResponse } from 'fastify';
import { TEST_PUBLIC_URL, type Harness } from '../helpers/harness.js';
import { verifyEmail } from '../helpers/verify-email.js';

export const PASSWORD = 'correct horse battery staple';
export const PUBLIC_HOST = new URL(TEST_PUBLIC_URL).host;
export const KEY_ID = /^[A-Z2-7]{20}$/;

export interface CreatedKey {
  id: string;
  secret: string;
  enabled: boolean;
  created_at: string;
  last_used_at: string | null;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export async function signup(h: Harness, email: string): Promise<{ token: string; userId: string }> {
  const r = await h.inject({ method: 'POST', url: '/v1/auth/signup', payload: { email, password: PASSWORD, client: 'app' } });
  assert.equal(r.statusCode, 201, r.body);
  await verifyEmail(h, email);
  return { token: r.json().token, userId: r.json().user.id };
}

export function createKeyRaw(h: Harness, token: string, password = PASSWORD): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'POST', url: '/v1/me/access-keys', headers: bearer(token), payload: { password } });
}

export async function createKey(h: Harness, token: string): Promise<CreatedKey> {
  const r = await createKeyRaw(h, token);
  assert.equal(r.statusCode, 201, r.body);
  return r.json();
}

export function setEnabled(h: Harness, token: string, id: string, enabled: boolean): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'PATCH', url: `/v1/me/access-keys/${id}`, headers: bearer(token), payload: { enabled } });
}

export function listKeys(h: Harness, token: string): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'GET', url: '/v1/me/access-keys', headers: bearer(token) });
}

/** Asserts a problem answer: status, stable code and problem+json. */
export function assertProblem(r: LightMyRequestResponse, status: number, code: string, context = ''): void {
  assert.equal(r.statusCode, status, `${context} ${r.body}`);
  assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
  assert.equal(r.json().code, code, `${context} ${r.body}`);
}

/** A fetch that sends the request through `h.inject`, Host taken from the URL as a real fetch does. */
export function injectFetch(h: Harness, seen?: { method: string; url: string; headers: Record<string, string>; body: Buffer | null }[]): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const headers: Record<string, string> = {};
    for (const [k, v] of new Headers(init.headers).entries()) headers[k] = v;
    headers.host = url.host;
    const body = init.body === undefined || init.body === null ? null : Buffer.from(init.body as Uint8Array);
    seen?.push({ method: String(init.method), url: url.toString(), headers, body });
    const r = await h.inject({
      method: (init.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers,
      ...(body ? { payload: body } : {}),
    });
    const out = new Headers();
    for (const [k, v] of Object.entries(r.headers)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) out.append(k, String(one));
    }
    return new Response(r.statusCode === 204 || r.rawPayload.length === 0 ? null : r.rawPayload, { status: r.statusCode, headers: out });
  }) as typeof fetch;
}

/** Every row of every table of the harness's database (SQLite or its private PostgreSQL schema). */
export async function dumpAllTables(h: Harness): Promise<Record<string, Record<string, unknown>[]>> {
  const db = h.runtime.db.db;
  const names =
    h.runtime.db.dialect === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(db)).rows.map((r) => r.name);
  assert.ok(names.includes('access_keys') && names.includes('signature_replays'), `tables found: ${names.join(', ')}`);
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const name of names) {
    out[name] = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
  }
  return out;
}

/** Every encoding of a secret that could leak: base64, base64url, hex, and the raw bytes. */
export function secretForms(secretBase64: string): { strings: string[]; bytes: Buffer } {
  const bytes = Buffer.from(secretBase64, 'base64');
  return {
    strings: [secretBase64, bytes.toString('base64url'), bytes.toString('hex'), bytes.toString('hex').toUpperCase(), bytes.toString('base64').replace(/=+$/, '')],
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
