// Randomness is cut from a pooled block: no two calls may ever share bytes, across block
// refills too, and sizes must be exact (a short token would be a weak token).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cryptoRandom } from './crypto-random.js';

test('every call gets exactly the bytes it asked for, and no 16-byte value ever repeats', () => {
  const seen = new Set<string>();
  // 3,000 × 16 bytes crosses the 4 KiB block about a dozen times.
  for (let i = 0; i < 3000; i++) {
    const b = cryptoRandom.bytes(16);
    assert.equal(b.length, 16);
    const hex = Buffer.from(b).toString('hex');
    assert.ok(!seen.has(hex), 'a value was handed out twice');
    seen.add(hex);
  }
  for (const n of [0, 1, 31, 32, 256, 257, 5000]) assert.equal(cryptoRandom.bytes(n).length, n);
});

test('the bytes look random: over 64 KiB every byte value appears, none more than twice its share', () => {
  const counts = new Array<number>(256).fill(0);
  for (let i = 0; i < 2048; i++) for (const b of cryptoRandom.bytes(32)) counts[b]!++;
  assert.ok(Math.min(...counts) > 0);
  assert.ok(Math.max(...counts) < 2 * (65536 / 256));
});

test('a returned array is the caller’s own: changing it does not change the next one', () => {
  const a = cryptoRandom.bytes(32);
  const copy = Buffer.from(a);
  a.fill(0);
  const b = cryptoRandom.bytes(32);
  assert.notDeepEqual(Buffer.from(b), Buffer.alloc(32));
  assert.notDeepEqual(Buffer.from(b), copy);
});
