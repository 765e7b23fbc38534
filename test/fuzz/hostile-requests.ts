// What a hostile client sends, as fast-check arbitraries: any route of the API (or a path that
// matches none) with odd path segments and queries; generated JSON bodies, broken JSON and wrong
// content types; malformed Signature-Input / Signature / Authorization headers, cookies, digests
// and dates; some of them close to valid (the seeded account's address, password and key id).
import fc from 'fast-check';
import { TEST_PUBLIC_URL } from '../helpers/harness.js';
import { EMAIL, PASSWORD } from './support.js';

/** Header values a real HTTP client can send: visible ASCII and spaces, sometimes long. */
const headerText = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
  maxLength: 300,
});
const anyText = fc.oneof(headerText, fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 40 }));
const b64 = fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b).toString('base64'));

/** A request to one of `routes` (or to no route), with values a seeded account would recognise. */
export function hostileRequest(routes: Array<{ method: string; path: string }>, key: { id: string }) {
  const segment = fc.oneof(
    fc.constant(''),
    fc.constant('..'),
    fc.constant('%'),
    fc.constant('%ZZ'),
    fc.constant('%00'),
    fc.string({ maxLength: 30 }).map(encodeURIComponent),
    fc.stringMatching(/^[A-Z2-7]{20}$/),
    fc.string({ maxLength: 250, unit: fc.constantFrom('a', '%41', '-', '.') }),
  );
  const target = fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .record({
          route: fc.constantFrom(...routes),
          id: segment,
          query: fc.option(headerText.map(encodeURIComponent)),
        })
        .map(({ route, id, query }) => ({
          method: route.method,
          url: route.path.replace('{id}', id) + (query ? `?${query}` : ''),
        })),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'),
        url: fc.array(segment, { maxLength: 5 }).map((s) => `/v1/${s.join('/')}`),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        method: fc.constantFrom('GET', 'DELETE', 'PUT'),
        url: fc.constantFrom(...routes).map((r) => r.path.replace('{id}', key.id)),
      }),
    },
  );
  const jsonValue = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    anyText,
    fc.constant(EMAIL),
    fc.constant(PASSWORD),
    fc.constant(key.id),
    fc.stringMatching(/^[0-9]{6}$/),
  );
  const fields = fc.dictionary(
    fc.oneof(
      fc.constantFrom(
        'email',
        'password',
        'client',
        'challenge',
        'code',
        'recovery_code',
        'token',
        'setup_id',
        'method',
        'phone',
        'enabled',
        'current_password',
        'new_password',
        '__proto__',
        'constructor',
      ),
      fc.string({ maxLength: 12 }),
    ),
    jsonValue,
    { maxKeys: 6 },
  );
  const body = fc.oneof(
    { weight: 6, arbitrary: fields.map((o) => JSON.stringify(o)) },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: anyText },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        '{',
        '{"email":',
        '[]',
        'null',
        '{"a":1}'.repeat(12_000),
        '\u0000',
        '{"email":"a\\u0000@example.com","password":"x"}',
      ),
    },
  );
  const sigInput = fc.oneof(
    headerText,
    fc
      .record({
        label: fc.constantFrom('sig', 'remoteit', 'x', '', '*'),
        comps: fc.subarray([
          '"@method"',
          '"@authority"',
          '"@target-uri"',
          '"@path"',
          '"@query"',
          '"date"',
          '"content-digest"',
          '"@status"',
          'date',
          '"x"',
        ]),
        created: fc.oneof(fc.integer(), fc.constant(Math.floor(Date.now() / 1000))),
        kid: fc.oneof(fc.constant(key.id), headerText),
        alg: fc.constantFrom('hmac-sha256', 'rsa', '', 'HMAC-SHA256'),
        extra: fc.constantFrom('', ';expires=1', ';nonce="n"', ';tag=1.5', ',other=()'),
      })
      .map(
        (s) =>
          `${s.label}=(${s.comps.join(' ')});created=${s.created};keyid="${s.kid.replace(/"/g, '')}";alg="${s.alg}"${s.extra}`,
      ),
  );
  const headers = fc.record(
    {
      'content-type': fc.oneof(
        { weight: 6, arbitrary: fc.constant('application/json') },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            'application/json; charset=utf-8',
            'text/plain',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/problem+json',
            'application/json; charset=latin1',
          ),
        },
        { weight: 1, arbitrary: headerText },
      ),
      authorization: fc.oneof(
        headerText,
        b64.map((t) => `Bearer ${t}`),
        fc.constant('Bearer '),
        fc.constantFrom(
          'Basic Zm9vOmJhcg==',
          'Signature',
          'Signature keyId="x"',
          `Signature keyId="${key.id}",algorithm="hmac-sha256",headers="(request-target) host date",signature="AAAA"`,
        ),
        headerText.map((t) => `Signature ${t}`),
      ),
      'signature-input': sigInput,
      signature: fc.oneof(
        headerText,
        b64.map((s) => `sig=:${s}:`),
        b64.map((s) => `remoteit=:${s}:`),
      ),
      cookie: fc.oneof(
        headerText,
        b64.map((t) => `twofold_session=${t}`),
        headerText.map((t) => `__Host-twofold_session=${t}; twofold_session=${t}`),
      ),
      'content-digest': fc.oneof(
        headerText,
        b64.map((d) => `sha-256=:${d}:`),
      ),
      digest: b64.map((d) => `SHA-256=${d}`),
      date: fc.oneof(
        headerText,
        fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
      ),
      origin: fc.constantFrom(TEST_PUBLIC_URL, 'https://evil.example', 'null', ''),
      accept: fc.constantFrom('application/json', 'text/html', '*/*'),
      'x-forwarded-for': headerText,
    },
    { requiredKeys: [] },
  );
  return fc.record({ target, body: fc.option(body, { nil: undefined }), headers });
}
