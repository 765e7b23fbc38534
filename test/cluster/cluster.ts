// A Twofold cluster for the tests: N real instances sharing one private PostgreSQL schema and one
// Redis database (a dedicated DB number, flushed at start, so no other test shares its counters),
// with the same keyring and public URL, as behind a load balancer.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import pg from 'pg';
import { privatePostgresSchema, type TestDatabase } from '../helpers/postgres.js';
import { Instance, killAll, newKeyring } from './processes.js';

export const PUBLIC_URL = 'http://twofold.cluster.test';

export interface Cluster {
  instances: Instance[];
  db: TestDatabase;
  redisUrl: string;
  /** The settings every instance shares (add PORT, or override, per instance). */
  env: Record<string, string>;
  /** Round-robin over the instances, as a load balancer does. */
  next(): string;
  query<T>(text: string, values?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** `redis://host:port/N`: the same server, another database number. */
export function redisDb(base: string, n: number): string {
  const u = new URL(base);
  u.pathname = `/${n}`;
  return u.toString();
}

export async function flushRedisDb(url: string): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await r.connect();
    await r.flushdb();
  } finally {
    r.disconnect();
  }
}

export async function startCluster(o: {
  size: number;
  redisDb: number;
  env?: Record<string, string>;
}): Promise<Cluster> {
  const db = await privatePostgresSchema(process.env.TWOFOLD_TEST_DATABASE_URL!);
  const redisUrl = redisDb(process.env.TWOFOLD_TEST_REDIS_URL!, o.redisDb);
  await flushRedisDb(redisUrl);
  const env: Record<string, string> = {
    TWOFOLD_DATABASE_URL: db.url,
    TWOFOLD_REDIS_URL: redisUrl,
    TWOFOLD_SECRET_KEYS: newKeyring(),
    TWOFOLD_PUBLIC_URL: PUBLIC_URL,
    TWOFOLD_MAIL_FROM: 'Twofold <no-reply@cluster.test>',
    // The test client is the load balancer: sign-ups name their own client in X-Forwarded-For.
    TWOFOLD_TRUST_PROXY: '127.0.0.1',
    ...o.env,
  };
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  let i = 0;
  const cluster: Cluster = {
    instances: [],
    db,
    redisUrl,
    env,
    next: () => cluster.instances[i++ % cluster.instances.length]!.url,
    query: async <T>(text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as T[],
    close: async () => {
      await killAll();
      await pool.end();
      await db.cleanup();
    },
  };
  try {
    // Started together: the first start-ups also race on the migrations, as a rolling deploy would.
    cluster.instances = await Promise.all(
      Array.from({ length: o.size }, (_, n) => Instance.start(String.fromCharCode(65 + n), env)),
    );
  } catch (e) {
    await cluster.close();
    throw e;
  }
  return cluster;
}

/** A base64 secret of 32 random bytes (the SMS webhook's). */
export const randomSecret = () => randomBytes(32).toString('base64');
