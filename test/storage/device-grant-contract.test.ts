// The device grant's storage (RFC 8628, issue 16) held against every engine: a user code names one
// grant (unique index), the poll pace is one conditional UPDATE (slow_down raises the interval),
// the first decision wins and a token is issued once under 20-way races, expiry is honoured.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceGrantRecord } from '../../src/core/ports/device-grant-store.js';
import { MIN, T0, assertFields, eachEngine, race, uid } from './contract-kit.js';

eachEngine('Device grant contract', (kit) => {
  const grant = (o: Partial<DeviceGrantRecord> = {}): DeviceGrantRecord => ({
    deviceCodeHash: uid(),
    userCodeHash: uid(),
    clientId: 'twofold-cli',
    createdAt: T0,
    expiresAt: T0 + 10 * MIN,
    intervalSec: 5,
    lastPolledAt: null,
    ip: '2001:db8::7',
    userAgent: 'twofold-cli/0.1',
    status: 'pending',
    userId: null,
    decidedAt: null,
    sessionId: null,
    ...o,
  });
  const store = () => kit.s.deviceGrants;

  describe('DeviceGrantStore', () => {
    test('a grant round-trips with numbers as numbers; a taken user code is refused by the unique index', async () => {
      const g = grant();
      assert.equal(await store().create(g), 'created');
      assert.deepEqual(await store().byDeviceCode(g.deviceCodeHash), g);
      assert.equal(await store().create(grant({ userCodeHash: g.userCodeHash })), 'user_code_taken');
      assertFields(await store().pendingByUserCode(g.userCodeHash, T0), { deviceCodeHash: g.deviceCodeHash });
      assert.equal(await store().pendingByUserCode(g.userCodeHash, T0 + 10 * MIN), null);
    });

    test('pace: of 20 parallel polls one is in pace; the others raise the interval by 5 s each', async () => {
      const g = grant();
      await store().create(g);
      const results = await race(20, () => store().pace(g.deviceCodeHash, T0 + 1000, 5));
      assert.equal(results.filter(Boolean).length, 1);
      const after = await store().byDeviceCode(g.deviceCodeHash);
      assert.equal(after?.lastPolledAt, T0 + 1000);
      assert.equal(after?.intervalSec, 5 + 19 * 5);
      assert.equal(await store().pace(g.deviceCodeHash, T0 + 1000 + 99_000, 5), false);
      assert.equal(await store().pace(g.deviceCodeHash, T0 + 1000 + 105_000, 5), true);
    });

    test('decide: of 20 parallel approvals and denials exactly one wins; none after expiry', async () => {
      const u = await kit.newUser();
      const g = grant();
      await store().create(g);
      const results = await race(20, () =>
        store().decide(g.userCodeHash, u.id, Math.random() < 0.5 ? 'approved' : 'denied', T0 + 1),
      );
      assert.equal(results.filter(Boolean).length, 1);
      const after = await store().byDeviceCode(g.deviceCodeHash);
      assert.ok(after?.status === 'approved' || after?.status === 'denied');
      assert.equal(after.userId, u.id);
      assert.equal(after.decidedAt, T0 + 1);
      const late = grant();
      await store().create(late);
      assert.equal(await store().decide(late.userCodeHash, u.id, 'approved', T0 + 10 * MIN), false);
    });

    test('issue: of 20 parallel issues of an approved grant exactly one wins; refuse turns approved into denied', async () => {
      const u = await kit.newUser();
      const g = grant();
      await store().create(g);
      assert.equal(await store().issue(g.deviceCodeHash, 's-pending', T0 + 1), false, 'a pending grant is not issued');
      assert.ok(await store().decide(g.userCodeHash, u.id, 'approved', T0 + 1));
      const results = await race(20, () => store().issue(g.deviceCodeHash, uid(), T0 + 2));
      assert.equal(results.filter(Boolean).length, 1);
      assertFields(await store().byDeviceCode(g.deviceCodeHash), { status: 'issued' });
      const r = grant();
      await store().create(r);
      assert.ok(await store().decide(r.userCodeHash, u.id, 'approved', T0 + 1));
      assert.ok(await store().refuse(r.deviceCodeHash, T0 + 2));
      assert.equal(await store().issue(r.deviceCodeHash, uid(), T0 + 3), false);
      assertFields(await store().byDeviceCode(r.deviceCodeHash), { status: 'denied' });
    });

    test('deleteExpired removes grants expired before the cut only; deleting the account removes its grants', async () => {
      const u = await kit.newUser();
      const old = grant({ expiresAt: T0 - 2 * MIN });
      const mine = grant({ expiresAt: T0 + 100 * MIN });
      await store().create(old);
      await store().create(mine);
      assert.ok((await store().deleteExpired(T0 - MIN)) >= 1);
      assert.equal(await store().byDeviceCode(old.deviceCodeHash), null);
      assert.ok(await store().decide(mine.userCodeHash, u.id, 'approved', T0));
      await kit.s.transaction((tx) => tx.users.deleteWithEverything(u.id));
      assert.equal(await store().byDeviceCode(mine.deviceCodeHash), null);
    });
  });
});
