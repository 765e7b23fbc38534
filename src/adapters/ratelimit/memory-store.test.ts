import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../core/ports/clock.js';
import { MemoryRateLimitStore } from './memory-store.js';
import { runRateLimitStoreContract } from '../../../test/storage/rate-limit-store-contract.js';

runRateLimitStoreContract('memory', async () => {
  const clock = new ManualClock();
  const store = new MemoryRateLimitStore(clock);
  return { store, advance: (ms) => clock.advance(ms), cleanup: () => store.close() };
});

describe('MemoryRateLimitStore memory bounds', () => {
  test('the periodic sweep drops expired entries', async () => {
    const clock = new ManualClock();
    const store = new MemoryRateLimitStore(clock);
    try {
      await store.hit('short', 1_000);
      await store.claim('claim', 1_000);
      await store.hit('long', 60_000);
      assert.equal(store.size, 3);
      clock.advance(1_001);
      store.sweep();
      assert.equal(store.size, 1);
      assert.equal((await store.peek('long')).count, 1);
    } finally {
      await store.close();
    }
  });

  test('the sweep also runs on its own timer', async () => {
    const clock = new ManualClock();
    const store = new MemoryRateLimitStore(clock, { sweepIntervalMs: 10 });
    try {
      await store.hit('k', 5);
      clock.advance(6);
      await new Promise((r) => setTimeout(r, 40));
      assert.equal(store.size, 0);
    } finally {
      await store.close();
    }
  });

  test('an expired entry is dropped when it is read', async () => {
    const clock = new ManualClock();
    const store = new MemoryRateLimitStore(clock);
    try {
      await store.hit('k', 100);
      clock.advance(100);
      assert.deepEqual(await store.peek('k'), { count: 0, resetInMs: 0 });
      assert.equal(store.size, 0);
    } finally {
      await store.close();
    }
  });

  test('the size never passes maxEntries; expired entries go before live ones', async () => {
    const clock = new ManualClock();
    const store = new MemoryRateLimitStore(clock, { maxEntries: 3 });
    try {
      await store.hit('expiring', 10);
      await store.hit('a', 60_000);
      await store.hit('b', 60_000);
      clock.advance(2_000);
      await store.hit('c', 60_000);
      assert.equal(store.size, 3);
      assert.equal((await store.peek('a')).count, 1, 'a live entry was evicted while an expired one was held');
      for (let i = 0; i < 100; i++) await store.hit(`flood-${i}`, 60_000);
      assert.equal(store.size, 3);
      // With only live entries at the cap, the earliest-opened windows make room.
      assert.equal((await store.peek('a')).count, 0);
      assert.equal((await store.peek('flood-99')).count, 1);
    } finally {
      await store.close();
    }
  });

  test('the sweep timer does not keep the process alive', async () => {
    const store = new MemoryRateLimitStore(new ManualClock());
    // If the timer were ref'd, this test file would never exit; checking hasRef documents why.
    const timer = (store as unknown as { timer: NodeJS.Timeout }).timer;
    assert.equal(timer.hasRef(), false);
    await store.close();
  });
});
