// One database that several runtimes (harnesses, or a CLI process) open in turn, as instances
// restarted with a new keyring would: a SQLite file under the OS temp dir, or a private schema of
// the PostgreSQL named by TWOFOLD_TEST_DATABASE_URL.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../helpers/harness.js';
import { privatePostgresSchema } from '../helpers/postgres.js';

export interface SharedDatabase {
  url: string;
  engine: 'sqlite' | 'postgres';
  drop(): Promise<void>;
}

export async function sharedDatabase(): Promise<SharedDatabase> {
  const base = process.env.TWOFOLD_TEST_DATABASE_URL;
  if (!base) {
    const dir = mkdtempSync(join(tmpdir(), 'twofold-keys-'));
    return {
      url: `sqlite:${join(dir, 'twofold.db')}`,
      engine: 'sqlite',
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const db = await privatePostgresSchema(base, 'k');
  return { url: db.url, engine: 'postgres', drop: () => db.cleanup() };
}

export const newKey = () => randomBytes(32).toString('base64');

/** A harness over the shared database with this keyring, its clock set to `at`. */
export async function harnessOn(db: SharedDatabase, keys: string, at?: number): Promise<Harness> {
  const h = await startHarness({ env: { TWOFOLD_DATABASE_URL: db.url, TWOFOLD_SECRET_KEYS: keys } });
  if (at !== undefined) h.clock.set(at);
  return h;
}
