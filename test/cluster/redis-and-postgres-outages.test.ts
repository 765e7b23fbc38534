// Outages a cluster lives through, healing by themselves: Redis gone makes the security checks
// that need it fail closed (503, never a success) while sessions still work; PostgreSQL unreachable
// makes requests under load answer 503 problems and /readyz 503. Runs when
// TWOFOLD_TEST_DATABASE_URL and TWOFOLD_TEST_REDIS_URL are set. Never stops the machine's
// PostgreSQL or Redis: the test's own redis-server and TCP proxy stand in for them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PUBLIC_URL, startCluster, type Cluster } from './cluster.js';
import { PASSWORD, call, login, signUp, signed, uniqueEmail, type Answer } from './client.js';
import { Instance, PrivateRedis, TcpProxy, sleep, within } from './processes.js';
import { needsPostgresAndRedis } from '../helpers/services.js';

/**
 * Polls until `probe` answers true, or fails after `ms`. Only for a service healing by itself: the
 * instance reconnects inside its own pool or client and says nothing outside, so asking again is
 * the only way to see it (no event exists to wait for).
 */
async function eventually(probe: () => Promise<boolean>, what: string, ms = 30_000): Promise<number> {
  const start = Date.now();
  while (!(await probe().catch(() => false))) {
    if (Date.now() - start > ms) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(200);
  }
  return Date.now() - start;
}

const isServiceUnavailable = (r: Answer) =>
  r.status === 503 &&
  /^application\/problem\+json/.test(r.headers.get('content-type') ?? '') &&
  r.body?.code === 'service_unavailable';

describe('faults in a cluster on PostgreSQL and Redis', { skip: needsPostgresAndRedis }, () => {
  let c: Cluster;

  before(async () => {
    c = await startCluster({ size: 2, redisDb: 10 });
  });
  after(async () => {
    await c?.close();
  });

  test('Redis down: password checks and signed writes answer 503 problems, never a success, and heal when Redis is back', async (t) => {
    const redis = await PrivateRedis.start();
    const inst = await Instance.start('own-redis', { ...c.env, TWOFOLD_REDIS_URL: redis.url });
    try {
      const email = uniqueEmail('redis-down');
      const { token } = await signUp(inst.url, email);
      const key = await call(inst.url, 'POST', '/v1/me/access-keys', { token, json: { password: PASSWORD } });
      assert.equal(key.status, 201, key.text);
      await redis.down();
      const refused: Answer[] = [
        await login(inst.url, email),
        await call(inst.url, 'POST', '/v1/auth/login', {
          json: { email, password: 'not the password at all', client: 'app' },
        }),
        await call(
          inst.url,
          'POST',
          '/v1/me/access-keys',
          signed(
            PUBLIC_URL,
            'POST',
            '/v1/me/access-keys',
            { id: key.body.id, secret: key.body.secret },
            { password: PASSWORD },
          ),
        ),
        await call(inst.url, 'POST', '/v1/me/mfa/setup', { token, json: { method: 'totp', password: PASSWORD } }),
      ];
      for (const r of refused)
        assert.ok(isServiceUnavailable(r), `expected 503 service_unavailable, got ${r.status} ${r.text}`);
      assert.equal(
        (await call(inst.url, 'GET', '/v1/me', { token })).status,
        200,
        'sessions live in the database and still work',
      );
      assert.equal(
        (await call(inst.url, 'GET', '/readyz')).status,
        200,
        'the database is fine: the instance stays in rotation',
      );
      await redis.up();
      const healed = await eventually(
        async () => (await login(inst.url, email)).status === 200,
        'sign-in after Redis came back',
      );
      t.diagnostic(`sign-in worked again ${healed} ms after Redis restarted`);
    } finally {
      await inst.kill();
      await redis.down();
    }
  });

  test('PostgreSQL unreachable: requests under load answer 503 problems, /readyz 503, and all heal by themselves', async (t) => {
    const pgUrl = new URL(c.db.url);
    const proxy = await TcpProxy.start({ host: pgUrl.hostname, port: Number(pgUrl.port || 5432) });
    pgUrl.host = `127.0.0.1:${proxy.port}`;
    const inst = await Instance.start('via-proxy', { ...c.env, TWOFOLD_DATABASE_URL: pgUrl.toString() });
    try {
      const email = uniqueEmail('pg-down');
      const { token } = await signUp(inst.url, email);
      const seen = new Map<string, number>();
      // The load's answers are the events the test waits for: a 200 before the cut, a 503 problem
      // once the instance noticed it, a 200 again after the heal (each within a deadline).
      const waiting = new Set<{ kind: string; wake: () => void }>();
      const answered = (kind: string, what: string) =>
        within(new Promise<void>((wake) => waiting.add({ kind, wake })), 30_000, what);
      let loading = true;
      const load = Promise.all(
        Array.from({ length: 4 }, async () => {
          while (loading) {
            const r = await call(inst.url, 'GET', '/v1/me', { token });
            const kind =
              r.status === 200
                ? '200'
                : isServiceUnavailable(r)
                  ? '503 problem'
                  : `other ${r.status} ${r.text.slice(0, 120)}`;
            seen.set(kind, (seen.get(kind) ?? 0) + 1);
            for (const w of waiting) {
              if (w.kind !== kind) continue;
              waiting.delete(w);
              w.wake();
            }
          }
        }),
      );
      await answered('200', 'the load is served before the cut');
      const refusedUnderLoad = answered('503 problem', 'a 503 problem under load after the cut');
      await proxy.cut();
      await refusedUnderLoad;
      assert.ok(isServiceUnavailable(await call(inst.url, 'GET', '/v1/me', { token })));
      assert.ok(isServiceUnavailable(await login(inst.url, email)));
      const ready = await call(inst.url, 'GET', '/readyz');
      assert.ok(isServiceUnavailable(ready), ready.text);
      assert.ok(Number(ready.headers.get('retry-after')) > 0);
      await proxy.restore();
      const healed = await eventually(
        async () => (await call(inst.url, 'GET', '/readyz')).status === 200,
        '/readyz after PostgreSQL came back',
      );
      await answered('200', 'the load is served again after the heal');
      loading = false;
      await load;
      t.diagnostic(
        `healed ${healed} ms after the proxy came back; answers under load: ${JSON.stringify(Object.fromEntries(seen))}`,
      );
      assert.deepEqual(
        [...seen.keys()].filter((k) => k !== '200' && k !== '503 problem'),
        [],
        'only 200s and 503 problems',
      );
      assert.ok((seen.get('503 problem') ?? 0) > 0 && (seen.get('200') ?? 0) > 0);
      assert.equal((await login(inst.url, email)).status, 200);
    } finally {
      await inst.kill();
      await proxy.cut();
    }
  });
});
