// The security headers are computed once; every answer — a route, a 404, an error — must still
// carry the full set, with HSTS and upgrade-insecure-requests only on an https deployment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { registerSecurityHeaders } from './security-headers.js';

const CSP =
  "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;" +
  "object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline'";

async function answers(secure: boolean) {
  const app = Fastify();
  registerSecurityHeaders(app, secure);
  app.get('/ok', async () => ({ ok: true }));
  app.get('/boom', async () => {
    throw new Error('boom');
  });
  const out = await Promise.all(['/ok', '/missing', '/boom'].map((url) => app.inject({ url })));
  await app.close();
  return out;
}

test('every answer over http carries the CSP and the helmet defaults, and no HSTS', async () => {
  for (const r of await answers(false)) {
    assert.equal(r.headers['content-security-policy'], CSP);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN');
    assert.equal(r.headers['referrer-policy'], 'no-referrer');
    assert.equal(r.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(r.headers['cross-origin-resource-policy'], 'same-origin');
    assert.equal(
      r.headers['cross-origin-embedder-policy'],
      undefined,
      'COEP would block the portal from loading data: images',
    );
    assert.equal(r.headers['strict-transport-security'], undefined);
  }
});

test('over https every answer also carries HSTS for a year and asks to upgrade insecure requests', async () => {
  const [ok, missing, boom] = await answers(true);
  for (const r of [ok!, missing!, boom!]) {
    assert.equal(r.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    assert.equal(r.headers['content-security-policy'], `${CSP};upgrade-insecure-requests`);
  }
  assert.deepEqual([ok!.statusCode, missing!.statusCode, boom!.statusCode], [200, 404, 500]);
});
