// The account the route fuzzing must leave untouched: a harness with one verified account that has
// TOTP on and an access key, the list of routes from GET /v1/openapi.json (and a few outside it),
// a snapshot of what must not change, and what every answer to hostile input must look like
// (below 500; a 4xx is problem+json, or OAuth error JSON on /oauth/, or the portal's 404 page).
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { verifyEmail } from '../helpers/verify-email.js';

export const PASSWORD = 'correct horse battery staple';
export const EMAIL = 'fuzz-owner@example.com';
export const RUNS = Number(process.env.TWOFOLD_FUZZ_RUNS ?? 300);
export const TIME_LIMIT_MS = 20_000;

export interface Seeded {
  h: Harness;
  token: string;
  secret: string;
  key: { id: string; secret: string };
  routes: Array<{ method: string; path: string }>;
}

/** What must not change: the profile, the factor, the sessions and the keys. */
export async function snapshot(h: Harness, token: string): Promise<Record<string, unknown>> {
  const get = async (url: string) =>
    (await h.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).json<unknown>();
  const sessions = (await get('/v1/me/sessions')) as Array<{ id: string }>;
  return {
    me: await get('/v1/me'),
    mfa: await get('/v1/me/mfa'),
    sessions: sessions.map((s) => s.id).sort(),
    keys: await get('/v1/me/access-keys'),
  };
}

/** A harness with the seeded account (TOTP on, one access key) and every route to aim at. */
export async function seededHarness(): Promise<Seeded> {
  let h: Harness;
  for (let attempt = 1; ; attempt++) {
    try {
      h = await startHarness();
      break;
    } catch (e) {
      // On PostgreSQL another test file's DROP SCHEMA can trip the migrator's introspection.
      if (attempt >= 4 || !/schema "[^"]+" does not exist/.test((e as Error).message)) throw e;
    }
  }
  const up = await h.inject({
    method: 'POST',
    url: '/v1/auth/signup',
    payload: { email: EMAIL, password: PASSWORD, client: 'app' },
  });
  const token: string = up.json().token;
  await verifyEmail(h, EMAIL);
  const auth = { authorization: `Bearer ${token}` };
  const setup = (
    await h.inject({
      method: 'POST',
      url: '/v1/me/mfa/setup',
      headers: auth,
      payload: { method: 'totp', password: PASSWORD },
    })
  ).json();
  const secret: string = setup.secret;
  const on = await h.inject({
    method: 'POST',
    url: '/v1/me/mfa/setup/verify',
    headers: auth,
    payload: { setup_id: setup.setup_id, code: totpAt(base32Decode(secret), h.clock.now()) },
  });
  assert.equal(on.statusCode, 200, on.body);
  const made = (
    await h.inject({ method: 'POST', url: '/v1/me/access-keys', headers: auth, payload: { password: PASSWORD } })
  ).json();
  const key = { id: made.id as string, secret: made.secret as string };
  const doc = (await h.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  const routes = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })),
  );
  routes.push(
    { method: 'GET', path: '/v1/openapi.json' },
    { method: 'GET', path: '/metrics' },
    { method: 'GET', path: '/' },
  );
  assert.ok(routes.length > 25, `routes: ${routes.length}`);
  return { h, token, secret, key, routes };
}

export function assertWellBehaved(
  res: LightMyRequestResponse,
  method: string,
  url: string,
  headers: Record<string, string>,
): void {
  assert.ok(res.statusCode < 500, `${method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  // The portal answers a browser's GET of an unknown page with its own page and a 404.
  const portalPage =
    (method === 'GET' || method === 'HEAD') &&
    (headers.accept ?? '').includes('text/html') &&
    res.statusCode === 404 &&
    /^text\/html/.test(String(res.headers['content-type']));
  // The OAuth endpoints (RFC 8628) answer OAuth error JSON (RFC 6749 §5.2), not problem+json
  // (what the router or CSRF refuses before them is still a problem).
  const oauthAnswer = url.startsWith('/oauth/') && /^application\/json/.test(String(res.headers['content-type']));
  if (res.statusCode >= 400 && oauthAnswer) {
    assert.equal(typeof (JSON.parse(res.body) as { error?: unknown }).error, 'string');
  } else if (res.statusCode >= 400 && !portalPage) {
    assert.match(
      String(res.headers['content-type']),
      /^application\/problem\+json/,
      `${method} ${url} ${res.statusCode}`,
    );
    if (method !== 'HEAD') {
      const p = JSON.parse(res.body) as { code?: unknown; status?: unknown };
      assert.equal(typeof p.code, 'string');
      assert.equal(p.status, res.statusCode);
    }
  }
}
