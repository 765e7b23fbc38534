// Versioned migrations, kept in code (so the build carries them) and applied in order by Kysely's
// Migrator, which records them in its own table and takes a lock so instances do not race.
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { DatabaseHandle, Dialect } from './database.js';
import * as m001 from './migrations/001-accounts.js';
import * as m002 from './migrations/002-second-factor.js';
import * as m003 from './migrations/003-access-keys.js';

type Step = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> };

const STEPS: Record<string, Step> = {
  '001-accounts': m001,
  '002-second-factor': m002,
  '003-access-keys': m003,
};

class CodeMigrationProvider implements MigrationProvider {
  constructor(private readonly dialect: Dialect) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {};
    for (const [name, step] of Object.entries(STEPS)) {
      out[name] = { up: (db) => step.up(db, this.dialect) };
    }
    return out;
  }
}

export interface MigrationReport {
  applied: string[];
}

export async function migrateToLatest(handle: DatabaseHandle): Promise<MigrationReport> {
  const migrator = new Migrator({
    db: handle.db,
    provider: new CodeMigrationProvider(handle.dialect),
    migrationTableName: 'twofold_migrations',
    migrationLockTableName: 'twofold_migrations_lock',
  });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const err = result.error instanceof Error ? result.error : new Error(String(result.error));
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${err.message}`, { cause: err });
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}
