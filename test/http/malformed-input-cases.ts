// What the malformed-input test sends and how it judges the answers: every route (the OpenAPI
// document plus the contract's list) with its JSON body schema and query parameters, junk values
// of every kind, a well-formed sample body to spoil one field at a time, and the rule an answer
// must meet (a 4xx problem+json with a `code`, OAuth error JSON on /oauth/, never a 5xx).
import assert from 'node:assert/strict';
import type { InjectOptions } from 'fastify';
import type { Harness } from '../helpers/harness.js';
import { CONTRACT_V1, OPERATIONS } from '../helpers/contract-routes.js';

type Schema = {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  oneOf?: Schema[];
  anyOf?: Schema[];
};
export interface Route {
  method: string;
  path: string;
  body?: Schema;
  query: string[];
}
export interface Case {
  label: string;
  opts: InjectOptions;
  okStatus?: number;
}

const CONTRACT = [...CONTRACT_V1, ...OPERATIONS];
/** Answers the same whatever the email (202), so a well-typed junk string is accepted there. */
export const ACCEPTS_ANY_STRING = new Set(['POST /v1/auth/password/forgot']);
const ATTACKER = '198.51.100.13';
export const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export const JUNK = [
  'a\u0000b',
  '\ud800\udfff\ud800',
  '\u202e\u200b\ufeff\u2028',
  '💥𝕏ǅ',
  "'; DROP TABLE users; --",
  '<script>alert(1)</script>',
  '\r\nBcc: everyone@example.com',
  '../../../../etc/passwd',
  '',
];
export const HUGE = 'A'.repeat(60 * 1024);
export const WRONG_TYPES: Record<string, unknown[]> = {
  string: [42, true, {}, [], null],
  boolean: ['yes', 1, null, {}],
  number: ['abc', {}, null, []],
  integer: ['abc', 1.5, null],
};
export const PARAM_JUNK = [
  'unknown-id',
  'A'.repeat(64),
  'x'.repeat(300),
  '%E0%A4%A',
  '%',
  "'%20OR%201=1--",
  '..%2F..%2Fetc%2Fpasswd',
  '%F0%9F%92%A5',
  '%00',
];
export const QUERY_JUNK = ['abc', '-1', '0', '1e400', '99999999999999999999999', '', '1.5', '1&{name}=2', '<x>'];

export function sample(s: Schema | undefined): unknown {
  if (!s) return undefined;
  const branch = s.oneOf?.[0] ?? s.anyOf?.[0];
  if (branch) return sample(branch);
  if (s.enum) return s.enum[0];
  if (s.type === 'object')
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, sample(v)]));
  return { string: 'x', boolean: true, number: 1, integer: 1, array: [] }[s.type ?? 'string'];
}
export const props = (s: Schema | undefined): [string, Schema][] =>
  Object.entries((s?.oneOf?.[0] ?? s?.anyOf?.[0] ?? s)?.properties ?? {});
export const json = (v: unknown) => ({ 'content-type': 'application/json', payload: JSON.stringify(v) });

/** Every route of GET /v1/openapi.json, with the contract's routes it does not document. */
export async function allRoutes(h: Harness): Promise<Route[]> {
  const doc = (await h.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{
    paths: Record<
      string,
      Record<
        string,
        {
          requestBody?: { content?: Record<string, { schema?: Schema }> };
          parameters?: { in: string; name: string }[];
        }
      >
    >;
  }>();
  const seen = new Map<string, Route>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [m, op] of Object.entries(ops)) {
      const method = m.toUpperCase();
      seen.set(`${method} ${path}`, {
        method,
        path,
        body: op.requestBody?.content?.['application/json']?.schema,
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
      });
    }
  }
  for (const r of CONTRACT)
    if (!seen.has(r)) seen.set(r, { method: r.split(' ')[0]!, path: r.split(' ')[1]!, query: [] });
  const routes = [...seen.values()];
  assert.ok(routes.length >= CONTRACT.length);
  return routes;
}

export const key = (r: Route) => `${r.method} ${r.path}`;
export const url = (r: Route, param = 'unknown-id') => r.path.replace(/\{[^}]+\}/g, param);

/** Sends each case from the attacker's address; what is not a well-formed refusal goes to `offenders`. */
export async function runCases(h: Harness, cases: Case[], offenders: string[]): Promise<void> {
  for (const c of cases) {
    const res = await h.inject({ remoteAddress: ATTACKER, ...c.opts });
    const ok = c.okStatus !== undefined && res.statusCode === c.okStatus;
    // The OAuth endpoints (RFC 8628) answer OAuth error JSON (RFC 6749 §5.2) instead of problem+json.
    const oauth =
      typeof c.opts.url === 'string' &&
      c.opts.url.startsWith('/oauth/') &&
      /^application\/json/.test(String(res.headers['content-type']));
    const problem = new RegExp(oauth ? '^application/json' : '^application/problem\\+json').test(
      String(res.headers['content-type']),
    );
    let code: unknown;
    try {
      code = oauth ? res.json().error : res.json().code;
    } catch {
      code = undefined;
    }
    if (!ok && !(res.statusCode >= 400 && res.statusCode < 500 && problem && typeof code === 'string')) {
      offenders.push(`${c.label}: ${res.statusCode} ${res.headers['content-type']} ${res.body.slice(0, 120)}`);
    }
  }
}

/** Authorization and signature headers that must open nothing: malformed, huge, or a real token spoiled. */
export function garbageCredentials(token: string): Record<string, string>[] {
  return [
    ...[
      'Bearer',
      'Bearer ',
      'Bearer x',
      `Bearer ${'a'.repeat(10 * 1024)}`,
      `Bearer ${token}x`,
      `Bearer ${token.slice(0, -1)}`,
      'Signature garbage',
      `Signature keyId="AAAAAAAAAAAAAAAAAAAA",algorithm="hmac-sha256",headers="(request-target) host date",signature="AAAA"`,
      `Signature ${'z'.repeat(10 * 1024)}`,
      'Basic Zm9vOmJhcg==',
      'Negotiate x',
      'x'.repeat(10 * 1024),
    ].map((authorization) => ({ authorization })),
    { 'signature-input': 'sig1=("@method");keyid="AAAAAAAAAAAAAAAAAAAA";created=1', signature: 'sig1=:AAAA:' },
    { 'signature-input': 'garbage((', signature: 'garbage' },
  ];
}

/** Session cookies that must open nothing: malformed, huge, doubled, or a real one under another name. */
export function garbageCookies(cookie: string): string[] {
  return [
    'twofold_session=garbage',
    'twofold_session=',
    `twofold_session=${'A'.repeat(43)}`,
    'twofold_session=%E0%A4%A',
    'twofold_session="',
    `twofold_session=${'x'.repeat(10 * 1024)}`,
    'twofold_session=a; twofold_session=b',
    '=;;;=; ;',
    `__Host-twofold_session=${cookie.split('=')[1]}`,
    `TWOFOLD_SESSION=${cookie.split('=')[1]}`,
  ];
}
