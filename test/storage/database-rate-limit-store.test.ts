// The database-backed rate-limit store keeps the same contract as the memory and Redis stores,
// on SQLite and (when configured) PostgreSQL, so a Redis-less cluster still counts together.
import { ManualClock } from '../../src/core/ports/clock.js';
import { runRateLimitStoreContract } from './rate-limit-store-contract.js';
import { DatabaseRateLimitStore } from '../../src/storage/database-rate-limit-store.js';
import { openDatabase } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { databaseTargets } from '../helpers/databases.js';

for (const target of databaseTargets()) {
  runRateLimitStoreContract(
    `database (${target.name})`,
    async () => {
      const tdb = await target.create();
      const handle = openDatabase(tdb.url);
      await migrateToLatest(handle);
      const clock = new ManualClock();
      const store = new DatabaseRateLimitStore(handle.db, clock);
      return {
        store,
        advance: (ms) => clock.advance(ms),
        cleanup: async () => {
          await store.close();
          await handle.close();
          await tdb.cleanup();
        },
      };
    },
    { skip: target.skip },
  );
}
