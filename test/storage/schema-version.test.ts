// The schema check behind `serve` with TWOFOLD_AUTO_MIGRATE=false and /readyz (issue 14): a new
// database has no schema, a migrated one is current, one missing a step is behind (named), one
// with a step this build does not know is ahead (a downgrade), on every engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { openDatabase } from '../../src/storage/database.js';
import { MIGRATION_NAMES, migrateToLatest } from '../../src/storage/migrate.js';
import { checkSchema, describeSchema, judgeSchema } from '../../src/storage/schema-version.js';
import { databaseTargets } from '../helpers/databases.js';

test('the verdict: no table or no rows is missing, a gap is behind, an unknown name is ahead', () => {
  const known = ['001-a', '002-b', '003-c'];
  assert.deepEqual(judgeSchema(known, null), { state: 'missing' });
  assert.deepEqual(judgeSchema(known, []), { state: 'missing' });
  assert.deepEqual(judgeSchema(known, ['001-a']), { state: 'behind', pending: ['002-b', '003-c'] });
  assert.deepEqual(judgeSchema(known, known), { state: 'current' });
  assert.deepEqual(judgeSchema(known, [...known, '004-d']), { state: 'ahead', unknown: ['004-d'] });
  assert.match(describeSchema({ state: 'missing' })!, /run `twofold migrate`/);
  assert.match(describeSchema({ state: 'behind', pending: ['003-c'] })!, /older.*003-c.*run `twofold migrate`/);
  assert.match(describeSchema({ state: 'ahead', unknown: ['004-d'] })!, /newer.*004-d/);
  assert.equal(describeSchema({ state: 'current' }), null);
});

for (const target of databaseTargets()) {
  test(`${target.name}: the schema reads as missing, current, behind and ahead`, { skip: target.skip }, async () => {
    const tdb = await target.create();
    const handle = openDatabase(tdb.url);
    try {
      assert.deepEqual(await checkSchema(handle), { state: 'missing' });
      await migrateToLatest(handle);
      assert.deepEqual(await checkSchema(handle), { state: 'current' });
      const last = MIGRATION_NAMES.at(-1)!;
      await sql`delete from twofold_migrations where name = ${last}`.execute(handle.db);
      assert.deepEqual(await checkSchema(handle), { state: 'behind', pending: [last] });
      await sql`insert into twofold_migrations (name, timestamp) values (${last}, '2026-01-01T00:00:00.000Z'), ('999-future', '2026-01-01T00:00:00.000Z')`.execute(
        handle.db,
      );
      assert.deepEqual(await checkSchema(handle), { state: 'ahead', unknown: ['999-future'] });
    } finally {
      await handle.close();
      await tdb.cleanup();
    }
  });
}
