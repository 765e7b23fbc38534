// The composition root: turns the parsed config into live adapters and services.
import { FetchWebhookTransport } from '../adapters/webhook/fetch-webhook-transport.js';
import type { WebhookTransport } from '../core/ports/webhook-transport.js';
import { WebhookDeliverer } from '../services/webhook-deliverer.js';
import { sql } from 'kysely';
import type pino from 'pino';
import { Argon2Hasher } from '../adapters/argon2-hasher.js';
import { loadCommonPasswords } from '../adapters/common-passwords.js';
import { cryptoRandom } from '../adapters/crypto-random.js';
import { qrSvgRenderer } from '../adapters/qr-svg.js';
import { simpleWebAuthn } from '../adapters/webauthn/simplewebauthn.js';
import { LogMailer } from '../adapters/mail/log-mailer.js';
import { DevOutbox, OutboxMailer, OutboxSmsSender, devOutboxEnabled } from '../adapters/outbox/dev-outbox.js';
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
import { checkSchema, describeSchema } from '../storage/schema-version.js';
import { StartupError } from '../runtime/startup-error.js';
import { connectionRefusal } from '../runtime/preflight.js';
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
  /** Why the schema is missing or behind this build (for /readyz), or null when it is not. */
  schemaProblem(): Promise<string | null>;
  /** The development outbox behind /dev/outbox, or null (production, or real mail or SMS). */
  outbox: DevOutbox | null;
  /** The security webhooks' deliverer (serve runs it on an interval), or null when not configured. */
  webhooks: WebhookDeliverer | null;
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  clock?: Clock;
  mailer?: Mailer;
  hasher?: PasswordHasher & { verifyDummy(password: string): Promise<boolean> };
  limits?: RateLimitStore;
  sms?: SmsSender;
  webhookTransport?: WebhookTransport;
}

let commonPasswords: ReadonlySet<string> | undefined;

export async function createRuntime(
  config: Readonly<Config>,
  logger: pino.Logger,
  overrides: RuntimeOverrides = {},
): Promise<Runtime> {
  const clock = overrides.clock ?? systemClock;
  // The database first, then the key file: a server that cannot reach its database leaves no key.
  const db = openDatabase(config.databaseUrl, { logger });
  let keyring: Keyring;
  try {
    if (db.dialect === 'postgres') {
      await sql`select 1`.execute(db.db).catch((e: unknown) => {
        throw connectionRefusal(config.databaseUrl, e);
      });
    }
    // A schema newer than the code is refused either way (a downgrade would run old queries on it);
    // one missing or behind is migrated, or refused when migrations are the operator's step.
    const verdict = await checkSchema(db);
    if (verdict.state === 'ahead' || (!config.autoMigrate && verdict.state !== 'current')) {
      throw new StartupError(describeSchema(verdict)!);
    }
    if (config.autoMigrate) {
      const report = await migrateToLatest(db);
      if (report.applied.length) logger.info({ applied: report.applied }, 'database migrated');
    }
    keyring = resolveKeyring(config, logger);
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
  const outbox = devOutboxEnabled({
    production: config.production,
    mailUrl: config.mail.url,
    smsProvider: config.sms.provider,
    host: config.host,
  })
    ? new DevOutbox(clock)
    : null;
  const baseMailer =
    overrides.mailer ??
    (config.mail.url
      ? new (await import('../adapters/mail/smtp-mailer.js')).SmtpMailer({
          url: config.mail.url,
          from: config.mail.from,
        })
      : new LogMailer(logger, { redactLinks: config.production }));
  const mailer = outbox ? new OutboxMailer(baseMailer, outbox) : baseMailer;
  const sms = overrides.sms ?? createSmsSender(config, logger);
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
    sms: outbox ? new OutboxSmsSender(sms, outbox) : sms,
    webauthn: simpleWebAuthn,
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
      webauthn: config.webauthn,
      rememberDeviceMs: config.rememberDeviceMs,
      requireMfa: config.operators.require2fa ? { afterMs: config.operators.require2faAfterMs } : null,
      supportResetDelayMs: config.operators.supportResetDelayMs,
      webhooks: config.webhook !== null,
    },
  });
  const webhooks = config.webhook
    ? new WebhookDeliverer({
        clock,
        random: cryptoRandom,
        logger,
        outbox: storage.webhooks,
        transport: overrides.webhookTransport ?? new FetchWebhookTransport(),
        url: config.webhook.url,
        secretBase64: config.webhook.secretBase64,
      })
    : null;
  return {
    config,
    logger,
    db,
    storage,
    limits,
    keyring,
    services,
    // A newer schema is not a readiness problem: in a rolling deploy the first new instance
    // migrates while the old ones still serve, and they must not all drop out at once.
    schemaProblem: async () => {
      const verdict = await checkSchema(db);
      return verdict.state === 'ahead' ? null : describeSchema(verdict);
    },
    outbox,
    webhooks,
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
