// Shared by the storage contract files: one suite per engine (SQLite file and memory always,
// PostgreSQL when TWOFOLD_TEST_DATABASE_URL is set) over a freshly migrated Storage.
import { after, before, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { SessionRecord, Storage, UserRecord } from '../../src/core/ports/stores.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createStorage } from '../../src/storage/storage.js';
import { databaseTargets, type TestDatabase } from '../helpers/databases.js';

/** Past 2^32 ms and past 2038 in seconds: a timestamp that a 32-bit column or a string would break. */
export const T0 = Date.UTC(2099, 0, 1, 12, 0, 0, 123);
export const MIN = 60_000;
export const DAY = 86_400_000;
export const uid = (): string => randomBytes(9).toString('base64url');
export const race = <T>(n: number, fn: () => Promise<T>): Promise<T[]> => Promise.all(Array.from({ length: n }, fn));

/** The record holds at least these fields with these values (stores may add fields of their own). */
export function assertFields(actual: object | null, expected: object): void {
  assert.ok(actual, 'a record');
  const a = actual as Record<string, unknown>;
  assert.deepEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, a[k]])), expected);
}

export interface StorageKit {
  /** The storage under test (set once the suite's `before` ran). */
  readonly s: Storage;
  newUser(o?: Partial<UserRecord>): Promise<UserRecord>;
  session(userId: string, o?: Partial<SessionRecord>): SessionRecord;
}

/** Registers `body` once per engine, inside a describe named `${title} on ${engine}`. */
export function eachEngine(title: string, body: (kit: StorageKit) => void): void {
  for (const target of databaseTargets()) {
    describe(`${title} on ${target.name}`, { skip: target.skip }, () => {
      let db: TestDatabase | undefined;
      let storage: Storage | undefined;
      before(async () => {
        db = await target.create();
        const handle = openDatabase(db.url);
        await migrateToLatest(handle);
        storage = createStorage(handle);
      });
      after(async () => {
        await storage?.close();
        await db?.cleanup();
      });
      const kit: StorageKit = {
        get s() {
          assert.ok(storage, 'storage is open');
          return storage;
        },
        async newUser(o = {}) {
          const id = o.id ?? uid();
          const u: UserRecord = {
            id,
            email: `${id.toLowerCase()}@example.com`,
            passwordHash: '$argon2id$v=19$fake',
            createdAt: T0,
            emailVerifiedAt: null,
            ...o,
          };
          assert.equal(await kit.s.users.create(u), 'created');
          return u;
        },
        session: (userId, o = {}) => ({
          id: uid(),
          userId,
          tokenHash: randomBytes(32).toString('hex'),
          client: 'web',
          createdAt: T0,
          lastSeenAt: T0,
          absoluteExpiresAt: T0 + 30 * DAY,
          ip: '192.0.2.1',
          userAgent: 'test-agent',
          ...o,
        }),
      };
      body(kit);
    });
  }
}
