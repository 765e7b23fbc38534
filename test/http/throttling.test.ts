// Password guessing limits (shared/API.md, "Limits"): 10 wrong passwords per (account, address) in
// 15 minutes, 100 per address an hour over all accounts, 100 per account an hour from everywhere —
// and a flood from one address must not lock the owner out from another.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/harness.js';
import { PASSWORD, appUser, assertProblem, login } from './http-helpers.js';
import { needsRedis } from '../helpers/services.js';

const ATTACKER = '198.51.100.66';
const OWNER_ELSEWHERE = '203.0.113.7';
const WRONG = 'definitely not it';

async function withHarness(fn: (h: Harness) => Promise<void>, options: HarnessOptions = {}): Promise<void> {
  const h = await startHarness(options);
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}

function assertThrottled(r: LightMyRequestResponse, maxSeconds: number): void {
  assertProblem(r, 429, 'too_many_requests');
  const retry = Number(r.headers['retry-after']);
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= maxSeconds, `Retry-After ${r.headers['retry-after']}`);
}

async function fail(h: Harness, email: string, times: number, from = ATTACKER): Promise<void> {
  for (let i = 0; i < times; i++) assertProblem(await login(h, email, WRONG, 'app', from), 401, 'invalid_credentials');
}

test('after 10 wrong passwords for one account from one address, the 11th try is 429 with Retry-After, even with the right password', () =>
  withHarness(async (h) => {
    await appUser(h, 'target@example.com');
    await fail(h, 'target@example.com', 10);
    assertThrottled(await login(h, 'target@example.com', WRONG, 'app', ATTACKER), 15 * 60);
    assertThrottled(await login(h, 'target@example.com', PASSWORD, 'app', ATTACKER), 15 * 60);
    assertThrottled(await login(h, 'TARGET@example.com', PASSWORD, 'app', ATTACKER), 15 * 60);
  }));

test('the owner still signs in from another address while the attacker address is throttled', () =>
  withHarness(async (h) => {
    await appUser(h, 'owner@example.com');
    await fail(h, 'owner@example.com', 10);
    assertThrottled(await login(h, 'owner@example.com', PASSWORD, 'app', ATTACKER), 15 * 60);
    const r = await login(h, 'owner@example.com', PASSWORD, 'app', OWNER_ELSEWHERE);
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, 'authenticated');
  }));

test('after 15 minutes the (account, address) pair opens again', () =>
  withHarness(async (h) => {
    await appUser(h, 'patient@example.com');
    await fail(h, 'patient@example.com', 10);
    h.clock.advance(14 * 60_000);
    assertThrottled(await login(h, 'patient@example.com', PASSWORD, 'app', ATTACKER), 60);
    h.clock.advance(60_000);
    assert.equal((await login(h, 'patient@example.com', PASSWORD, 'app', ATTACKER)).statusCode, 200);
  }));

test("a right password clears the pair's count, so the owner's own typos are forgiven", () =>
  withHarness(async (h) => {
    await appUser(h, 'typo@example.com');
    await fail(h, 'typo@example.com', 9);
    assert.equal((await login(h, 'typo@example.com', PASSWORD, 'app', ATTACKER)).statusCode, 200);
    await fail(h, 'typo@example.com', 9);
    assert.equal((await login(h, 'typo@example.com', PASSWORD, 'app', ATTACKER)).statusCode, 200);
  }));

test('unknown emails are throttled exactly like known ones (no enumeration through the limit)', () =>
  withHarness(async (h) => {
    await fail(h, 'ghost@example.com', 10);
    assertThrottled(await login(h, 'ghost@example.com', WRONG, 'app', ATTACKER), 15 * 60);
  }));

test('one address is throttled after 100 wrong passwords an hour over many accounts; other addresses are not', () =>
  withHarness(async (h) => {
    await appUser(h, 'bystander@example.com');
    for (let i = 0; i < 100; i++)
      assertProblem(await login(h, `spray${i}@example.com`, WRONG, 'app', ATTACKER), 401, 'invalid_credentials');
    assertThrottled(await login(h, 'bystander@example.com', PASSWORD, 'app', ATTACKER), 60 * 60);
    assertThrottled(await login(h, 'spray-new@example.com', WRONG, 'app', ATTACKER), 60 * 60);
    assert.equal((await login(h, 'bystander@example.com', PASSWORD, 'app', OWNER_ELSEWHERE)).statusCode, 200);
    h.clock.advance(60 * 60_000);
    assert.equal((await login(h, 'bystander@example.com', PASSWORD, 'app', ATTACKER)).statusCode, 200);
  }));

test('an account takes at most 100 failed passwords an hour from everywhere', () =>
  withHarness(async (h) => {
    await appUser(h, 'distributed@example.com');
    for (let a = 0; a < 10; a++) await fail(h, 'distributed@example.com', 10, `192.0.2.${a + 10}`);
    assertThrottled(await login(h, 'distributed@example.com', WRONG, 'app', '192.0.2.200'), 60 * 60);
  }));

// The Redis store is what several instances share; it follows real time, so only the immediate
// refusal is checked here (the window's expiry is covered with the manual clock above).
test(
  'with the Redis limit store, 10 wrong passwords for (account, address) also close the pair, and only that pair',
  { skip: needsRedis },
  () =>
    withHarness(
      async (h) => {
        assert.equal(h.runtime.limits.constructor.name, 'RedisRateLimitStore');
        await appUser(h, 'shared@example.com');
        await fail(h, 'shared@example.com', 10);
        assertThrottled(await login(h, 'shared@example.com', PASSWORD, 'app', ATTACKER), 15 * 60);
        assert.equal((await login(h, 'shared@example.com', PASSWORD, 'app', OWNER_ELSEWHERE)).statusCode, 200);
      },
      { redisWhenAvailable: true },
    ),
);
