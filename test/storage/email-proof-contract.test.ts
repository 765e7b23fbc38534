// The storage side of proving the mailbox (issue 13), held against every engine: email tokens
// spent once under a 20-way race, the conditional "mark verified", a change of email decided by
// the unique index, and deleting an account with every row of it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { EmailTokenRecord } from '../../src/core/ports/email-token-store.js';
import { DAY, T0, eachEngine, race, uid } from './contract-kit.js';

eachEngine('Email proof contract', (kit) => {
  const { newUser } = kit;
  const token = (userId: string, o: Partial<EmailTokenRecord> = {}): EmailTokenRecord => ({
    tokenHash: uid(),
    userId,
    purpose: 'verify',
    email: `${userId.toLowerCase()}@example.com`,
    createdAt: T0,
    expiresAt: T0 + DAY,
    ...o,
  });

  describe('EmailTokenStore', () => {
    test('a token round-trips and is spent exactly once under a 20-way race', async () => {
      const u = await newUser();
      const t = token(u.id, { purpose: 'change', email: 'new@example.com' });
      await kit.s.emailTokens.create(t);
      const results = await race(20, () => kit.s.emailTokens.spend(t.tokenHash, T0 + 1));
      const winners = results.filter((r) => r !== null);
      assert.equal(winners.length, 1);
      assert.deepEqual(winners[0], t);
      assert.equal(typeof winners[0].expiresAt, 'number');
    });

    test('an expired or unknown token is not spent', async () => {
      const u = await newUser();
      const t = token(u.id);
      await kit.s.emailTokens.create(t);
      assert.equal(await kit.s.emailTokens.spend(t.tokenHash, T0 + DAY), null);
      assert.equal(await kit.s.emailTokens.spend('no-such-token', T0), null);
    });

    test('killForUser kills the unspent tokens of that user (and purpose) only', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const [av, ac, bv] = [token(a.id), token(a.id, { purpose: 'change' }), token(b.id)];
      for (const t of [av, ac, bv]) await kit.s.emailTokens.create(t);
      assert.equal(await kit.s.emailTokens.killForUser(a.id, T0 + 1, 'verify'), 1);
      assert.equal(await kit.s.emailTokens.spend(av.tokenHash, T0 + 2), null);
      assert.ok(await kit.s.emailTokens.spend(bv.tokenHash, T0 + 2));
      assert.equal(await kit.s.emailTokens.killForUser(a.id, T0 + 3), 1);
      assert.equal(await kit.s.emailTokens.spend(ac.tokenHash, T0 + 4), null);
    });
  });

  describe('AccessKeyStore: revocation', () => {
    test('disableAllForUser disables the enabled keys of one user (they stay listed); deleteAllForUser deletes them', async () => {
      const [a, b] = [await newUser(), await newUser()];
      const key = (userId: string, enabled: boolean) => ({
        id: uid(),
        userId,
        secretEnc: 'sealed',
        enabled,
        createdAt: T0,
        lastUsedAt: null,
      });
      for (const k of [key(a.id, true), key(a.id, true), key(a.id, false), key(b.id, true)])
        await kit.s.accessKeys.create(k);
      assert.equal(await kit.s.accessKeys.disableAllForUser(a.id), 2);
      assert.deepEqual(
        (await kit.s.accessKeys.listForUser(a.id)).map((k) => k.enabled),
        [false, false, false],
      );
      assert.deepEqual(
        (await kit.s.accessKeys.listForUser(b.id)).map((k) => k.enabled),
        [true],
      );
      assert.equal(await kit.s.accessKeys.deleteAllForUser(a.id), 3);
      assert.equal(await kit.s.accessKeys.countForUser(a.id), 0);
      assert.equal(await kit.s.accessKeys.countForUser(b.id), 1);
    });
  });

  describe('UserStore: proof, change and deletion', () => {
    test('markEmailVerified marks once: of 20 racing marks one answers true', async () => {
      const u = await newUser();
      assert.equal((await kit.s.users.findById(u.id))!.emailVerifiedAt, null);
      const results = await race(20, () => kit.s.users.markEmailVerified(u.id, T0 + 5));
      assert.equal(results.filter(Boolean).length, 1);
      assert.equal((await kit.s.users.findById(u.id))!.emailVerifiedAt, T0 + 5);
    });

    test('changeEmail moves and verifies the account, or answers email_taken by the unique index', async () => {
      const [a, b] = [await newUser(), await newUser()];
      assert.equal(await kit.s.users.changeEmail(a.id, b.email, T0 + 1), 'email_taken');
      assert.equal((await kit.s.users.findById(a.id))!.email, a.email);
      const next = `moved-${uid().toLowerCase()}@example.com`;
      assert.equal(await kit.s.users.changeEmail(a.id, next, T0 + 2), 'changed');
      const moved = await kit.s.users.findByEmail(next);
      assert.equal(moved?.id, a.id);
      assert.equal(moved?.emailVerifiedAt, T0 + 2);
    });

    test('clearPasswordHash removes the password', async () => {
      const u = await newUser();
      await kit.s.users.clearPasswordHash(u.id);
      assert.equal((await kit.s.users.findById(u.id))!.passwordHash, null);
    });

    test("deleteWithEverything in a transaction removes the account and its rows, and no one else's", async () => {
      const [a, b] = [await newUser(), await newUser()];
      for (const u of [a, b]) {
        await kit.s.sessions.create(kit.session(u.id));
        await kit.s.emailTokens.create(token(u.id));
        await kit.s.events.append({ userId: u.id, type: 'x', at: T0, ip: null, userAgent: null, data: null });
        await kit.s.passwordResets.create({ tokenHash: uid(), userId: u.id, createdAt: T0, expiresAt: T0 + DAY });
      }
      assert.equal(await kit.s.transaction((tx) => tx.users.deleteWithEverything(a.id)), true);
      assert.equal(await kit.s.users.findById(a.id), null);
      assert.deepEqual(await kit.s.sessions.listForUser(a.id), []);
      assert.deepEqual(await kit.s.events.list(a.id, { limit: 5 }), []);
      assert.equal((await kit.s.sessions.listForUser(b.id)).length, 1);
      assert.equal((await kit.s.events.list(b.id, { limit: 5 })).length, 1);
      assert.equal(await kit.s.transaction((tx) => tx.users.deleteWithEverything(a.id)), false);
    });
  });
});
