// The databases a run makes, and their removal: a SQLite file in the run's temporary folder, or
// with --postgres a private PostgreSQL schema and, in Redis, keys that carry the run's salt. Also
// what an earlier run killed by SIGKILL left behind (sweepStale).
import { readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { BASE_PG, BASE_REDIS, DEADLINE_MS, log, POSTGRES, runSecond, salt, tmp } from './options.js';

const pgSchemas: string[] = [];
/** What a run killed by SIGKILL could not clean: older than the deadline, it is nobody's. */
const STALE_MS = DEADLINE_MS + 5 * 60_000;

export async function sweepStale(): Promise<void> {
  for (const e of readdirSync(os.tmpdir(), { withFileTypes: true })) {
    const path = join(os.tmpdir(), e.name);
    if (
      e.isDirectory() &&
      e.name.startsWith('twofold-bench-') &&
      path !== tmp &&
      Date.now() - statSync(path).mtimeMs > STALE_MS
    ) {
      rmSync(path, { recursive: true, force: true });
      log(`removed ${path}, left by an earlier run`);
    }
  }
  if (!POSTGRES) return;
  const client = new pg.Client({ connectionString: BASE_PG });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT nspname AS name FROM pg_namespace WHERE nspname ~ '^bench_[0-9]+_[0-9a-f]+_'",
    );
    for (const { name } of rows) {
      if (runSecond - Number(name.split('_')[1]) > STALE_MS / 1000) {
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
        log(`dropped schema ${name}, left by an earlier run`);
      }
    }
  } finally {
    await client.end();
  }
}

export async function databaseFor(label: string): Promise<string> {
  if (!POSTGRES) return `sqlite:${join(tmp, `${label}.db`)}`;
  // The creation time in the name lets a later run drop it if this one is killed (sweepStale).
  const schema = `bench_${runSecond}_${salt}_${label}`;
  const client = new pg.Client({ connectionString: BASE_PG });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    pgSchemas.push(schema);
  } finally {
    await client.end();
  }
  const sep = BASE_PG.includes('?') ? '&' : '?';
  return `${BASE_PG}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

/** Drops this run's PostgreSQL schemas and Redis keys and removes its temporary folder (its children stopped first). */
export async function removeRunData(): Promise<void> {
  if (pgSchemas.length) {
    const client = new pg.Client({ connectionString: BASE_PG });
    try {
      await client.connect();
      for (const s of pgSchemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    } catch (e) {
      log(`could not drop PostgreSQL schemas ${pgSchemas.join(', ')}: ${(e as Error).message}`);
    } finally {
      await client.end().catch(() => {});
    }
  }
  if (POSTGRES) await cleanRedis().catch((e: unknown) => log(`could not clean Redis: ${(e as Error).message}`));
  rmSync(tmp, { recursive: true, force: true });
}

/** Deletes what this run left in Redis: keys that name its accounts (their emails carry the salt). */
async function cleanRedis(): Promise<void> {
  const redis = new Redis(BASE_REDIS, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `twofold:*${salt}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    if (deleted) log(`Redis: deleted ${deleted} keys of this run`);
  } finally {
    redis.disconnect();
  }
}
