// Operations: liveness, readiness, Prometheus metrics, the OpenAPI document, 404s, security headers
// and caching rules — what an operator and a load balancer rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { buildApp } from '../../src/server/app.js';
import { MIGRATION_NAMES } from '../../src/storage/migrate.js';
import { withHarness } from '../helpers/harness.js';
import { PASSWORD, appUser, assertProblem, login } from './http-helpers.js';
import { CONTRACT_V1 } from '../helpers/contract-routes.js';

/** Routes without which no account can exist: they must be served, not merely documented. */
const CORE = [
  'POST /v1/auth/signup',
  'POST /v1/auth/login',
  'POST /v1/auth/logout',
  'GET /v1/me',
  'GET /v1/me/sessions',
  'GET /v1/me/events',
];

test('/healthz answers 200 while the process is up', () =>
  withHarness(async (h) => {
    const r = await h.inject({ method: 'GET', url: '/healthz' });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { status: 'ok' });
  }));

test('/readyz is 200 while the database answers and 503 problem+json once it does not', () =>
  withHarness(async (h) => {
    assert.equal((await h.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    await h.runtime.db.close();
    const r = await h.inject({ method: 'GET', url: '/readyz' });
    assertProblem(r, 503, 'service_unavailable');
    assert.ok(Number(r.headers['retry-after']) >= 1);
    assert.equal(
      (await h.inject({ method: 'GET', url: '/healthz' })).statusCode,
      200,
      'liveness does not depend on the database',
    );
  }));

test('/readyz is 503 naming `twofold migrate` while the schema is older than the code (issue 14), 200 once it is recorded, and 200 on a newer one', () =>
  withHarness(async (h) => {
    const last = MIGRATION_NAMES.at(-1)!;
    await sql`delete from twofold_migrations where name = ${last}`.execute(h.runtime.db.db);
    const r = await h.inject({ method: 'GET', url: '/readyz' });
    assertProblem(r, 503, 'service_unavailable');
    assert.match(r.json().detail, new RegExp(`older than this version.*${last}.*run \`twofold migrate\``));
    // What `twofold migrate` records once the step ran (the step itself is in place here).
    await sql`insert into twofold_migrations (name, timestamp) values (${last}, ${new Date().toISOString()})`.execute(
      h.runtime.db.db,
    );
    assert.equal((await h.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
    // Migrated by a newer instance of a rolling deploy: this one keeps serving until replaced.
    await sql`insert into twofold_migrations (name, timestamp) values ('999-next-version', ${new Date().toISOString()})`.execute(
      h.runtime.db.db,
    );
    assert.equal((await h.inject({ method: 'GET', url: '/readyz' })).statusCode, 200, 'a newer schema keeps it ready');
  }));

test('/readyz is 503 while the instance drains for shutdown, so the load balancer stops sending traffic', () =>
  withHarness(async (h) => {
    const { app, startDraining } = await buildApp(h.runtime);
    try {
      assert.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
      startDraining();
      assertProblem(await app.inject({ method: 'GET', url: '/readyz' }), 503, 'service_unavailable');
    } finally {
      await app.close();
    }
  }));

test('/metrics is Prometheus text with latency by route pattern and sign-in outcomes, never raw ids or paths', () =>
  withHarness(async (h) => {
    const { auth } = await appUser(h, 'metrics@example.com');
    assert.equal((await login(h, 'metrics@example.com')).statusCode, 200);
    assert.equal((await login(h, 'metrics@example.com', 'wrong password here')).statusCode, 401);
    assert.equal((await login(h, 'metrics@example.com', 'wrong password here')).statusCode, 401);
    await h.inject({ method: 'DELETE', url: '/v1/me/sessions/SeCrEtSeSsIoNiD', headers: auth });
    await h.inject({ method: 'GET', url: '/no-such-page-TOKENLIKE' });
    const r = await h.inject({ method: 'GET', url: '/metrics' });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
    assert.match(r.body, /^# TYPE twofold_http_request_duration_seconds histogram$/m);
    assert.match(
      r.body,
      /^twofold_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/auth\/login"[^}]*status="401"[^}]*\} \d+$/m,
    );
    assert.match(
      r.body,
      /^twofold_http_request_duration_seconds_count\{[^}]*route="\/v1\/me\/sessions\/:id"[^}]*\} 1$/m,
    );
    assert.match(r.body, /^# TYPE twofold_signin_total counter$/m);
    assert.match(r.body, /^twofold_signin_total\{outcome="success"\} 1$/m);
    assert.match(r.body, /^twofold_signin_total\{outcome="failure"\} 2$/m);
    assert.ok(
      !r.body.includes('SeCrEtSeSsIoNiD') && !r.body.includes('TOKENLIKE'),
      'raw URLs must not become label values',
    );
    assert.ok(!r.body.includes(PASSWORD));
  }));

test('/v1/openapi.json is OpenAPI 3.1 and documents every /v1 route of the contract that the app serves', () =>
  withHarness(async (h) => {
    const r = await h.inject({ method: 'GET', url: '/v1/openapi.json' });
    assert.equal(r.statusCode, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    const doc = r.json();
    assert.match(doc.openapi, /^3\.1\.\d+$/);
    assert.equal(typeof doc.info?.title, 'string');
    const served = (route: string) => {
      const [method, path] = route.split(' ') as [string, string];
      return h.app.hasRoute({ method: method, url: path.replace(/\{(\w+)\}/g, ':$1') });
    };
    for (const route of CORE) assert.ok(served(route), `${route} is served`);
    const missing = CONTRACT_V1.filter(served).filter((route) => {
      const [method, path] = route.split(' ') as [string, string];
      return !doc.paths?.[path]?.[method.toLowerCase()];
    });
    assert.deepEqual(missing, [], 'served but not documented');
    for (const path of ['/healthz', '/readyz']) assert.ok(doc.paths[path]?.get, `${path} documented`);
    assert.ok(doc.paths['/v1/auth/login'].post.requestBody, 'request bodies are described');
  }));

test('unknown routes answer 404 problem+json naming nothing internal', () =>
  withHarness(async (h) => {
    for (const [method, url] of [
      ['GET', '/v1/nope'],
      ['POST', '/v1/auth/nope'],
      ['GET', '/v1/me/nope'],
      ['DELETE', '/nope?x=1'],
      ['PUT', '/v1/me'],
    ] as const) {
      const r = await h.inject({ method, url });
      assertProblem(r, 404, 'not_found');
      assert.equal(r.json().instance, url.split('?')[0]);
    }
  }));

test('security headers are on every answer: nosniff, frame and content policies, no referrer, no X-Powered-By, no HSTS over http', () =>
  withHarness(async (h) => {
    const answers = [
      await h.inject({ method: 'GET', url: '/healthz' }),
      await h.inject({ method: 'GET', url: '/v1/me' }),
      await h.inject({ method: 'GET', url: '/nope' }),
      await h.inject({
        method: 'POST',
        url: '/v1/auth/signup',
        payload: { email: 'hdr@example.com', password: PASSWORD },
      }),
      await h.inject({ method: 'GET', url: '/' }),
    ];
    for (const r of answers) {
      const where = `${r.statusCode} ${r.raw.req.url}`;
      assert.equal(r.headers['x-content-type-options'], 'nosniff', where);
      assert.match(String(r.headers['content-security-policy']), /default-src 'self'/, where);
      assert.match(
        String(r.headers['content-security-policy']),
        /frame-ancestors 'self'|frame-ancestors 'none'/,
        where,
      );
      assert.ok(['SAMEORIGIN', 'DENY'].includes(String(r.headers['x-frame-options'])), where);
      assert.equal(r.headers['referrer-policy'], 'no-referrer', where);
      assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin', where);
      assert.equal(r.headers['x-powered-by'], undefined, where);
      assert.equal(r.headers['strict-transport-security'], undefined, where);
    }
  }));

test('every /v1 answer, errors included, is marked cache-control: no-store', () =>
  withHarness(async (h) => {
    const signup = await h.inject({
      method: 'POST',
      url: '/v1/auth/signup',
      payload: { email: 'cache@example.com', password: PASSWORD, client: 'app' },
    });
    const answers = [
      signup,
      await h.inject({ method: 'GET', url: '/v1/me', headers: { authorization: `Bearer ${signup.json().token}` } }),
      await h.inject({ method: 'GET', url: '/v1/me' }),
      await h.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'cache@example.com', password: 'nope nope nope' },
      }),
      await h.inject({ method: 'GET', url: '/v1/nope' }),
      await h.inject({
        method: 'POST',
        url: '/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{bad',
      }),
    ];
    for (const r of answers) assert.equal(r.headers['cache-control'], 'no-store', `${r.statusCode} ${r.raw.req.url}`);
  }));
