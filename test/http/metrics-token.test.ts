// GET /metrics tells an outsider how the service is used and when it is attacked: with
// TWOFOLD_METRICS_TOKEN set, only a scraper with the token reads it; unset, it stays open.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/runtime/config.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { assertProblem } from './http-helpers.js';

const TOKEN = 'metrics-token-0123456789abcdef';

describe('with TWOFOLD_METRICS_TOKEN set', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ env: { TWOFOLD_METRICS_TOKEN: TOKEN } });
    await h.app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(() => h.close());

  test('metrics without the token are refused with a 401 problem and a Bearer challenge', async () => {
    for (const authorization of [
      undefined,
      'Bearer wrong-token-0123456789abcdef',
      `Basic ${TOKEN}`,
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      'Bearer ',
    ]) {
      const res = await h.inject({
        method: 'GET',
        url: '/metrics',
        headers: authorization === undefined ? {} : { authorization },
      });
      assertProblem(res, 401, 'unauthorized');
      assert.match(String(res.headers['www-authenticate']), /^Bearer\b/);
      assert.doesNotMatch(res.body, /twofold_|process_/, 'no figure leaks in the refusal');
    }
  });

  test('a scraper with the token reads the metrics, over a real connection', async () => {
    const address = h.app.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${address.port}/metrics`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    assert.match(await res.text(), /^# HELP /m);
    const lower = await h.inject({ method: 'GET', url: '/metrics', headers: { authorization: `bearer ${TOKEN}` } });
    assert.equal(lower.statusCode, 200, 'the scheme name is case-insensitive (RFC 7235 §2.1)');
  });

  test('the token only guards /metrics: health checks stay open', async () => {
    assert.equal((await h.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
  });
});

describe('without TWOFOLD_METRICS_TOKEN', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  test('metrics stay open, as before', async () => {
    const res = await h.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /^# HELP /m);
  });
});

test('a guessable or malformed metrics token stops start-up naming the variable', () => {
  for (const bad of ['short', 'fifteen-chars-x', 'sixteen chars !!!']) {
    assert.throws(
      () => loadConfig({ TWOFOLD_METRICS_TOKEN: bad }),
      (e: unknown) => e instanceof ConfigError && e.message.startsWith('TWOFOLD_METRICS_TOKEN:'),
    );
  }
  assert.equal(loadConfig({ TWOFOLD_METRICS_TOKEN: TOKEN }).metricsToken, TOKEN);
  assert.equal(loadConfig({}).metricsToken, undefined);
});
