// Migration 008 (issue 13): accounts that exist when it arrives count as verified, their
// email_verified_at being their created_at; accounts made afterwards start unproven.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '../../src/storage/database.js';
import * as m001 from '../../src/storage/migrations/001-accounts.js';
import * as m002 from '../../src/storage/migrations/002-second-factor.js';
import * as m003 from '../../src/storage/migrations/003-access-keys.js';
import * as m004 from '../../src/storage/migrations/004-sms.js';
import * as m005 from '../../src/storage/migrations/005-identities.js';
import * as m006 from '../../src/storage/migrations/006-rate-counters.js';
import * as m007 from '../../src/storage/migrations/007-challenge-link.js';
import * as m008 from '../../src/storage/migrations/008-email-verification.js';
import { databaseTargets } from '../helpers/databases.js';

for (const target of databaseTargets()) {
  test(`${target.name}: existing accounts count as verified after migration 008`, { skip: target.skip }, async () => {
    const tdb = await target.create();
    const handle = openDatabase(tdb.url);
    try {
      const db = handle.db as unknown as Kysely<unknown>;
      for (const m of [m001, m002, m003, m004, m005, m006, m007]) await m.up(db, handle.dialect);
      const t0 = Date.UTC(2099, 0, 1);
      await sql`insert into users (id, email, password_hash, created_at, updated_at) values ('old', 'old@example.com', null, ${t0}, ${t0})`.execute(
        db,
      );
      await m008.up(db, handle.dialect);
      await sql`insert into users (id, email, password_hash, created_at, updated_at) values ('new', 'new@example.com', null, ${t0 + 1}, ${t0 + 1})`.execute(
        db,
      );
      const rows = (
        await sql<{
          id: string;
          v: number | string | null;
        }>`select id, email_verified_at as v from users order by id`.execute(db)
      ).rows;
      assert.deepEqual(
        rows.map((r) => [r.id, r.v === null ? null : Number(r.v)]),
        [
          ['new', null],
          ['old', t0],
        ],
      );
    } finally {
      await handle.close();
      await tdb.cleanup();
    }
  });
}
