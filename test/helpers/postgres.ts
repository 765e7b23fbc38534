// A private schema of the test PostgreSQL (TWOFOLD_TEST_DATABASE_URL), so that parallel test files,
// harnesses, clusters and CLI processes never see each other's rows. The one place that makes one.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface TestDatabase {
  /** A TWOFOLD_DATABASE_URL for openDatabase(). */
  url: string;
  /** Removes the file or drops the schema. */
  cleanup(): Promise<void>;
}

async function run(base: string, statement: string): Promise<void> {
  const c = new pg.Client({ connectionString: base });
  await c.connect();
  try {
    await c.query(statement);
  } finally {
    await c.end();
  }
}

/** A fresh schema in the given PostgreSQL; the URL's search_path points at it. */
export async function privatePostgresSchema(base: string, prefix = 't'): Promise<TestDatabase> {
  const schema = `${prefix}_${randomBytes(6).toString('hex')}`;
  await run(base, `CREATE SCHEMA ${schema}`);
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { url: u.toString(), cleanup: () => run(base, `DROP SCHEMA ${schema} CASCADE`) };
}
