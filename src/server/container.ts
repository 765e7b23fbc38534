// The composition root: turns the parsed config into live adapters and services.
import type pino from 'pino';
import { Argon2Hasher } from '../adapters/argon2-hasher.js';
import { loadCommonPasswords } from '../adapters/common-passwords.js';
import { cryptoRandom } from '../adapters/crypto-random.js';
import { qrSvgRenderer } from '../adapters/qr-svg.js';
import { LogMailer } from '../adapters/mail/log-mailer.js';
import { MemoryRateLimitStore } from '../adapters/ratelimit/memory-store.js';
import type { Keyring } from '../core/envelope.js';
import { systemClock, type Clock } from '../core/ports/clock.js';
import type { Mailer } from '../core/ports/mailer.js';
import type { PasswordHasher } from '../core/ports/password-hasher.js';
import type { RateLimitStore } from '../core/ports/rate-limit.js';
import type { SmsSender } from '../core/ports/sms-sender.js';
import type { Storage } from '../core/ports/stores.js';
import { createSmsSender } from './sms-sender-factory.js';
import { createServices, type Services } from '../services/services.js';
import { openDatabase, type DatabaseHandle } from '../storage/database.js';
import { migrateToLatest } from '../storage/migrate.js';
import { createStorage } from '../storage/storage.js';
import { DatabaseRateLimitStore } from '../storage/database-rate-limit-store.js';
import type { Config } from '../runtime/config.js';
import { resolveKeyring } from '../runtime/keyring-file.js';

export interface Runtime {
  config: Readonly<Config>;
  logger: pino.Logger;
  db: DatabaseHandle;
  storage: Storage;
  limits: RateLimitStore;
  keyring: Keyring;
  services: Services;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  clock?: Clock;
  mailer?: Mailer;
  hasher?: PasswordHasher & { verifyDummy(password: string): Promise<boolean> };
  limits?: RateLimitStore;
  sms?: SmsSender;
}

let commonPasswords: ReadonlySet<string> | undefined;

export async function createRuntime(
  config: Readonly<Config>,
  logger: pino.Logger,
  overrides: RuntimeOverrides = {},
): Promise<Runtime> {
  const keyring = resolveKeyring(config, logger);
  const clock = overrides.clock ?? systemClock;
  const db = openDatabase(config.databaseUrl, { logger });
  try {
    if (config.autoMigrate) {
      const report = await migrateToLatest(db);
      if (report.applied.length) logger.info({ applied: report.applied }, 'database migrated');
    }
  } catch (e) {
    await db.close();
    throw e;
  }
  const storage = createStorage(db);
  // The clients of optional services (Redis, SMTP, Google Sign-In) are loaded only when the config
  // names them: each of ioredis, nodemailer and openid-client costs megabytes of heap once loaded.
  // Shared state lives where every instance sees it: Redis when configured, else the database when
  // it is PostgreSQL (several instances may share it); in-process only for the embedded default.
  const limits =
    overrides.limits ??
    (config.redisUrl
      ? await redisStore(config.redisUrl)
      : db.dialect === 'postgres'
        ? new DatabaseRateLimitStore(db.db, clock)
        : new MemoryRateLimitStore(clock));
  const mailer =
    overrides.mailer ??
    (config.mail.url
      ? new (await import('../adapters/mail/smtp-mailer.js')).SmtpMailer({
          url: config.mail.url,
          from: config.mail.from,
        })
      : new LogMailer(logger, { redactLinks: config.production }));
  commonPasswords ??= loadCommonPasswords();
  const hasher = overrides.hasher ?? new Argon2Hasher();
  if (hasher instanceof Argon2Hasher) {
    await hasher.warmUp();
    const { hashMs, maxWaiting } = hasher.queueBound;
    logger.debug({ verifyMs: Math.round(hashMs), maxWaiting }, 'password checks past this queue answer 503');
  }
  const services = createServices({
    clock,
    random: cryptoRandom,
    storage,
    hasher,
    mailer,
    limits,
    logger,
    commonPasswords,
    keyring,
    qr: qrSvgRenderer,
    sms: overrides.sms ?? createSmsSender(config, logger),
    // Signature hashes for the replay guard: in Redis when configured (shared, with TTL), else in
    // the database, so that instances sharing one database still refuse each other's replays.
    replays: config.redisUrl
      ? { claim: (key, ttlMs) => limits.claim(key, ttlMs) }
      : { claim: (key, ttlMs) => storage.accessKeys.claimSignature(key, clock.now(), clock.now() + ttlMs) },
    // Google Sign-In only when a client id is configured (config.ts demands the secret with it).
    oidc:
      config.google.clientId && config.google.clientSecret
        ? new (await import('../adapters/oidc/google-client.js')).GoogleOidcClient({
            issuer: config.google.issuer,
            clientId: config.google.clientId,
            clientSecret: config.google.clientSecret,
            redirectUri: `${config.publicUrl}/v1/auth/google/callback`,
          })
        : null,
    settings: {
      publicUrl: config.publicUrl,
      issuer: config.issuer,
      sessionIdleWebMs: config.sessions.idleWebMs,
      sessionIdleAppMs: config.sessions.idleAppMs,
      sessionAbsoluteWebMs: config.sessions.absoluteWebMs,
      sessionAbsoluteAppMs: config.sessions.absoluteAppMs,
      sessionIdleCliMs: config.sessions.idleCliMs,
      sessionAbsoluteCliMs: config.sessions.absoluteCliMs,
      deviceClients: config.deviceClients,
      passwordResetTtlMs: config.passwordResetTtlMs,
      accessKeyLimit: config.accessKeyLimit,
      smsDailyLimit: config.sms.dailyLimit,
      sms: { defaultRegion: config.sms.defaultRegion, countries: config.sms.countries },
      production: config.production,
    },
  });
  return {
    config,
    logger,
    db,
    storage,
    limits,
    keyring,
    services,
    close: async () => {
      await limits.close();
      await storage.close();
    },
  };
}

async function redisStore(url: string): Promise<RateLimitStore> {
  const [{ RedisRateLimitStore }, { createRedis }] = await Promise.all([
    import('../adapters/ratelimit/redis-store.js'),
    import('../adapters/ratelimit/redis-client.js'),
  ]);
  return new RedisRateLimitStore(createRedis(url));
}
