// The interactive reference at /docs: an HTML page whose scripts and styles the server itself
// serves (no CDN: it works offline), fed by the OpenAPI the server builds, under the same CSP as
// every other answer (no route got a looser policy for it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withHarness } from '../helpers/harness.js';

/** The src/href of every <script> and <link> of an HTML page. */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*?\s(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
}

test('/docs answers an HTML page whose every script and stylesheet loads from this server', () =>
  withHarness(async (h) => {
    const page = await h.inject({ method: 'GET', url: '/docs', headers: { accept: 'text/html' } });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers['content-type']), /^text\/html/);
    assert.match(page.body, /<title>Twofold API reference<\/title>/);
    const assets = assetsOf(page.body);
    assert.ok(
      assets.some((a) => a.endsWith('swagger-ui-bundle.js')),
      `a script bundle among ${assets.join(', ')}`,
    );
    assert.ok(
      assets.some((a) => a.endsWith('.css')),
      'a stylesheet',
    );
    for (const asset of assets) {
      assert.ok(asset.startsWith('/docs/'), `${asset} is served by this server, not a CDN`);
      const r = await h.inject({ method: 'GET', url: asset });
      assert.equal(r.statusCode, 200, asset);
      assert.ok(r.rawPayload.length > 0, `${asset} is not empty`);
    }
    assert.doesNotMatch(
      page.body,
      /<script>(?!\s*<\/script>)|<script[^>]*>[^<\s]/,
      'no inline script (script-src self)',
    );
  }));

test('the page is configured to read the spec from this server and never calls the online validator', () =>
  withHarness(async (h) => {
    const init = await h.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
    assert.equal(init.statusCode, 200);
    assert.match(init.body, /validatorUrl: null/);
    const spec = await h.inject({ method: 'GET', url: '/docs/json' });
    const served = await h.inject({ method: 'GET', url: '/v1/openapi.json' });
    assert.deepEqual(spec.json(), served.json(), '/docs shows the same OpenAPI as /v1/openapi.json');
  }));

test('/docs and its assets carry the same CSP as the API and the portal: nothing was loosened', () =>
  withHarness(async (h) => {
    const csp = async (url: string) =>
      (await h.inject({ method: 'GET', url, headers: { accept: 'text/html' } })).headers['content-security-policy'];
    const reference = await csp('/healthz');
    assert.match(String(reference), /script-src 'self';/);
    for (const url of ['/docs', '/docs/static/swagger-ui-bundle.js', '/docs/json', '/v1/me', '/', '/login']) {
      assert.equal(await csp(url), reference, url);
    }
  }));

test('the reference is not part of the API it documents: no /docs path in the OpenAPI', () =>
  withHarness(async (h) => {
    const paths = Object.keys(
      (await h.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{ paths: object }>().paths,
    );
    assert.deepEqual(
      paths.filter((p) => p.startsWith('/docs')),
      [],
    );
  }));
