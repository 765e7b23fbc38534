// One contract for the Storage port (users, sessions, the event log, password resets and
// transactions), held against every engine. Single-use things are raced 20 ways, because "exactly
// one winner" is what keeps a reset link single-use. The second factor's stores: mfa-storage-contract.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { UserRecord } from '../../src/core/ports/stores.js';
import { DAY, MIN, T0, assertFields, eachEngine, race, uid } from './contract-kit.js';

eachEngine('Storage contract', (kit) => {
  const { newUser, session } = kit;

  describe('UserStore', () => {
    test('a user round-trips every field, the creation time as a number of ms', async () => {
      const u = await newUser({ passwordHash: null });
      assertFields(await kit.s.users.findById(u.id), u);
      assertFields(await kit.s.users.findByEmail(u.email), u);
      assert.equal(typeof (await kit.s.users.findById(u.id))!.createdAt, 'number');
      assert.equal(await kit.s.users.findById('no-such-id'), null);
      assert.equal(await kit.s.users.findByEmail('nobody@example.com'), null);
    });

    test('a second account for the same email is refused as email_taken, and count does not move', async () => {
      const u = await newUser();
      const n = await kit.s.users.count();
      assert.equal(await kit.s.users.create({ ...u, id: uid() }), 'email_taken');
      assert.equal(await kit.s.users.count(), n);
      await newUser();
      assert.equal(await kit.s.users.count(), n + 1);
    });

    test('20 concurrent sign-ups of one email create exactly one account', async () => {
      const email = `race-${uid().toLowerCase()}@example.com`;
      const results = await race(20, () =>
        kit.s.users.create({ id: uid(), email, passwordHash: 'h', createdAt: T0, emailVerifiedAt: null }),
      );
      assert.equal(results.filter((r) => r === 'created').length, 1);
      assert.equal(results.filter((r) => r === 'email_taken').length, 19);
    });

    test('setPasswordHash replaces the hash of that account only', async () => {
      const [a, b] = [await newUser(), await newUser()];
      await kit.s.users.setPasswordHash(a.id, '$argon2id$new');
      assert.equal((await kit.s.users.findById(a.id))!.passwordHash, '$argon2id$new');
      assert.equal((await kit.s.users.findById(b.id))!.passwordHash, b.passwordHash);
    });
  });

  describe('SessionStore', () => {
    test('a session is found by its token hash with every field intact', async () => {
      const u = await newUser();
      const x = session(u.id, { client: 'app', ip: null, userAgent: null, absoluteExpiresAt: T0 + 90 * DAY });
      await kit.s.sessions.create(x);
      assertFields(await kit.s.sessions.findByTokenHash(x.tokenHash), x);
      assert.equal(await kit.s.sessions.findByTokenHash('f'.repeat(64)), null);
    });

    test('touch moves last_seen_at forward only', async () => {
      const u = await newUser();
      const x = session(u.id);
      await kit.s.sessions.create(x);
      await kit.s.sessions.touch(x.id, T0 + 5 * MIN);
      assert.equal((await kit.s.sessions.findByTokenHash(x.tokenHash))!.lastSeenAt, T0 + 5 * MIN);
      await kit.s.sessions.touch(x.id, T0 + MIN);
      assert.equal((await kit.s.sessions.findByTokenHash(x.tokenHash))!.lastSeenAt, T0 + 5 * MIN);
    });

    test("delete is scoped to the user: nobody ends another account's session", async () => {
      const [a, b] = [await newUser(), await newUser()];
      const x = session(a.id);
      await kit.s.sessions.create(x);
      assert.equal(await kit.s.sessions.delete(b.id, x.id), false);
      assert.ok(await kit.s.sessions.findByTokenHash(x.tokenHash));
      assert.equal(await kit.s.sessions.delete(a.id, x.id), true);
      assert.equal(await kit.s.sessions.delete(a.id, x.id), false);
      assert.equal(await kit.s.sessions.findByTokenHash(x.tokenHash), null);
    });

    test("listForUser and deleteAllForUser(except) touch only that user's sessions", async () => {
      const [a, b] = [await newUser(), await newUser()];
      const mine = [session(a.id), session(a.id), session(a.id)];
      const theirs = session(b.id);
      for (const x of [...mine, theirs]) await kit.s.sessions.create(x);
      assert.deepEqual((await kit.s.sessions.listForUser(a.id)).map((x) => x.id).sort(), mine.map((x) => x.id).sort());
      assert.equal(await kit.s.sessions.deleteAllForUser(a.id, mine[0]!.id), 2);
      assert.deepEqual(
        (await kit.s.sessions.listForUser(a.id)).map((x) => x.id),
        [mine[0]!.id],
      );
      assert.equal(await kit.s.sessions.deleteAllForUser(a.id), 1);
      assert.deepEqual(await kit.s.sessions.listForUser(a.id), []);
      assert.equal((await kit.s.sessions.listForUser(b.id)).length, 1);
    });

    test('deleteExpired removes idle web (7 d), idle app (30 d) and absolutely expired sessions only', async () => {
      const now = T0 + 400 * DAY;
      await kit.s.sessions.deleteExpired(now, 7 * DAY, 30 * DAY); // leftovers of earlier tests
      const u = await newUser();
      const at = (client: 'web' | 'app', idle: number, absoluteIn = 30 * DAY) =>
        session(u.id, { client, createdAt: now - idle, lastSeenAt: now - idle, absoluteExpiresAt: now + absoluteIn });
      const gone = [at('web', 7 * DAY), at('app', 30 * DAY), at('web', 0, 0), at('app', MIN, -1)];
      const kept = [at('web', 7 * DAY - 1), at('app', 8 * DAY), at('app', 30 * DAY - 1, 1)];
      for (const x of [...gone, ...kept]) await kit.s.sessions.create(x);
      assert.equal(await kit.s.sessions.deleteExpired(now, 7 * DAY, 30 * DAY), gone.length);
      assert.deepEqual((await kit.s.sessions.listForUser(u.id)).map((x) => x.id).sort(), kept.map((x) => x.id).sort());
    });
  });

  describe('EventStore', () => {
    test('events list newest first, page by `before`, keep their data, and stay per account', async () => {
      const [a, b] = [await newUser(), await newUser()];
      for (let i = 0; i < 5; i++)
        await kit.s.events.append({
          userId: a.id,
          type: `t${i}`,
          at: T0 + i,
          ip: null,
          userAgent: 'ua',
          data: { i, nested: { ok: true } },
        });
      await kit.s.events.append({ userId: b.id, type: 'other', at: T0, ip: '192.0.2.9', userAgent: null, data: null });
      const all = await kit.s.events.list(a.id, { limit: 50 });
      assert.deepEqual(
        all.map((e) => e.type),
        ['t4', 't3', 't2', 't1', 't0'],
      );
      assertFields(all[0]!, {
        id: all[0]!.id,
        userId: a.id,
        type: 't4',
        at: T0 + 4,
        ip: null,
        userAgent: 'ua',
        data: { i: 4, nested: { ok: true } },
      });
      assert.ok(
        all.every((e, i) => typeof e.id === 'number' && typeof e.at === 'number' && (i === 0 || e.id < all[i - 1]!.id)),
      );
      const page1 = await kit.s.events.list(a.id, { limit: 2 });
      const page2 = await kit.s.events.list(a.id, { limit: 2, before: page1.at(-1)!.id });
      const page3 = await kit.s.events.list(a.id, { limit: 2, before: page2.at(-1)!.id });
      assert.deepEqual([...page1, ...page2, ...page3], all);
      assert.deepEqual(await kit.s.events.list(a.id, { limit: 2, before: all.at(-1)!.id }), []);
      assert.deepEqual(
        (await kit.s.events.list(b.id, { limit: 50 })).map((e) => [e.type, e.data]),
        [['other', null]],
      );
    });
  });

  describe('PasswordResetStore', () => {
    test('a reset token is spent once: the user id, then null; unknown tokens give null', async () => {
      const u = await newUser();
      const hash = uid();
      await kit.s.passwordResets.create({ tokenHash: hash, userId: u.id, createdAt: T0, expiresAt: T0 + 30 * MIN });
      assert.equal(await kit.s.passwordResets.spend(hash, T0 + 30 * MIN - 1), u.id);
      assert.equal(await kit.s.passwordResets.spend(hash, T0 + 30 * MIN - 1), null);
      assert.equal(await kit.s.passwordResets.spend('unknown', T0), null);
    });

    test('an expired token gives null, from its expiry instant on', async () => {
      const u = await newUser();
      const tokenHash = uid();
      await kit.s.passwordResets.create({ tokenHash, userId: u.id, createdAt: T0, expiresAt: T0 + 30 * MIN });
      assert.equal(await kit.s.passwordResets.spend(tokenHash, T0 + 30 * MIN), null);
    });

    test('20 parallel spends of one token: exactly one gets the user id', async () => {
      const u = await newUser();
      const tokenHash = uid();
      await kit.s.passwordResets.create({ tokenHash, userId: u.id, createdAt: T0, expiresAt: T0 + 30 * MIN });
      const got = await race(20, () => kit.s.passwordResets.spend(tokenHash, T0 + 1));
      assert.deepEqual(
        got.filter((g) => g !== null),
        [u.id],
      );
    });

    test("spendAllForUser kills every unspent token of that user, not another user's", async () => {
      const [a, b] = [await newUser(), await newUser()];
      const [ta, tb] = [uid(), uid()];
      await kit.s.passwordResets.create({ tokenHash: ta, userId: a.id, createdAt: T0, expiresAt: T0 + 30 * MIN });
      await kit.s.passwordResets.create({ tokenHash: tb, userId: b.id, createdAt: T0, expiresAt: T0 + 30 * MIN });
      await kit.s.passwordResets.spendAllForUser(a.id, T0 + 1);
      assert.equal(await kit.s.passwordResets.spend(ta, T0 + 2), null);
      assert.equal(await kit.s.passwordResets.spend(tb, T0 + 2), b.id);
    });
  });

  describe('transaction', () => {
    test('a throw inside rolls back every write and reaches the caller', async () => {
      const u: UserRecord = {
        id: uid(),
        email: `tx-${uid().toLowerCase()}@example.com`,
        passwordHash: 'h',
        createdAt: T0,
        emailVerifiedAt: null,
      };
      const x = session(u.id);
      await assert.rejects(
        kit.s.transaction(async (tx) => {
          await tx.users.create(u);
          await tx.sessions.create(x);
          await tx.events.append({ userId: u.id, type: 'x', at: T0, ip: null, userAgent: null, data: null });
          assert.ok(await tx.users.findById(u.id), 'the transaction sees its own writes');
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await kit.s.users.findById(u.id), null);
      assert.equal(await kit.s.sessions.findByTokenHash(x.tokenHash), null);
      assert.deepEqual(await kit.s.events.list(u.id, { limit: 5 }), []);
    });

    test('a transaction that returns commits its writes and hands back the value', async () => {
      const u: UserRecord = {
        id: uid(),
        email: `tx-${uid().toLowerCase()}@example.com`,
        passwordHash: 'h',
        createdAt: T0,
        emailVerifiedAt: null,
      };
      const got = await kit.s.transaction(async (tx) => {
        await tx.users.create(u);
        await tx.passwordResets.create({ tokenHash: u.id, userId: u.id, createdAt: T0, expiresAt: T0 + MIN });
        return 'done';
      });
      assert.equal(got, 'done');
      assertFields(await kit.s.users.findById(u.id), u);
      assert.equal(await kit.s.passwordResets.spend(u.id, T0), u.id);
    });
  });
});
