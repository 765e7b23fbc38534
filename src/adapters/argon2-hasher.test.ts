import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isAppError } from '../core/errors.js';
import { Argon2Hasher, DEFAULT_ARGON2_PARAMS, WorkLimit, parsePhc } from './argon2-hasher.js';

// Cheap parameters keep the suite fast; one test uses the production defaults.
const cheap = { memoryCost: 1024, timeCost: 2, parallelism: 1 };

describe('Argon2Hasher', () => {
  const hasher = new Argon2Hasher(cheap);

  test('hashes as argon2id with its parameters and verifies the password', async () => {
    const h = await hasher.hash('correct horse battery staple');
    assert.match(h, /^\$argon2id\$v=19\$m=1024,t=2,p=1\$/);
    assert.equal(await hasher.verify(h, 'correct horse battery staple'), true);
  });

  test('a wrong password is false', async () => {
    const h = await hasher.hash('correct horse battery staple');
    assert.equal(await hasher.verify(h, 'correct horse battery stapler'), false);
    assert.equal(await hasher.verify(h, ''), false);
  });

  test('two hashes of one password differ (random salt)', async () => {
    assert.notEqual(await hasher.hash('same password'), await hasher.hash('same password'));
  });

  test('the production defaults are argon2id m=19456 t=2 p=1', async () => {
    const prod = new Argon2Hasher();
    assert.deepEqual({ ...prod.params }, { memoryCost: 19456, timeCost: 2, parallelism: 1 });
    const h = await prod.hash('pw-for-defaults');
    assert.match(h, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.equal(prod.needsRehash(h), false);
    assert.equal(await prod.verify(h, 'pw-for-defaults'), true);
  });

  test('needsRehash is true for weaker parameters and false for current ones', async () => {
    const weakerTime = await new Argon2Hasher({ ...cheap, timeCost: 1 }).hash('pw');
    const weakerMemory = await new Argon2Hasher({ ...cheap, memoryCost: 512 }).hash('pw');
    const stronger = await new Argon2Hasher({ ...cheap, timeCost: 3 }).hash('pw');
    assert.equal(hasher.needsRehash(weakerTime), true);
    assert.equal(hasher.needsRehash(weakerMemory), true);
    assert.equal(hasher.needsRehash(await hasher.hash('pw')), false);
    assert.equal(hasher.needsRehash(stronger), false);
  });

  test('needsRehash is true for another algorithm or an unreadable hash', () => {
    const salt = 'c29tZXNhbHRzb21lc2FsdA';
    const digest = 'aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g';
    assert.equal(hasher.needsRehash(`$argon2i$v=19$m=65536,t=4,p=1$${salt}$${digest}`), true);
    assert.equal(hasher.needsRehash(`$argon2id$v=16$m=65536,t=4,p=1$${salt}$${digest}`), true);
    assert.equal(hasher.needsRehash('$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234'), true);
    assert.equal(hasher.needsRehash(''), true);
  });

  test('verify is false, never a throw, for malformed hashes', async () => {
    const good = await hasher.hash('pw');
    const malformed = [
      '',
      'not a hash',
      '$argon2id$',
      '$argon2id$v=19$m=1,t=1,p=1$xx$yy',
      good.slice(0, -10),
      good.replace('m=1024', 'm=abc'),
      '$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234',
      null as unknown as string,
    ];
    for (const h of malformed) assert.equal(await hasher.verify(h, 'pw'), false, `hash ${String(h)}`);
  });

  test('verifyDummy does a real verify and is always false', async () => {
    assert.equal(await hasher.verifyDummy('anything'), false);
    assert.equal(await hasher.verifyDummy('twofold:dummy-password-for-unknown-accounts'), false);
    // Concurrent first calls share one dummy hash.
    const fresh = new Argon2Hasher(cheap);
    assert.deepEqual(await Promise.all([fresh.verifyDummy('a'), fresh.verifyDummy('b')]), [false, false]);
    await fresh.warmUp();
  });

  test('parsePhc reads the parameters', () => {
    assert.deepEqual(parsePhc('$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA'), {
      algorithm: 'argon2id',
      version: 19,
      ...DEFAULT_ARGON2_PARAMS,
    });
    assert.equal(parsePhc('$argon2id$v=19$m=19456,t=2$c2FsdHNhbHQ$aGFzaA'), null);
  });
});

describe('WorkLimit (argon2 jobs at once)', () => {
  test('never runs more than its limit at once, runs every job, in arrival order', async () => {
    const limit = new WorkLimit(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const jobs = Array.from({ length: 9 }, (_, i) =>
      limit.run(async () => {
        started.push(i);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        return i * 10;
      }),
    );
    assert.deepEqual(await Promise.all(jobs), [0, 10, 20, 30, 40, 50, 60, 70, 80]);
    assert.equal(peak, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test('a failing job frees its slot and its error reaches only its caller', async () => {
    const limit = new WorkLimit(1);
    const failed = limit.run(async () => {
      throw new Error('boom');
    });
    const next = limit.run(async () => 'ran');
    await assert.rejects(failed, /boom/);
    assert.equal(await next, 'ran');
  });

  test('a hasher with concurrency 1 still verifies many passwords at once, one after another', async () => {
    const one = new Argon2Hasher(cheap, 1);
    const h = await one.hash('pw-1');
    const verdicts = await Promise.all(['pw-1', 'nope', 'pw-1', 'pw-2'].map((p) => one.verify(h, p)));
    assert.deepEqual(verdicts, [true, false, true, false]);
  });

  test('a flood of password checks past the queue bound is refused at once with 503 and Retry-After, not queued without end', async () => {
    const limit = new WorkLimit(1, 3, 2);
    const gates: (() => void)[] = [];
    const job = () => new Promise<string>((resolve) => gates.push(() => resolve('done')));
    const accepted = Array.from({ length: 4 }, () => limit.run(job));
    assert.equal(limit.queued, 3);
    const refused = await Promise.allSettled(Array.from({ length: 5 }, () => limit.run(job)));
    for (const r of refused) {
      assert.equal(r.status, 'rejected');
      assert.ok(
        r.status === 'rejected' &&
          isAppError(r.reason) &&
          r.reason.code === 'service_unavailable' &&
          r.reason.retryAfter === 2,
      );
    }
    while (gates.length) gates.shift()!();
    // Every accepted job still runs to the end, one after another.
    for (const p of accepted) {
      await new Promise((r) => setImmediate(r));
      while (gates.length) gates.shift()!();
      assert.equal(await p, 'done');
    }
    assert.equal(limit.queued, 0);
  });

  test('warmUp sizes the queue from one measured verify: about two seconds of work may wait', async () => {
    const h = new Argon2Hasher(cheap, 2);
    assert.equal(h.queueBound.maxWaiting, Number.POSITIVE_INFINITY);
    await h.warmUp(2_000);
    const { hashMs, maxWaiting } = h.queueBound;
    assert.ok(hashMs > 0);
    assert.equal(maxWaiting, Math.max(2, Math.floor((2_000 / hashMs) * 2)));
  });

  test('a full queue makes verify throw service_unavailable rather than answer "wrong password"', async () => {
    const one = new Argon2Hasher(cheap, 1);
    const h = await one.hash('pw');
    await one.warmUp(0);
    // maxWaiting is now the minimum (1): of three at once, one runs, one waits, one is refused.
    const results = await Promise.allSettled([one.verify(h, 'pw'), one.verify(h, 'pw'), one.verify(h, 'pw')]);
    assert.deepEqual(
      results.map((r) => r.status),
      ['fulfilled', 'fulfilled', 'rejected'],
    );
    const third = results[2];
    assert.ok(third?.status === 'rejected' && isAppError(third.reason) && third.reason.code === 'service_unavailable');
  });
});
