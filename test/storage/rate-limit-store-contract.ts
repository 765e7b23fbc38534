import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import type { RateLimitStore } from '../../src/core/ports/rate-limit.js';

/**
 * The behaviour every RateLimitStore must share, written once and run against each adapter
 * (memory with a manual clock, Redis with real time), so the in-process and the shared store can
 * never drift apart. Imported only by tests.
 */

export interface ContractStore {
  store: RateLimitStore;
  /** Lets time pass: moves a manual clock, or sleeps for a store on real time. */
  advance(ms: number): Promise<void> | void;
  /** Closes the store and removes whatever it wrote. */
  cleanup(): Promise<void>;
}

/** Short enough for a real-time store to expire quickly, long enough to survive a slow hit. */
const SHORT_WINDOW_MS = 300;
/** For the tests that must not see a window close while they run. */
const LONG_WINDOW_MS = 60_000;
/** Past SHORT_WINDOW_MS with a margin for timer and Redis expiry jitter. */
const PAST_SHORT_WINDOW_MS = SHORT_WINDOW_MS + 100;

export function runRateLimitStoreContract(
  name: string,
  makeStore: () => Promise<ContractStore>,
  options: { skip?: string | false } = {},
): void {
  describe(`RateLimitStore contract: ${name}`, { skip: options.skip ?? false }, () => {
    // Each test gets a fresh store and its own keys; cleanup runs even when an assertion fails.
    const withStore = (fn: (ctx: ContractStore, key: (label: string) => string) => Promise<void>) => async () => {
      const ctx = await makeStore();
      const run = randomUUID();
      try {
        await fn(ctx, (label) => `contract:${run}:${label}`);
      } finally {
        await ctx.cleanup();
      }
    };

    test(
      'counts increase within a window',
      withStore(async ({ store }, key) => {
        const k = key('count');
        const first = await store.hit(k, LONG_WINDOW_MS);
        assert.equal(first.count, 1);
        assert.ok(first.resetInMs > 0 && first.resetInMs <= LONG_WINDOW_MS, `resetInMs ${first.resetInMs}`);
        assert.equal((await store.hit(k, LONG_WINDOW_MS)).count, 2);
        assert.equal((await store.hit(k, LONG_WINDOW_MS)).count, 3);
      }),
    );

    test(
      'keys are independent',
      withStore(async ({ store }, key) => {
        await store.hit(key('a'), LONG_WINDOW_MS);
        await store.hit(key('a'), LONG_WINDOW_MS);
        assert.equal((await store.hit(key('b'), LONG_WINDOW_MS)).count, 1);
      }),
    );

    test(
      'the window resets after windowMs and later hits do not extend it',
      withStore(async ({ store, advance }, key) => {
        const k = key('window');
        assert.equal((await store.hit(k, SHORT_WINDOW_MS)).count, 1);
        await advance(SHORT_WINDOW_MS / 3);
        const second = await store.hit(k, SHORT_WINDOW_MS);
        assert.equal(second.count, 2);
        // Fixed window: the second hit sees what is left of the first hit's window, not a new one.
        assert.ok(second.resetInMs <= (SHORT_WINDOW_MS * 2) / 3 + 20, `resetInMs ${second.resetInMs}`);
        await advance(PAST_SHORT_WINDOW_MS);
        assert.deepEqual(await store.peek(k), { count: 0, resetInMs: 0 });
        const fresh = await store.hit(k, SHORT_WINDOW_MS);
        assert.equal(fresh.count, 1);
        assert.ok(fresh.resetInMs > 0 && fresh.resetInMs <= SHORT_WINDOW_MS, `resetInMs ${fresh.resetInMs}`);
      }),
    );

    test(
      'peek reads without changing the count',
      withStore(async ({ store }, key) => {
        const k = key('peek');
        assert.deepEqual(await store.peek(k), { count: 0, resetInMs: 0 });
        assert.deepEqual(await store.peek(k), { count: 0, resetInMs: 0 });
        await store.hit(k, LONG_WINDOW_MS);
        await store.hit(k, LONG_WINDOW_MS);
        const seen = await store.peek(k);
        assert.equal(seen.count, 2);
        assert.ok(seen.resetInMs > 0 && seen.resetInMs <= LONG_WINDOW_MS);
        assert.equal((await store.peek(k)).count, 2);
        assert.equal((await store.hit(k, LONG_WINDOW_MS)).count, 3);
      }),
    );

    test(
      'reset clears the counter',
      withStore(async ({ store }, key) => {
        const k = key('reset');
        await store.hit(k, LONG_WINDOW_MS, 5);
        await store.reset(k);
        assert.deepEqual(await store.peek(k), { count: 0, resetInMs: 0 });
        assert.equal((await store.hit(k, LONG_WINDOW_MS)).count, 1);
        await store.reset(key('never-used'));
      }),
    );

    test(
      'hit adds `by`',
      withStore(async ({ store }, key) => {
        const k = key('by');
        assert.equal((await store.hit(k, LONG_WINDOW_MS, 3)).count, 3);
        assert.equal((await store.hit(k, LONG_WINDOW_MS, 4)).count, 7);
        assert.equal((await store.hit(k, LONG_WINDOW_MS)).count, 8);
        assert.equal((await store.peek(k)).count, 8);
      }),
    );

    test(
      'claim is true, then false while it lives, then true after ttl',
      withStore(async ({ store, advance }, key) => {
        const k = key('claim');
        assert.equal(await store.claim(k, SHORT_WINDOW_MS), true);
        assert.equal(await store.claim(k, SHORT_WINDOW_MS), false);
        assert.equal(await store.claim(k, SHORT_WINDOW_MS), false);
        assert.equal(await store.claim(key('other-claim'), SHORT_WINDOW_MS), true);
        await advance(PAST_SHORT_WINDOW_MS);
        assert.equal(await store.claim(k, SHORT_WINDOW_MS), true);
        assert.equal(await store.claim(k, SHORT_WINDOW_MS), false);
      }),
    );

    test(
      '50 concurrent hits count exactly 50',
      withStore(async ({ store }, key) => {
        const k = key('concurrent');
        const results = await Promise.all(Array.from({ length: 50 }, () => store.hit(k, LONG_WINDOW_MS)));
        const counts = results.map((r) => r.count).sort((a, b) => a - b);
        assert.deepEqual(
          counts,
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        assert.equal((await store.peek(k)).count, 50);
      }),
    );

    test(
      'parallel reservations never pass a limit: 60 at once against max 10 take exactly 10',
      withStore(async ({ store }, key) => {
        const slot = { key: key('reserve'), max: 10, windowMs: LONG_WINDOW_MS };
        const results = await Promise.all(Array.from({ length: 60 }, () => store.reserve([slot])));
        assert.equal(results.filter((r) => r.ok).length, 10);
        for (const r of results)
          if (!r.ok)
            assert.ok(r.key === slot.key && r.resetInMs > 0 && r.resetInMs <= LONG_WINDOW_MS, JSON.stringify(r));
        assert.equal((await store.peek(slot.key)).count, 10);
      }),
    );

    test(
      'an attempt refused by one limit takes nothing from the others, even in parallel',
      withStore(async ({ store }, key) => {
        // The pair is full; a flood through it must not use up the account's budget.
        const pair = { key: key('pair'), max: 2, windowMs: LONG_WINDOW_MS };
        const account = { key: key('account'), max: 100, windowMs: LONG_WINDOW_MS };
        const results = await Promise.all(Array.from({ length: 40 }, () => store.reserve([account, pair])));
        assert.equal(results.filter((r) => r.ok).length, 2);
        assert.equal((await store.peek(pair.key)).count, 2);
        assert.equal((await store.peek(account.key)).count, 2);
      }),
    );

    test(
      'release gives one place back or clears, never below zero',
      withStore(async ({ store }, key) => {
        const a = { key: key('rel-a'), max: 3, windowMs: LONG_WINDOW_MS };
        const b = { key: key('rel-b'), max: 3, windowMs: LONG_WINDOW_MS };
        for (let i = 0; i < 3; i++) assert.equal((await store.reserve([a, b])).ok, true);
        assert.equal((await store.reserve([a])).ok, false);
        await store.release([{ key: a.key }, { key: b.key, clear: true }]);
        assert.equal((await store.peek(a.key)).count, 2);
        assert.equal((await store.peek(b.key)).count, 0);
        assert.equal((await store.reserve([a])).ok, true);
        await store.release([{ key: key('never') }, { key: b.key }]);
        assert.equal((await store.peek(key('never'))).count, 0);
        assert.equal((await store.peek(b.key)).count, 0);
      }),
    );

    test(
      'a reservation opens a window that closes after windowMs',
      withStore(async ({ store, advance }, key) => {
        const slot = { key: key('reserve-window'), max: 1, windowMs: SHORT_WINDOW_MS };
        assert.equal((await store.reserve([slot])).ok, true);
        assert.equal((await store.reserve([slot])).ok, false);
        await advance(PAST_SHORT_WINDOW_MS);
        assert.equal((await store.reserve([slot])).ok, true);
      }),
    );

    test(
      '50 concurrent claims of one key succeed exactly once',
      withStore(async ({ store }, key) => {
        const k = key('concurrent-claim');
        const results = await Promise.all(Array.from({ length: 50 }, () => store.claim(k, LONG_WINDOW_MS)));
        assert.equal(results.filter(Boolean).length, 1);
      }),
    );
  });
}
