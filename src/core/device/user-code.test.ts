import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { formatUserCode, newUserCode, normalizeUserCode, USER_CODE_ALPHABET } from './user-code.js';
import { pollState } from './grant.js';
import type { DeviceGrantRecord } from '../ports/device-grant-store.js';

const random = { bytes: (n: number) => new Uint8Array(randomBytes(n)) };

test('user codes are 8 letters of the RFC 8628 §6.1 alphabet, every letter used, shown as XXXX-XXXX', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 500; i++) {
    const c = newUserCode(random);
    assert.match(c, /^[BCDFGHJKLMNPQRSTVWXZ]{8}$/);
    for (const ch of c) seen.add(ch);
  }
  assert.equal(seen.size, USER_CODE_ALPHABET.length);
  assert.equal(formatUserCode('BCDFGHJK'), 'BCDF-GHJK');
});

test('typed codes are accepted in any case, with or without the dash or spaces; others are refused', () => {
  assert.equal(normalizeUserCode('bcdf-ghjk'), 'BCDFGHJK');
  assert.equal(normalizeUserCode(' BCDF GHJK '), 'BCDFGHJK');
  assert.equal(normalizeUserCode('BCDFGHJK'), 'BCDFGHJK');
  assert.equal(normalizeUserCode('BCDF-GHJA'), null, 'a vowel is not in the alphabet');
  assert.equal(normalizeUserCode('BCDF-GHJ'), null);
  assert.equal(normalizeUserCode('B'.repeat(40)), null);
});

test('poll states: a spent code never says more than invalid_grant; expiry comes before the decision', () => {
  const g: DeviceGrantRecord = {
    deviceCodeHash: 'd',
    userCodeHash: 'u',
    clientId: 'twofold-cli',
    createdAt: 0,
    expiresAt: 600_000,
    intervalSec: 5,
    lastPolledAt: null,
    ip: null,
    userAgent: null,
    status: 'pending',
    userId: null,
    decidedAt: null,
    sessionId: null,
  };
  assert.equal(pollState(null, 'twofold-cli', 0), 'invalid_grant');
  assert.equal(pollState(g, 'other', 0), 'invalid_grant');
  assert.equal(pollState({ ...g, status: 'issued' }, 'twofold-cli', 700_000), 'invalid_grant');
  assert.equal(pollState({ ...g, status: 'approved' }, 'twofold-cli', 600_000), 'expired_token');
  assert.equal(pollState({ ...g, status: 'denied' }, 'twofold-cli', 1), 'access_denied');
  assert.equal(pollState(g, 'twofold-cli', 1), 'pending');
});
