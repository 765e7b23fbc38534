// One database that several runtimes (harnesses, or a CLI process) open in turn, as instances
// restarted with a new keyring would: a SQLite file under the OS temp dir, or a private schema of
// the PostgreSQL named by TWOFOLD_TEST_DATABASE_URL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Harness } from '../helpers/harness.js';
import { startHarness } from './support.js';

export interface SharedDatabase {
  url: string;
  engine: 'sqlite' | 'postgres';
  drop(): Promise<void>;
}

export async function sharedDatabase(): Promise<SharedDatabase> {
  const base = process.env.TWOFOLD_TEST_DATABASE_URL;
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), 'twofold-keys-'));
    return { url: `sqlite:${join(dir, 'twofold.db')}`, engine: 'sqlite', drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `k_${randomBytes(6).toString('hex')}`;
  const run = async (q: string) => {
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await run(`CREATE SCHEMA ${schema}`);
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return { url: u.toString(), engine: 'postgres', drop: () => run(`DROP SCHEMA ${schema} CASCADE`) };
}

export const newKey = () => randomBytes(32).toString('base64');

/** A harness over the shared database with this keyring, its clock set to `at`. */
export async function harnessOn(db: SharedDatabase, keys: string, at?: number): Promise<Harness> {
  const h = await startHarness({ env: { TWOFOLD_DATABASE_URL: db.url, TWOFOLD_SECRET_KEYS: keys } });
  if (at !== undefined) h.clock.set(at);
  return h;
}
