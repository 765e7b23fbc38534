// Security webhooks (docs/admin.md "Security webhooks"), on SQLite (a file, so a restart sees it)
// and PostgreSQL: every security event and admin call lands in the outbox with the event, and is
// delivered signed (checked with the product's own RFC 9421 verifier), at least once, with the
// same id and body on every retry, through a receiver that answers 503, then is down (connection
// refused) across a server restart, then comes back. Two deliverers racing claim each row once.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../src/core/ports/clock.js';
import { WEBHOOK_GIVE_UP_MS } from '../../src/core/webhook.js';
import { PASSWORD, login, signup } from '../helpers/accounts.js';
import { databaseTargets } from '../helpers/databases.js';
import { adminKey, signed } from './support.js';
import { Receiver, startNode } from './webhook-node.js';

const targets = databaseTargets().filter((t) => t.name !== 'SQLite in memory');

for (const target of targets) {
  describe(`security webhooks on ${target.name}`, { skip: target.skip }, () => {
    test('a receiver down for a while and a restart in between: every event arrives, same id and body on every retry', async () => {
      const db = await target.create();
      const clock = new ManualClock(Date.now());
      const receiver = new Receiver(clock);
      await receiver.start();
      receiver.status = 503;
      let node = await startNode(db.url, receiver.url, clock);
      try {
        const { userId } = await signup(node, 'owner@example.com');
        assert.equal((await login(node, 'owner@example.com')).statusCode, 200);
        assert.equal((await login(node, 'owner@example.com', { password: 'wrong password here' })).statusCode, 401);
        const admin = await adminKey(node);
        const lock = await signed(node, admin, 'POST', `/v1/admin/users/${userId}/lock`, {
          reason: 'test',
          ticket: 'T-1',
        });
        assert.equal(lock.statusCode, 200, lock.body);

        const queued = await node.runtime.storage.webhooks.list({ limit: 100 });
        const ids = new Set(queued.map((d) => d.id));
        const types = new Set(queued.map((d) => d.type));
        for (const t of ['account.created', 'signin.succeeded', 'signin.failed', 'account.locked', 'admin.call'])
          assert.ok(types.has(t), `${t} is in the outbox (${[...types].join(', ')})`);
        for (const d of queued) assert.ok(!d.payload.includes(PASSWORD), 'no password in a payload');

        // 503: nothing delivered, every row due again 10 s later.
        const first = await node.runtime.webhooks!.deliverDue();
        assert.equal(first.delivered, 0);
        assert.equal(first.retrying, ids.size);
        assert.equal((await node.runtime.webhooks!.deliverDue()).retrying, 0, 'not due again before the backoff');

        // Down (connection refused) and the server restarts: a new runtime over the same database.
        await receiver.stop();
        await node.close();
        node = await startNode(db.url, receiver.url, clock);
        clock.advance(10_000);
        assert.equal((await node.runtime.webhooks!.deliverDue()).retrying, ids.size);
        clock.advance(60_000);

        receiver.status = 200;
        await receiver.start();
        const round = await node.runtime.webhooks!.deliverDue();
        assert.equal(round.delivered, ids.size);
        assert.deepEqual(receiver.accepted(), ids, 'every event delivered');
        for (const r of receiver.received) assert.ok(r.verified, `signature verified (${r.reason ?? ''})`);
        const bodies = new Map<string, Set<string>>();
        for (const r of receiver.received) bodies.set(r.id, (bodies.get(r.id) ?? new Set()).add(r.body));
        for (const [id, set] of bodies) assert.equal(set.size, 1, `${id}: the same body on every attempt`);
        assert.equal((await node.runtime.storage.webhooks.list({ state: 'pending', limit: 100 })).length, 0);

        const body = JSON.parse([...bodies.get(queued.find((d) => d.type === 'account.locked')!.id)!][0]!) as Record<
          string,
          unknown
        >;
        assert.deepEqual(Object.keys(body).sort(), ['at', 'data', 'id', 'ip', 'type', 'user_agent', 'user_id']);
        assert.equal(body.user_id, userId);
      } finally {
        await node.close();
        await receiver.stop();
        await db.cleanup();
      }
    });

    test('two deliverers racing over one database claim each row once', async () => {
      const db = await target.create();
      const clock = new ManualClock(Date.now());
      const receiver = new Receiver(clock);
      await receiver.start();
      const a = await startNode(db.url, receiver.url, clock);
      const b = await startNode(db.url, receiver.url, clock);
      try {
        for (let i = 0; i < 8; i++) await signup(a, `user${i}@example.com`, { prove: false });
        const ids = new Set((await a.runtime.storage.webhooks.list({ limit: 500 })).map((d) => d.id));
        assert.ok(ids.size >= 16);
        for (let round = 0; round < 10; round++) {
          await Promise.all([a.runtime.webhooks!.deliverDue(), b.runtime.webhooks!.deliverDue()]);
        }
        assert.deepEqual(receiver.accepted(), ids);
        assert.equal(receiver.received.length, ids.size, 'each row was sent once');
      } finally {
        await a.close();
        await b.close();
        await receiver.stop();
        await db.cleanup();
      }
    });

    test('a delivery failing for 24 hours is given up, and a replay sends it again', async () => {
      const db = await target.create();
      const clock = new ManualClock(Date.now());
      const receiver = new Receiver(clock);
      await receiver.start();
      receiver.status = 500;
      const node = await startNode(db.url, receiver.url, clock);
      try {
        await signup(node, 'owner@example.com', { prove: false });
        const start = clock.now();
        while (clock.now() - start <= WEBHOOK_GIVE_UP_MS + 3_600_000) {
          await node.runtime.webhooks!.deliverDue();
          clock.advance(3_600_000);
        }
        const failed = await node.runtime.storage.webhooks.list({ state: 'failed', limit: 100 });
        assert.ok(failed.length >= 1);
        assert.equal(failed[0]!.lastError, 'HTTP 500');
        const attempts = receiver.received.filter((r) => r.id === failed[0]!.id).length;
        assert.ok(attempts > 5 && attempts < 40, `retried with backoff (${attempts} attempts)`);

        receiver.status = 200;
        assert.equal(await node.runtime.storage.webhooks.replay({ failed: true }, clock.now()), failed.length);
        assert.equal((await node.runtime.webhooks!.deliverDue()).delivered, failed.length);
        assert.equal((await node.runtime.storage.webhooks.list({ state: 'failed', limit: 100 })).length, 0);
      } finally {
        await node.close();
        await receiver.stop();
        await db.cleanup();
      }
    });
  });
}
