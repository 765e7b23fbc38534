// SMS codes (src/core/sms-code.ts and the SmsCodes service): 6 digits from the CSPRNG without
// modulo bias, stored only as a keyed hash bound to one set-up or challenge, dead after 3
// minutes, and sent as the exact message of the contract with a WebOTP last line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { cryptoRandom } from '../../src/adapters/crypto-random.js';
import { MemoryRateLimitStore } from '../../src/adapters/ratelimit/memory-store.js';
import { parseKeyring } from '../../src/core/envelope.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import type { Random } from '../../src/core/ports/random.js';
import type { SmsMessage } from '../../src/core/ports/sms-sender.js';
import { SMS_CODE_TTL_MS, generateSmsCode, hashSmsCode, smsCodeMatches, smsMessage } from '../../src/core/sms-code.js';
import { SmsCodes, type SmsCodesDeps } from '../../src/services/sms-codes.js';

/** A Random that hands out the given 32-bit words, big-endian, one per 4-byte draw. */
function words(...values: number[]): Random & { draws: number } {
  const r = {
    draws: 0,
    bytes(n: number): Uint8Array {
      assert.equal(n, 4, 'a code draws 4 bytes at a time');
      const v = values[r.draws++];
      if (v === undefined) throw new Error('out of scripted words');
      const b = Buffer.alloc(4);
      b.writeUInt32BE(v);
      return new Uint8Array(b);
    },
  };
  return r;
}

const LIMIT = 2 ** 32 - (2 ** 32 % 1_000_000); // 4_294_000_000: the first value that would bias

test('codes are 6 digits, leading zeros kept', () => {
  for (let i = 0; i < 2000; i++) assert.match(generateSmsCode(cryptoRandom), /^\d{6}$/);
  assert.equal(generateSmsCode(words(0)), '000000');
  assert.equal(generateSmsCode(words(42)), '000042');
  assert.equal(generateSmsCode(words(1_000_007)), '000007');
});

test('codes are uniform-ish: every digit position sees every digit about equally often', () => {
  const n = 20_000;
  const counts = Array.from({ length: 6 }, () => new Array<number>(10).fill(0));
  const seen = new Set<string>();
  for (let i = 0; i < n; i++) {
    const code = generateSmsCode(cryptoRandom);
    seen.add(code);
    for (let p = 0; p < 6; p++) counts[p]![Number(code[p])]! += 1;
  }
  for (let p = 0; p < 6; p++) {
    for (let d = 0; d < 10; d++) {
      const c = counts[p]![d]!;
      // Expected 2000 each, standard deviation ≈ 42: ±25 % is far outside chance.
      assert.ok(c > 1500 && c < 2500, `position ${p} digit ${d} appeared ${c} times in ${n}`);
    }
  }
  // 20 000 draws from 10^6 collide ≈ 200 times; a weak generator would collide far more.
  assert.ok(seen.size > n - 600, `only ${seen.size} distinct codes in ${n}`);
});

test('rejection sampling: a draw at or above the last multiple of 10^6 is drawn again, not folded', () => {
  const r = words(0xffffffff, 123_456);
  assert.equal(generateSmsCode(r), '123456');
  assert.equal(r.draws, 2, 'the out-of-range draw was discarded');
  const atLimit = words(LIMIT, 7);
  assert.equal(generateSmsCode(atLimit), '000007');
  assert.equal(atLimit.draws, 2);
  const justBelow = words(LIMIT - 1);
  assert.equal(generateSmsCode(justBelow), '999999');
  assert.equal(justBelow.draws, 1);
  // A broken source is not looped on forever.
  assert.throws(() => generateSmsCode({ bytes: () => new Uint8Array([0xff, 0xff, 0xff, 0xff]) }), /out-of-range/);
});

test('the stored hash is keyed and bound to its target: the same code elsewhere does not match', () => {
  const key = new Uint8Array(randomBytes(32));
  const stored = hashSmsCode('123456', 'challenge:abc', key);
  assert.match(stored, /^[0-9a-f]{64}$/);
  assert.equal(smsCodeMatches('123456', 'challenge:abc', stored, key), true);
  assert.equal(smsCodeMatches('123456', 'challenge:abd', stored, key), false, 'another challenge');
  assert.equal(smsCodeMatches('123456', 'setup:abc', stored, key), false, 'a set-up with the same id');
  assert.equal(
    smsCodeMatches('123456', 'challenge:abc', stored, new Uint8Array(randomBytes(32))),
    false,
    'another key',
  );
  assert.equal(smsCodeMatches('123457', 'challenge:abc', stored, key), false, 'another code');
  for (const bad of ['12345', '1234567', ' 123456', '12345a', ''])
    assert.equal(smsCodeMatches(bad, 'challenge:abc', stored, key), false, bad);
  assert.equal(smsCodeMatches('123456', 'challenge:abc', null, key), false, 'no code stored');
  assert.equal(smsCodeMatches('123456', 'challenge:abc', 'not-hex', key), false);
  // Not an unkeyed digest that 10^6 guesses would reverse.
  for (const plain of ['123456', 'challenge:abc\u0000123456']) {
    assert.notEqual(stored, createHash('sha256').update(plain).digest('hex'));
  }
});

test('the message is exactly the contract text, with a WebOTP last line for our host', () => {
  const text = smsMessage('Twofold', '123456', '127.0.0.1:8080');
  const lines = text.split('\n');
  assert.equal(lines[0], 'Your Twofold code is 123456. It expires in 3 minutes.');
  assert.equal(lines.at(-1), '@127.0.0.1:8080 #123456');
  assert.equal(text, 'Your Twofold code is 123456. It expires in 3 minutes.\n\n@127.0.0.1:8080 #123456');
});

/** The SmsCodes service over exactly the ports it uses: code stores that keep the one code they are given. */
function smsService() {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const sent: SmsMessage[] = [];
  const stored: { hash?: string; expiresAt?: number } = {};
  const unused = async (): Promise<never> => {
    throw new Error('not used by these tests');
  };
  const deps: SmsCodesDeps = {
    clock,
    random: cryptoRandom,
    storage: {
      setups: {
        async setSetupCode(_id, hash, expiresAt) {
          stored.hash = hash;
          stored.expiresAt = expiresAt;
          return 'ok';
        },
        restoreSetupCode: unused,
      },
      challenges: { setChallengeCode: unused, restoreChallengeCode: unused },
    },
    limits: new MemoryRateLimitStore(clock),
    keyring: parseKeyring(`k1:${randomBytes(32).toString('base64')}`),
    logger: { warn() {}, info() {}, error() {}, debug() {} },
    settings: { smsDailyLimit: 1000, issuer: 'Twofold', publicUrl: 'http://127.0.0.1:8080' },
  };
  const service = new SmsCodes(deps, { send: async (m) => void sent.push(m) });
  return { clock, sent, stored, service, close: () => deps.limits.close() };
}

test('through the service: the code texted matches its own set-up until 3 minutes, then never', async () => {
  const s = smsService();
  try {
    const target = { kind: 'setup' as const, id: 'setup-1' };
    const { expiresAt } = await s.service.send(
      target,
      'user-1',
      '+14155550123',
      {},
      { ip: '127.0.0.1', userAgent: null },
    );
    assert.equal(expiresAt, s.clock.now() + SMS_CODE_TTL_MS);
    assert.equal(SMS_CODE_TTL_MS, 180_000);
    const msg = s.sent[0]!;
    assert.equal(msg.to, '+14155550123');
    assert.match(msg.code, /^\d{6}$/);
    assert.equal(msg.body, smsMessage('Twofold', msg.code, '127.0.0.1:8080'));
    assert.notEqual(s.stored.hash, undefined);
    assert.ok(!s.stored.hash!.includes(msg.code), 'only a hash is stored');
    const state = { codeHash: s.stored.hash!, codeExpiresAt: s.stored.expiresAt! };
    assert.equal(s.service.matches(target, msg.code, state), true);
    assert.equal(s.service.matches({ kind: 'setup', id: 'setup-2' }, msg.code, state), false, 'another set-up');
    assert.equal(s.service.matches({ kind: 'challenge', idHash: 'setup-1' }, msg.code, state), false, 'a challenge');
    s.clock.advance(SMS_CODE_TTL_MS - 1);
    assert.equal(s.service.matches(target, msg.code, state), true, 'valid until the last millisecond');
    s.clock.advance(1);
    assert.equal(s.service.matches(target, msg.code, state), false, 'expired at 3 minutes');
    s.clock.advance(60_000);
    assert.equal(s.service.matches(target, msg.code, state), false);
    assert.equal(
      s.service.matches(target, msg.code, { codeHash: state.codeHash, codeExpiresAt: null }),
      false,
      'no expiry, no match',
    );
  } finally {
    await s.close();
  }
});
