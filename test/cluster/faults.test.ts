// Faults a cluster lives through: an instance SIGKILLed in the middle of a set-up, a sign-in or a
// key creation leaves no half state and the others keep serving; Redis gone makes the security
// checks that need it fail closed (503, never a success) and they heal by themselves; PostgreSQL
// unreachable makes requests answer 503 problems and /readyz 503, and they heal by themselves.
// Runs when TWOFOLD_TEST_DATABASE_URL and TWOFOLD_TEST_REDIS_URL are set. Never stops the
// machine's PostgreSQL or Redis: the test's own redis-server and TCP proxy stand in for them.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { PUBLIC_URL, startCluster, type Cluster } from './cluster.js';
import {
  PASSWORD,
  assertProblem,
  call,
  challengeAt,
  enableTotp,
  login,
  signUp,
  signed,
  totpNow,
  uniqueEmail,
  verifyAt,
  type Answer,
} from './client.js';
import { Instance, PrivateRedis, TcpProxy, sleep, within } from './processes.js';
import { needsPostgresAndRedis } from '../helpers/services.js';

/**
 * When each victim dies, as a share of how long the same request took on it warm: early in its
 * work, in the middle, near the end. Self-calibrating, so a fast or a loaded machine both get
 * kills inside the request rather than all before or all after it.
 */
const KILL_AT = [0.15, 0.5, 0.9];

interface Attempt {
  path: string;
  json: unknown;
  token: string;
  /** The invariants after the kill; `outcome` says whether an answer came back first. */
  check(outcome: string): Promise<string>;
}

/**
 * POSTs to the victim; with `killAfterMs`, SIGKILLs it that long after the request is on the
 * wire. Answers what the client saw and the time from sending to the answer.
 */
function post(victim: Instance, a: Attempt, killAfterMs?: number): Promise<{ outcome: string; ms: number }> {
  return new Promise((resolve) => {
    const body = JSON.stringify(a.json);
    let sentAt = 0;
    const req = request(`${victim.url}${a.path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${a.token}`,
        'content-length': Buffer.byteLength(body),
      },
    });
    req.on('response', (res) => {
      res.resume();
      resolve({ outcome: `answered ${res.statusCode}`, ms: performance.now() - sentAt });
    });
    req.on('error', () => resolve({ outcome: 'cut off', ms: performance.now() - sentAt }));
    req.on('finish', () => {
      sentAt = performance.now();
      if (killAfterMs !== undefined) setTimeout(() => void victim.kill(), killAfterMs);
    });
    req.end(body);
  });
}

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
  /** The survivors: every check after a kill goes through them. */
  const survivor = (n: number) => c.instances[n % c.instances.length]!.url;

  before(async () => {
    c = await startCluster({ size: 2, redisDb: 14 });
  });
  after(async () => {
    await c?.close();
  });

  /** Fresh victims for one kind of kill, started together (each is SIGKILLed once). */
  /** Three fresh victims; each serves the request twice warm, then is killed during a third. */
  async function killDuring(t: TestContext, prepare: (n: number) => Promise<Attempt>): Promise<void> {
    const victims = await Promise.all(KILL_AT.map((_, n) => Instance.start(`victim${n}`, c.env)));
    for (const [n, victim] of victims.entries()) {
      let warm = 0;
      for (let w = 0; w < 2; w++) warm = (await post(victim, await prepare(n))).ms;
      const attempt = await prepare(n);
      const delay = Math.round(warm * KILL_AT[n]!);
      const { outcome } = await post(victim, attempt, delay);
      t.diagnostic(
        `warm request ${warm.toFixed(1)} ms, killed after ${delay} ms: ${outcome}, ${await attempt.check(outcome)}`,
      );
      for (const u of c.instances.map((i) => i.url)) {
        assert.equal((await call(u, 'GET', '/readyz')).status, 200, `${u} ready`);
        assert.equal((await call(u, 'GET', '/v1/me', { token: attempt.token })).status, 200, `${u} serves`);
      }
    }
  }

  test('SIGKILL during TOTP set-up: the factor is on with its recovery code, or nothing changed', async (t) => {
    await killDuring(t, async (n) => {
      const { token, userId } = await signUp(survivor(n), uniqueEmail('kill-setup'));
      const s = await call(survivor(n + 1), 'POST', '/v1/me/mfa/setup', {
        token,
        json: { method: 'totp', password: PASSWORD },
      });
      const recoveryCodes = async () =>
        (await c.query('select 1 from recovery_codes where user_id = $1', [userId])).length;
      return {
        path: '/v1/me/mfa/setup/verify',
        json: { setup_id: s.body.setup_id, code: totpNow(s.body.secret) },
        token,
        check: async () => {
          const on = (await call(survivor(n), 'GET', '/v1/me/mfa', { token })).body.enabled as boolean;
          assert.equal(await recoveryCodes(), on ? 1 : 0, 'a recovery code exists exactly when the factor is on');
          if (!on) {
            // Nothing changed: the same set-up can still be confirmed on another instance.
            const again = await call(survivor(n + 1), 'POST', '/v1/me/mfa/setup/verify', {
              token,
              json: { setup_id: s.body.setup_id, code: totpNow(s.body.secret, 1) },
            });
            assert.equal(again.status, 200, again.text);
            assert.equal(await recoveryCodes(), 1);
          }
          return `factor ${on ? 'on' : 'off'}`;
        },
      };
    });
  });

  test('SIGKILL during a sign-in: the factor stays on, at most one session is made, and the next sign-in works elsewhere', async (t) => {
    await killDuring(t, async (n) => {
      const email = uniqueEmail('kill-signin');
      const { token, userId } = await signUp(survivor(n), email);
      const { secret } = await enableTotp(survivor(n), survivor(n + 1), token); // spends the previous step
      const challenge = await challengeAt(survivor(n), email);
      return {
        path: '/v1/auth/login/verify',
        json: { challenge, code: totpNow(secret) },
        token,
        check: async () => {
          const [{ n: sessions }] = (await c.query<{ n: number }>(
            'select count(*)::int as n from sessions where user_id = $1',
            [userId],
          )) as [{ n: number }];
          assert.ok(sessions === 1 || sessions === 2, 'the set-up session, plus at most the one sign-in');
          assert.equal((await call(survivor(n), 'GET', '/v1/me/mfa', { token })).body.enabled, true);
          assert.equal(
            (await c.query('select 1 from recovery_codes where user_id = $1 and used_at is null', [userId])).length,
            1,
          );
          const next = await verifyAt(survivor(n + 1), await challengeAt(survivor(n + 1), email), totpNow(secret, 1));
          assert.equal(next.status, 200, next.text);
          return `sessions ${sessions}`;
        },
      };
    });
  });

  test('SIGKILL during access-key creation: zero or one key, stored whole, and the limit still counts', async (t) => {
    await killDuring(t, async (n) => {
      const { token, userId } = await signUp(survivor(n), uniqueEmail('kill-key'));
      return {
        path: '/v1/me/access-keys',
        json: { password: PASSWORD },
        token,
        check: async () => {
          const listed = (await call(survivor(n + 1), 'GET', '/v1/me/access-keys', { token })).body as { id: string }[];
          const rows = await c.query<{ id: string; secret_enc: string }>(
            'select id, secret_enc from access_keys where user_id = $1',
            [userId],
          );
          assert.ok(rows.length <= 1);
          assert.deepEqual(
            listed.map((k) => k.id),
            rows.map((r) => r.id),
          );
          assert.ok(
            rows.every((r) => typeof r.secret_enc === 'string' && r.secret_enc.length > 40),
            'no key row without its sealed secret',
          );
          for (let k = rows.length; k < 2; k++)
            assert.equal(
              (await call(survivor(n), 'POST', '/v1/me/access-keys', { token, json: { password: PASSWORD } })).status,
              201,
            );
          assertProblem(
            await call(survivor(n + 1), 'POST', '/v1/me/access-keys', { token, json: { password: PASSWORD } }),
            409,
            'access_key_limit',
          );
          return `keys ${rows.length}`;
        },
      };
    });
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
