// Versioned migrations, kept in code (so the build carries them) and applied in order by Kysely's
// Migrator, which records them in its own table and takes a lock so instances do not race.
import { inspect } from 'node:util';
import { Migrator, sql, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import type { DatabaseHandle, Dialect } from './database.js';
import * as m001 from './migrations/001-accounts.js';
import * as m002 from './migrations/002-second-factor.js';
import * as m003 from './migrations/003-access-keys.js';
import * as m004 from './migrations/004-sms.js';
import * as m005 from './migrations/005-identities.js';
import * as m006 from './migrations/006-rate-counters.js';
import * as m007 from './migrations/007-challenge-link.js';
import * as m008 from './migrations/008-email-verification.js';
import * as m010 from './migrations/010-device-grant.js';
import * as m009 from './migrations/009-passkeys.js';
import * as m011 from './migrations/011-admin.js';
import * as m012 from './migrations/012-webhook-outbox.js';

type Step = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> };

const STEPS: Record<string, Step> = {
  '001-accounts': m001,
  '002-second-factor': m002,
  '003-access-keys': m003,
  '004-sms': m004,
  '005-identities': m005,
  '006-rate-counters': m006,
  '007-challenge-link': m007,
  '008-email-verification': m008,
  '010-device-grant': m010,
  '009-passkeys': m009,
  '011-admin': m011,
  '012-webhook-outbox': m012,
};

/** Every migration this build knows, in order (the schema it expects). */
export const MIGRATION_NAMES: readonly string[] = Object.keys(STEPS);
export const MIGRATION_TABLE = 'twofold_migrations';

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
  // On PostgreSQL, Kysely looks for its bookkeeping tables in every schema unless told which one:
  // another schema of the same database holding them would make it skip creating ours and fail.
  const schema =
    handle.dialect === 'postgres'
      ? (await sql<{ schema: string | null }>`select current_schema() as schema`.execute(handle.db)).rows[0]?.schema
      : null;
  const migrator = new Migrator({
    db: handle.db,
    provider: new CodeMigrationProvider(handle.dialect),
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: 'twofold_migrations_lock',
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  let result: MigrationResultSet = await migrator.migrateToLatest();
  // Kysely's existence checks introspect every schema of the database, and that query fails when
  // another schema is dropped or altered meanwhile (3F000/42P01, and 42703 when a column of a table
  // being read goes with it). The run is transactional: trying again is safe.
  for (let attempt = 1; attempt < 5 && handle.dialect === 'postgres' && isConcurrentDrop(result.error); attempt++) {
    result = await migrator.migrateToLatest();
  }
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const err = result.error instanceof Error ? result.error : new Error(inspect(result.error));
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${err.message}`, { cause: err });
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

function isConcurrentDrop(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === '3F000' || code === '42P01' || code === '42703';
}
