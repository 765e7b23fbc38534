// The IdentityStore on every engine: (issuer, subject) is linked to one account only, decided by
// the primary key even when 20 sign-ins race.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { Storage, UserRecord } from '../../src/core/ports/stores.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createStorage } from '../../src/storage/storage.js';
import { databaseTargets, type TestDatabase } from '../helpers/databases.js';

const T0 = Date.UTC(2099, 0, 1, 12, 0, 0, 123);
const uid = () => randomBytes(9).toString('base64url');
const ISS = 'https://accounts.google.com';

for (const target of databaseTargets()) {
  describe(`IdentityStore on ${target.name}`, { skip: target.skip }, () => {
    let db: TestDatabase | undefined;
    let s: Storage;
    before(async () => {
      db = await target.create();
      const handle = openDatabase(db.url);
      await migrateToLatest(handle);
      s = createStorage(handle);
    });
    after(async () => {
      await s?.close();
      await db?.cleanup();
    });

    const newUser = async (): Promise<UserRecord> => {
      const id = uid();
      const u: UserRecord = {
        id,
        email: `${id.toLowerCase()}@example.com`,
        passwordHash: null,
        createdAt: T0,
        emailVerifiedAt: T0,
      };
      assert.equal(await s.users.create(u), 'created');
      return u;
    };

    test('a link round-trips, the time as a number of ms past 2^32', async () => {
      const u = await newUser();
      const link = { issuer: ISS, subject: uid(), userId: u.id, email: u.email, linkedAt: T0 };
      assert.equal(await s.identities.link(link), 'linked');
      assert.deepEqual(await s.identities.find(ISS, link.subject), link);
      assert.deepEqual(await s.identities.listForUser(u.id), [link]);
      assert.equal(
        await s.identities.find('https://other.example', link.subject),
        null,
        'the issuer is part of the key',
      );
    });

    test('one (issuer, subject) links one account: the second link is "taken", also when 20 race', async () => {
      const a = await newUser();
      const b = await newUser();
      const subject = uid();
      assert.equal(
        await s.identities.link({ issuer: ISS, subject, userId: a.id, email: null, linkedAt: T0 }),
        'linked',
      );
      assert.equal(await s.identities.link({ issuer: ISS, subject, userId: b.id, email: null, linkedAt: T0 }), 'taken');
      const raced = uid();
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          s.identities.link({ issuer: ISS, subject: raced, userId: a.id, email: null, linkedAt: T0 }),
        ),
      );
      assert.equal(results.filter((r) => r === 'linked').length, 1);
    });

    test('the same subject at another issuer is another identity', async () => {
      const u = await newUser();
      const subject = uid();
      assert.equal(
        await s.identities.link({ issuer: ISS, subject, userId: u.id, email: null, linkedAt: T0 }),
        'linked',
      );
      assert.equal(
        await s.identities.link({ issuer: 'https://other.example', subject, userId: u.id, email: null, linkedAt: T0 }),
        'linked',
      );
      assert.equal((await s.identities.listForUser(u.id)).length, 2);
      assert.equal(await s.identities.unlink(u.id, ISS), 1);
      assert.deepEqual(
        (await s.identities.listForUser(u.id)).map((i) => i.issuer),
        ['https://other.example'],
      );
    });

    test("unlink touches only that user's links", async () => {
      const a = await newUser();
      const b = await newUser();
      const sub = uid();
      await s.identities.link({ issuer: ISS, subject: sub, userId: a.id, email: null, linkedAt: T0 });
      assert.equal(await s.identities.unlink(b.id, ISS), 0);
      assert.ok(await s.identities.find(ISS, sub));
    });

    test('a link inside a rolled-back transaction leaves nothing', async () => {
      const u = await newUser();
      const sub = uid();
      await assert.rejects(
        s.transaction(async (tx) => {
          await tx.identities.link({ issuer: ISS, subject: sub, userId: u.id, email: null, linkedAt: T0 });
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.equal(await s.identities.find(ISS, sub), null);
    });
  });
}
