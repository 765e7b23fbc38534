// Bad input of any shape, on every route (the OpenAPI document plus the contract's list), gets a
// 4xx problem+json with a `code` — never a 5xx — and changes nothing on the account that sent it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ORIGIN, startHarness, type Harness } from '../helpers/harness.js';
import { PASSWORD, appUser, login, sessionCookie, type Auth } from './http-helpers.js';
import {
  ACCEPTS_ANY_STRING,
  HUGE,
  JUNK,
  PARAM_JUNK,
  QUERY_JUNK,
  UNSAFE,
  WRONG_TYPES,
  allRoutes,
  garbageCookies,
  garbageCredentials,
  json,
  key,
  props,
  runCases,
  sample,
  url,
  type Case,
  type Route,
} from './malformed-input-cases.js';

describe('malformed input on every route', () => {
  let h: Harness;
  let routes: Route[] = [];
  let auth: Auth;
  let cookie: string;
  let baseline: Record<string, string>;
  const offenders: string[] = [];

  const snapshot = async () => {
    const out: Record<string, string> = {};
    for (const url of ['/v1/me', '/v1/me/mfa', '/v1/me/sessions', '/v1/me/access-keys'])
      out[url] = (await h.inject({ method: 'GET', url, headers: auth })).body;
    return out;
  };

  before(async () => {
    h = await startHarness();
    auth = (await appUser(h, 'victim@example.com')).auth;
    cookie = sessionCookie(await login(h, 'victim@example.com', PASSWORD, 'web'));
    baseline = await snapshot();
    routes = await allRoutes(h);
  });
  after(async () => {
    await h?.close();
  });

  const authFor = (r: Route): Auth => (r.path.startsWith('/v1/me') ? auth : {});
  const run = (cases: Case[]) => runCases(h, cases, offenders);
  const assertNoOffenders = () => assert.deepEqual(offenders.splice(0), []);

  test('unreadable bodies on every unsafe route: bad JSON, 70 KiB, non-UTF-8, form encoding', async () => {
    const cases: Case[] = [];
    for (const r of routes.filter((x) => UNSAFE.has(x.method))) {
      const base = { method: r.method as 'POST', url: url(r), headers: { ...authFor(r) } };
      cases.push(
        {
          label: `${key(r)} bad JSON`,
          opts: {
            ...base,
            headers: { ...base.headers, 'content-type': 'application/json' },
            payload: '{"email": "a@example.com",',
          },
        },
        {
          label: `${key(r)} 70 KiB`,
          opts: {
            ...base,
            headers: { ...base.headers, 'content-type': 'application/json' },
            payload: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
          },
        },
        {
          label: `${key(r)} non-UTF-8`,
          opts: {
            ...base,
            headers: { ...base.headers, 'content-type': 'application/json' },
            payload: Buffer.from([0x7b, 0xff, 0xfe, 0x22, 0x7d]),
          },
        },
        {
          label: `${key(r)} urlencoded`,
          opts: {
            ...base,
            headers: { ...base.headers, 'content-type': 'application/x-www-form-urlencoded' },
            payload: 'email=a%40example.com&password=x',
          },
        },
        {
          label: `${key(r)} xml`,
          opts: { ...base, headers: { ...base.headers, 'content-type': 'application/xml' }, payload: '<a/>' },
        },
      );
    }
    await run(cases);
    const big = await h.inject({
      method: 'POST',
      url: '/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }),
    });
    assert.equal(big.statusCode, 413);
    assertNoOffenders();
  });

  test('wrong shapes, wrong types, missing fields, huge strings and unicode junk in every JSON body', async () => {
    const cases: Case[] = [];
    for (const r of routes.filter((x) => x.body)) {
      const base = { method: r.method as 'POST', url: url(r), headers: { ...authFor(r) } };
      const good = sample(r.body) as Record<string, unknown>;
      const send = (label: string, v: unknown, okStatus?: number) =>
        cases.push({
          label: `${key(r)} ${label}`,
          opts: { ...base, ...json(v), headers: { ...base.headers, 'content-type': 'application/json' } },
          okStatus,
        });
      for (const v of [[], [good], 'x', 42, true, null, {}]) send(`body ${JSON.stringify(v).slice(0, 20)}`, v);
      const deep = '{"a":'.repeat(5000) + '1' + '}'.repeat(5000);
      cases.push({
        label: `${key(r)} deeply nested`,
        opts: {
          ...base,
          headers: { ...base.headers, 'content-type': 'application/json' },
          payload: '['.repeat(20_000) + ']'.repeat(20_000),
        },
      });
      cases.push({
        label: `${key(r)} deeply nested object`,
        opts: { ...base, headers: { ...base.headers, 'content-type': 'application/json' }, payload: deep },
      });
      cases.push({
        label: `${key(r)} text/plain`,
        opts: { ...base, headers: { ...base.headers, 'content-type': 'text/plain' }, payload: JSON.stringify(good) },
      });
      for (const [name, p] of props(r.body)) {
        const { [name]: _dropped, ...missing } = good;
        send(`without ${name}`, missing);
        for (const v of WRONG_TYPES[p.enum ? 'string' : (p.type ?? 'string')] ?? [])
          send(`${name}=${JSON.stringify(v)}`, { ...good, [name]: v });
        if (p.type === 'string' || p.enum) {
          send(`${name} 60 KiB`, { ...good, [name]: HUGE });
          for (const j of JUNK)
            send(
              `${name}=${JSON.stringify(j)}`,
              { ...good, [name]: j },
              ACCEPTS_ANY_STRING.has(key(r)) ? 202 : undefined,
            );
        }
      }
    }
    assert.ok(cases.length > 200, `${cases.length} cases`);
    await run(cases);
    assertNoOffenders();
  });

  test('unknown and malformed ids in paths, and junk query strings', async () => {
    const cases: Case[] = [];
    for (const r of routes.filter((x) => /\{/.test(x.path))) {
      for (const p of PARAM_JUNK) {
        const body = r.body ? json(sample(r.body)) : {};
        cases.push({
          label: `${key(r)} id=${p.slice(0, 20)}`,
          opts: {
            method: r.method,
            url: url(r, p),
            ...body,
            headers: { ...authFor(r), ...(r.body ? { 'content-type': 'application/json' } : {}) },
          },
        });
      }
    }
    for (const r of routes.filter((x) => x.query.length > 0)) {
      for (const name of r.query) {
        for (const v of QUERY_JUNK)
          cases.push({
            label: `${key(r)} ?${name}=${v}`,
            opts: { method: 'GET', url: `${url(r)}?${name}=${v.replace('{name}', name)}`, headers: authFor(r) },
          });
        cases.push({
          label: `${key(r)} ${name} twice`,
          opts: { method: 'GET', url: `${url(r)}?${name}=1&${name}=2`, headers: authFor(r) },
        });
      }
    }
    for (const r of routes.filter((x) => x.path.startsWith('/v1/me')))
      cases.push({ label: `PUT ${r.path}`, opts: { method: 'PUT', url: url(r), headers: auth } });
    await run(cases);
    assertNoOffenders();
  });

  test('garbage Authorization headers and signature headers on every account route', async () => {
    const token = auth.authorization!.slice('Bearer '.length);
    const headers = garbageCredentials(token);
    const cases: Case[] = [];
    for (const r of routes.filter((x) => x.path.startsWith('/v1/me'))) {
      const body = r.body ? json(sample(r.body)) : {};
      for (const hd of headers) {
        cases.push({
          label: `${key(r)} ${JSON.stringify(hd).slice(0, 50)}`,
          opts: {
            method: r.method,
            url: url(r),
            ...body,
            headers: { ...hd, ...(r.body ? { 'content-type': 'application/json' } : {}) },
          },
        });
      }
    }
    await run(cases);
    for (const hd of headers)
      assert.equal(
        (await h.inject({ method: 'GET', url: '/v1/me', headers: hd })).statusCode,
        401,
        JSON.stringify(hd).slice(0, 60),
      );
    assertNoOffenders();
  });

  test('garbage cookies on every account route', async () => {
    const cookies = garbageCookies(cookie);
    const cases: Case[] = [];
    for (const r of routes.filter((x) => x.path.startsWith('/v1/me'))) {
      const body = r.body ? json(sample(r.body)) : {};
      for (const c of cookies) {
        cases.push({
          label: `${key(r)} cookie ${c.slice(0, 40)}`,
          opts: {
            method: r.method,
            url: url(r),
            ...body,
            headers: { cookie: c, origin: ORIGIN, ...(r.body ? { 'content-type': 'application/json' } : {}) },
          },
        });
      }
    }
    await run(cases);
    for (const c of cookies)
      assert.equal(
        (await h.inject({ method: 'GET', url: '/v1/me', headers: { cookie: c } })).statusCode,
        401,
        c.slice(0, 40),
      );
    assertNoOffenders();
  });

  test('afterwards the account is exactly as it was: same answers, same sessions, and its owner signs in', async () => {
    assert.deepEqual(await snapshot(), baseline);
    assert.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: { cookie } })).statusCode, 200);
    const r = await login(h, 'victim@example.com');
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, 'authenticated');
    const events = (await h.inject({ method: 'GET', url: '/v1/me/events', headers: auth })).json<{ type: string }[]>();
    assert.ok(
      !events.some((e) =>
        /password\.(changed|reset_used)|mfa\.(enabled|disabled)|access_key\.created|session\.ended/.test(e.type),
      ),
      JSON.stringify(events.map((e) => e.type)),
    );
  });
});
