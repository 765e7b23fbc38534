// A Twofold app for tests: a fresh database (in-memory SQLite, or a private schema of the
// PostgreSQL named by TWOFOLD_TEST_DATABASE_URL), a clock the test moves, cheap argon2
// parameters, and mail captured in memory (or sent to a real SMTP server when asked).
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Argon2Hasher } from '../../src/adapters/argon2-hasher.js';
import { MemoryRateLimitStore } from '../../src/adapters/ratelimit/memory-store.js';
import { createRedis } from '../../src/adapters/ratelimit/redis-client.js';
import { RedisRateLimitStore } from '../../src/adapters/ratelimit/redis-store.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import type { MailMessage, Mailer } from '../../src/core/ports/mailer.js';
import type { RateLimitStore } from '../../src/core/ports/rate-limit.js';
import type { SmsSender } from '../../src/core/ports/sms-sender.js';
import { buildApp } from '../../src/server/app.js';
import { loadConfig } from '../../src/runtime/config.js';
import { createRuntime, type Runtime } from '../../src/server/container.js';
import { createLogger } from '../../src/runtime/logger.js';
import { privatePostgresSchema } from './postgres.js';

export const TEST_PUBLIC_URL = 'http://127.0.0.1:8080';
export const ORIGIN = TEST_PUBLIC_URL;
/** The Host a client of TEST_PUBLIC_URL sends (signed requests cover it). */
export const PUBLIC_HOST = new URL(TEST_PUBLIC_URL).host;

export class CapturingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  async send(m: MailMessage): Promise<void> {
    this.sent.push(m);
  }
  to(email: string): MailMessage[] {
    return this.sent.filter((m) => m.to === email);
  }
}

export interface Harness {
  app: FastifyInstance;
  runtime: Runtime;
  clock: ManualClock;
  mailer: CapturingMailer;
  /** The database engine under test. */
  engine: 'sqlite' | 'postgres';
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** TWOFOLD_PUBLIC_URL; null leaves it unset, as a developer's first run does. Default TEST_PUBLIC_URL. */
  publicUrl?: string | null;
  mailer?: Mailer;
  limits?: RateLimitStore;
  sms?: SmsSender;
  /** Use Redis for rate limits when TWOFOLD_TEST_REDIS_URL is set (limits then follow real time, not the test clock). */
  redisWhenAvailable?: boolean;
  /** Use PostgreSQL when TWOFOLD_TEST_DATABASE_URL is set (default true). */
  allowPostgres?: boolean;
}

/**
 * Starts a harness, started again when its migration trips over another test file's schema being
 * dropped. On PostgreSQL, Kysely's Migrator checks for its bookkeeping table by introspecting EVERY
 * schema (has_schema_privilege / pg_get_serial_sequence per column); a parallel test file that runs
 * DROP SCHEMA … CASCADE at that instant makes it fail with 3F000 `schema "t_…" does not exist`.
 */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startHarnessOnce(options);
    } catch (e) {
      if (attempt >= 4 || !/schema "[^"]+" does not exist/.test((e as Error).message)) throw e;
    }
  }
}

async function startHarnessOnce(options: HarnessOptions): Promise<Harness> {
  const pgBase = options.allowPostgres === false ? undefined : process.env.TWOFOLD_TEST_DATABASE_URL;
  const db = pgBase ? await privatePostgresSchema(pgBase) : { url: 'sqlite::memory:', cleanup: async () => {} };
  try {
    const config = loadConfig({
      ...(options.publicUrl === null ? {} : { TWOFOLD_PUBLIC_URL: options.publicUrl ?? TEST_PUBLIC_URL }),
      TWOFOLD_DATABASE_URL: db.url,
      TWOFOLD_SECRET_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      LOG_LEVEL: 'silent',
      ...options.env,
    });
    const clock = new ManualClock(Date.now());
    const redisUrl = options.redisWhenAvailable ? process.env.TWOFOLD_TEST_REDIS_URL : undefined;
    const mailer = new CapturingMailer();
    const runtime = await createRuntime(config, createLogger(config), {
      clock,
      mailer: options.mailer ?? mailer,
      ...(options.sms ? { sms: options.sms } : {}),
      hasher: new Argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
      limits:
        options.limits ??
        (redisUrl
          ? new RedisRateLimitStore(createRedis(redisUrl), `twofold-test:${randomBytes(4).toString('hex')}:`)
          : new MemoryRateLimitStore(clock)),
    });
    const { app } = await buildApp(runtime);
    await app.ready();
    return {
      app,
      runtime,
      clock,
      mailer,
      engine: pgBase ? 'postgres' : 'sqlite',
      inject: (opts) => app.inject(opts),
      close: async () => {
        await app.close();
        await runtime.close();
        await db.cleanup();
      },
    };
  } catch (e) {
    // A failed start must not leave its private schema behind in the test database.
    await db.cleanup().catch(() => {});
    throw e;
  }
}

/** Runs `fn` with a fresh harness and closes it afterwards, whatever happens. */
export async function withHarness(fn: (h: Harness) => Promise<void>, options: HarnessOptions = {}): Promise<void> {
  const h = await startHarness(options);
  try {
    await fn(h);
  } finally {
    await h.close();
  }
}
