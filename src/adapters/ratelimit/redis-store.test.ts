import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Redis } from 'ioredis';
import { AppError } from '../../core/errors.js';
import { createRedis } from './redis-client.js';
import { RedisRateLimitStore } from './redis-store.js';
import { runRateLimitStoreContract } from '../../../test/storage/rate-limit-store-contract.js';

// Tests against a real server need one (.ci/run's second pass sets the URL); without it they are
// reported as skipped, with the reason.
const redisUrl = process.env.TWOFOLD_TEST_REDIS_URL ?? '';
const needsRedis = redisUrl ? false : 'needs TWOFOLD_TEST_REDIS_URL (Redis)';

// A random prefix per run, and per store, so parallel runs never share keys.
const runPrefix = `twofold-test:${randomUUID()}:`;
// Cleans up behind the stores; connected before use because the offline queue is off.
let admin: Promise<Redis> | undefined;
const adminClient = (): Promise<Redis> => {
  admin ??= (async () => {
    const redis = createRedis(redisUrl, { lazyConnect: true });
    await redis.connect();
    return redis;
  })();
  return admin;
};

after(async () => {
  if (!admin) return; // nothing connected (or skipped)
  const redis = await admin;
  await deleteByPrefix(redis, runPrefix);
  await redis.quit();
});

let n = 0;
runRateLimitStoreContract(
  'redis',
  async () => {
    const prefix = `${runPrefix}${n++}:`;
    const store = new RedisRateLimitStore(createRedis(redisUrl), prefix);
    return {
      store,
      advance: (ms) => sleep(ms),
      cleanup: async () => {
        await store.close();
        await deleteByPrefix(await adminClient(), prefix);
      },
    };
  },
  { skip: needsRedis },
);

describe('RedisRateLimitStore with a live server', { skip: needsRedis }, () => {
  test('a counter written by one instance is seen by another', async () => {
    const prefix = `${runPrefix}shared:`;
    const a = new RedisRateLimitStore(createRedis(redisUrl), prefix);
    const b = new RedisRateLimitStore(createRedis(redisUrl), prefix);
    try {
      await a.hit('k', 10_000);
      assert.equal((await b.hit('k', 10_000)).count, 2);
      assert.equal(await a.claim('c', 10_000), true);
      assert.equal(await b.claim('c', 10_000), false);
    } finally {
      await a.close();
      await b.close();
      await deleteByPrefix(await adminClient(), prefix);
    }
  });

  test('a closed store answers service_unavailable', async () => {
    const store = new RedisRateLimitStore(createRedis(redisUrl), `${runPrefix}closed:`);
    await store.hit('k', 1_000);
    await store.close();
    await assert.rejects(store.hit('k', 1_000), isUnavailable);
  });
});

// Needs no server: nothing listens on port 1, so every call must fail closed, and fast.
describe('RedisRateLimitStore without a reachable server', () => {
  test('every operation throws AppError service_unavailable within 3 s', async () => {
    const store = new RedisRateLimitStore(createRedis('redis://127.0.0.1:1'), 'twofold-test:');
    const started = Date.now();
    try {
      await assert.rejects(store.hit('k', 1_000), isUnavailable);
      await assert.rejects(store.peek('k'), isUnavailable);
      await assert.rejects(store.reset('k'), isUnavailable);
      await assert.rejects(store.claim('k', 1_000), isUnavailable);
    } finally {
      await store.close();
    }
    assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
  });

  test('a lazily connecting client fails closed too', async () => {
    const store = new RedisRateLimitStore(createRedis('redis://127.0.0.1:1', { lazyConnect: true }));
    const started = Date.now();
    try {
      await assert.rejects(store.hit('k', 1_000), isUnavailable);
    } finally {
      await store.close();
    }
    assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
  });
});

function isUnavailable(err: unknown): boolean {
  assert.ok(err instanceof AppError, `expected an AppError, got ${String(err)}`);
  assert.equal(err.code, 'service_unavailable');
  assert.equal(err.status, 503);
  assert.equal(err.message, 'The rate-limit store is unreachable');
  return true;
}

async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
}
