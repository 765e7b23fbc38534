// The database engines a storage test runs against: SQLite in a temporary file and in memory
// always, and a private schema of the PostgreSQL named by TWOFOLD_TEST_DATABASE_URL (skipped, with
// the reason, when it is not set).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privatePostgresSchema, type TestDatabase } from './postgres.js';
import { needsPostgres, postgresUrl } from './services.js';

export { privatePostgresSchema, type TestDatabase };

export interface DatabaseTarget {
  name: string;
  engine: 'sqlite' | 'postgres';
  /** The runner's `skip` option: the reason when the engine is not configured. */
  skip: string | false;
  create(): Promise<TestDatabase>;
}

/** A SQLite file in a new temporary directory (removed, with its WAL files, by cleanup). */
export function temporarySqliteFile(): TestDatabase & { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-db-'));
  const path = join(dir, 'twofold.db');
  return { dir, path, url: `sqlite:${path}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

export function databaseTargets(): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [
    { name: 'SQLite file', engine: 'sqlite', skip: false, create: async () => temporarySqliteFile() },
    {
      name: 'SQLite in memory',
      engine: 'sqlite',
      skip: false,
      create: async () => ({ url: 'sqlite::memory:', cleanup: async () => {} }),
    },
  ];
  // Always listed: without a server its tests show as skipped, with the reason.
  targets.push({
    name: 'PostgreSQL',
    engine: 'postgres',
    skip: needsPostgres,
    create: () => privatePostgresSchema(postgresUrl!),
  });
  return targets;
}
