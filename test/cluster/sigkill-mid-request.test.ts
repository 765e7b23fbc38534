// An instance SIGKILLed in the middle of a request leaves no half state and the others keep
// serving: killed during a TOTP set-up (the factor is on with its recovery code, or nothing
// changed), a sign-in (at most one session, the factor stays on) or an access-key creation (zero
// or one key, stored whole). Runs when TWOFOLD_TEST_DATABASE_URL and TWOFOLD_TEST_REDIS_URL are set.
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startCluster, type Cluster } from './cluster.js';
import {
  PASSWORD,
  assertProblem,
  call,
  challengeAt,
  enableTotp,
  signUp,
  totpNow,
  uniqueEmail,
  verifyAt,
} from './client.js';
import { Instance } from './processes.js';
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
});
