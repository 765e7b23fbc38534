// The database engines a storage test runs against: SQLite in a temporary file and in memory
// always, and a private schema of the PostgreSQL named by TWOFOLD_TEST_DATABASE_URL when it is set.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface TestDatabase {
  /** A TWOFOLD_DATABASE_URL for openDatabase(). */
  url: string;
  /** Removes the file or drops the schema. */
  cleanup(): Promise<void>;
}

export interface DatabaseTarget {
  name: string;
  engine: 'sqlite' | 'postgres';
  create(): Promise<TestDatabase>;
}

/** A fresh schema in the given PostgreSQL; the URL's search_path points at it. */
export async function privatePostgresSchema(base: string): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    cleanup: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`DROP SCHEMA ${schema} CASCADE`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A SQLite file in a new temporary directory (removed, with its WAL files, by cleanup). */
export function temporarySqliteFile(): TestDatabase & { dir: string; path: string } {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-db-'));
  const path = join(dir, 'twofold.db');
  return { dir, path, url: `sqlite:${path}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

export function databaseTargets(): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [
    { name: 'SQLite file', engine: 'sqlite', create: async () => temporarySqliteFile() },
    { name: 'SQLite in memory', engine: 'sqlite', create: async () => ({ url: 'sqlite::memory:', cleanup: async () => {} }) },
  ];
  const base = process.env.TWOFOLD_TEST_DATABASE_URL;
  if (base) targets.push({ name: 'PostgreSQL', engine: 'postgres', create: () => privatePostgresSchema(base) });
  return targets;
}
