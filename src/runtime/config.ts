// Configuration, parsed once at start from the environment (and .env) into a frozen object.
// A bad value stops start-up with one line naming the variable; nothing falls back silently.
import { isIP } from 'node:net';
import { z } from 'zod';
import { checkIssuerUrl } from '../core/oidc-issuer.js';
import { relyingParty, rpIdProblem, type RelyingParty } from '../core/relying-party.js';
import { parseWebhookConfig, type WebhookConfig } from './webhook-config.js';
import { ConfigError } from './config-error.js';
import { parseSmsDelivery, type SmsConfig } from './sms-config.js';

export { ConfigError } from './config-error.js';
export type { SmsConfig, SmsDelivery } from './sms-config.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** Durations as seconds, or with a unit: 30s, 15m, 12h, 7d. */
const duration = z
  .string()
  .regex(/^\d+(ms|s|m|h|d)?$/, 'a duration like 900, 15m, 12h or 7d')
  .transform((v) => {
    const m = /^(\d+)(ms|s|m|h|d)?$/.exec(v)!;
    const n = Number(m[1]);
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
      (m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'
    ];
    return n * unit;
  });
const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL');
const optionalString = z.string().min(1).optional();
const port = z
  .string()
  .regex(/^\d{1,5}$/, 'must be a port number (0 to 65535)')
  .transform(Number)
  .refine((n) => n <= 65535, 'must be a port number (0 to 65535)');
/** Where to listen: a name or an address, never `host:port` (the port is PORT's). */
const host = z
  .string()
  .min(1)
  .refine(
    (h) => isIP(h) !== 0 || /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(h),
    'must be a host name or an IP address, without a port (set the port with PORT)',
  );

const schema = z.object({
  NODE_ENV: z.string().default('development'),
  PORT: port.default(8080),
  HOST: host.default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TWOFOLD_PUBLIC_URL: httpUrl.optional(),
  TWOFOLD_DATA_DIR: z.string().min(1).default('./data'),
  TWOFOLD_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:PATH or postgres://…')
    .optional(),
  TWOFOLD_AUTO_MIGRATE: bool.default(true),
  TWOFOLD_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\/.+/, 'must be redis://… or rediss://…')
    .optional(),
  TWOFOLD_TRUST_PROXY: z.string().min(1).optional(),
  TWOFOLD_SECRET_KEYS: z.string().min(1).optional(),
  TWOFOLD_ISSUER: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[^:]+$/, 'must not contain ":"')
    .default('Twofold'),
  TWOFOLD_MAIL_URL: z
    .string()
    .regex(/^smtps?:\/\/.+/, 'must be smtp://… or smtps://…')
    .optional(),
  TWOFOLD_MAIL_FROM: z.string().min(3).default('Twofold <no-reply@localhost>'),
  TWOFOLD_SESSION_IDLE_WEB: duration.default(7 * 86_400_000),
  TWOFOLD_SESSION_IDLE_APP: duration.default(30 * 86_400_000),
  TWOFOLD_SESSION_ABSOLUTE_WEB: duration.default(30 * 86_400_000),
  TWOFOLD_SESSION_ABSOLUTE_APP: duration.default(90 * 86_400_000),
  TWOFOLD_SESSION_IDLE_CLI: duration.default(30 * 86_400_000),
  TWOFOLD_SESSION_ABSOLUTE_CLI: duration.default(90 * 86_400_000),
  // Public clients of the device grant (RFC 8628): client_id values, comma-separated.
  TWOFOLD_DEVICE_CLIENTS: z
    .string()
    .regex(/^[A-Za-z0-9._~-]+(,[A-Za-z0-9._~-]+)*$/, 'must be client ids (letters, digits, ._~-) separated by commas')
    .default('twofold-cli'),
  TWOFOLD_PASSWORD_RESET_TTL: duration.default(30 * 60_000),
  TWOFOLD_ACCESS_KEY_LIMIT: int(1, 100).default(2),
  TWOFOLD_SMS_PROVIDER: z.enum(['console', 'twilio', 'webhook']).default('console'),
  TWOFOLD_SMS_DEFAULT_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter region like US')
    .default('US'),
  TWOFOLD_SMS_COUNTRIES: z.string().default(''),
  TWOFOLD_SMS_DAILY_LIMIT: int(0, 10_000_000).default(1000),
  TWOFOLD_TWILIO_ACCOUNT_SID: optionalString,
  TWOFOLD_TWILIO_AUTH_TOKEN: optionalString,
  TWOFOLD_TWILIO_FROM: optionalString,
  TWOFOLD_TWILIO_BASE_URL: httpUrl.default('https://api.twilio.com'),
  TWOFOLD_SMS_WEBHOOK_URL: httpUrl.optional(),
  TWOFOLD_SMS_WEBHOOK_SECRET: optionalString,
  TWOFOLD_WEBHOOK_URL: httpUrl.optional(),
  TWOFOLD_WEBHOOK_SECRET: optionalString,
  TWOFOLD_GOOGLE_CLIENT_ID: optionalString,
  TWOFOLD_GOOGLE_CLIENT_SECRET: optionalString,
  TWOFOLD_GOOGLE_ISSUER: httpUrl.default('https://accounts.google.com'),
  // Sent as `Authorization: Bearer …` (RFC 6750 §2.1): b64token characters only, long enough not to be guessed.
  TWOFOLD_METRICS_TOKEN: z
    .string()
    .min(16, 'must be at least 16 characters (e.g. `openssl rand -hex 32`)')
    .max(512)
    .regex(/^[A-Za-z0-9\-._~+/]+=*$/, 'must be letters, digits and -._~+/ only')
    .optional(),
  TWOFOLD_CAVAGE_REQUIRE_DIGEST: bool.default(false),
  TWOFOLD_WEBAUTHN_RP_ID: z.string().min(1).max(253).optional(),
  TWOFOLD_REMEMBER_DEVICE_DAYS: int(0, 365).default(30),
  // Operators (docs/admin.md).
  TWOFOLD_REQUIRE_2FA: bool.default(false),
  TWOFOLD_REQUIRE_2FA_AFTER: z
    .string()
    .refine((v) => /^\d{4}-\d{2}-\d{2}/.test(v) && Number.isFinite(Date.parse(v)), 'an ISO 8601 date like 2026-07-01')
    .transform((v) => Date.parse(v))
    .optional(),
  TWOFOLD_SUPPORT_RESET_DELAY: duration.default(72 * 3_600_000),
});

export type Raw = z.infer<typeof schema>;

/** Every environment variable the configuration reads (docs/ must describe each one). */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(schema.shape));

export interface Config {
  env: string;
  production: boolean;
  port: number;
  host: string;
  logLevel: Raw['LOG_LEVEL'];
  publicUrl: string;
  /**
   * Other hosts (`host:port`) that count as the public URL's: the loopback names of the port when
   * TWOFOLD_PUBLIC_URL is not set (a developer may open localhost or 127.0.0.1), none when it is.
   */
  loopbackAliases: string[];
  secure: boolean;
  dataDir: string;
  databaseUrl: string;
  autoMigrate: boolean;
  redisUrl: string | undefined;
  trustProxy: string[] | undefined;
  secretKeys: string | undefined;
  issuer: string;
  mail: { url: string | undefined; from: string };
  sessions: {
    idleWebMs: number;
    idleAppMs: number;
    absoluteWebMs: number;
    absoluteAppMs: number;
    /** Sessions issued by the device grant (client "cli"). */
    idleCliMs: number;
    absoluteCliMs: number;
  };
  /** client_id values the device grant accepts (TWOFOLD_DEVICE_CLIENTS). */
  deviceClients: string[];
  passwordResetTtlMs: number;
  accessKeyLimit: number;
  sms: SmsConfig;
  google: { clientId?: string; clientSecret?: string; issuer: string };
  /** When set, GET /metrics needs `Authorization: Bearer <token>`. */
  metricsToken: string | undefined;
  /** draft-cavage requests with a body must sign `digest` (content-length coverage refused). */
  cavageRequireDigest: boolean;
  /** Passkeys' relying party (id and origin), or why passkeys cannot work here (an IP address). */
  webauthn: RelyingParty;
  /** How long "remember this device" lasts; 0 turns the feature off. */
  rememberDeviceMs: number;
  /** Operators (docs/admin.md): enforced 2FA (from `require2faAfterMs` when set) and the support reset's wait. */
  operators: { require2fa: boolean; require2faAfterMs: number | null; supportResetDelayMs: number };
  /** Security webhooks (TWOFOLD_WEBHOOK_URL/SECRET), or null when off. */
  webhook: WebhookConfig | null;
}

/** Parses the environment; throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${String(issue.path[0] ?? 'config')}: ${issue.message}`);
  }
  const r = parsed.data;
  const publicUrl = (r.TWOFOLD_PUBLIC_URL ?? `http://127.0.0.1:${r.PORT}`).replace(/\/+$/, '');
  const smsDelivery = parseSmsDelivery(r);
  const webhook = parseWebhookConfig(r.TWOFOLD_WEBHOOK_URL, r.TWOFOLD_WEBHOOK_SECRET);
  if ('problem' in webhook) throw new ConfigError(webhook.problem);
  if (r.TWOFOLD_SMS_WEBHOOK_SECRET) {
    const raw = r.TWOFOLD_SMS_WEBHOOK_SECRET;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw) || Buffer.from(raw, 'base64').length < 16) {
      throw new ConfigError(
        'TWOFOLD_SMS_WEBHOOK_SECRET: must be base64 of at least 16 random bytes (e.g. `openssl rand -base64 32`), used like an access-key secret',
      );
    }
  }
  if (r.TWOFOLD_GOOGLE_CLIENT_ID && !r.TWOFOLD_GOOGLE_CLIENT_SECRET) {
    throw new ConfigError('TWOFOLD_GOOGLE_CLIENT_SECRET: required when TWOFOLD_GOOGLE_CLIENT_ID is set');
  }
  const issuerVerdict = checkIssuerUrl(r.TWOFOLD_GOOGLE_ISSUER);
  if (!issuerVerdict.ok) throw new ConfigError(`TWOFOLD_GOOGLE_ISSUER: ${issuerVerdict.reason}`);
  const countries = r.TWOFOLD_SMS_COUNTRIES.split(',')
    .map((c) => c.trim().toUpperCase())
    .filter(Boolean);
  const badCountry = countries.find((c) => !/^[A-Z]{2}$/.test(c));
  if (badCountry) throw new ConfigError(`TWOFOLD_SMS_COUNTRIES: "${badCountry}" is not a two-letter region`);

  if (r.TWOFOLD_WEBAUTHN_RP_ID) {
    const problem = rpIdProblem(
      r.TWOFOLD_WEBAUTHN_RP_ID,
      r.TWOFOLD_PUBLIC_URL ? new URL(publicUrl).hostname : 'localhost',
    );
    if (problem) throw new ConfigError(`TWOFOLD_WEBAUTHN_RP_ID: ${problem}`);
  }

  const config: Config = {
    env: r.NODE_ENV,
    production: r.NODE_ENV === 'production',
    port: r.PORT,
    host: r.HOST,
    logLevel: r.LOG_LEVEL,
    publicUrl,
    loopbackAliases: r.TWOFOLD_PUBLIC_URL ? [] : [`localhost:${r.PORT}`, `127.0.0.1:${r.PORT}`, `[::1]:${r.PORT}`],
    secure: publicUrl.startsWith('https://'),
    dataDir: r.TWOFOLD_DATA_DIR,
    databaseUrl: r.TWOFOLD_DATABASE_URL ?? `sqlite:${r.TWOFOLD_DATA_DIR.replace(/\/+$/, '')}/twofold.db`,
    autoMigrate: r.TWOFOLD_AUTO_MIGRATE,
    redisUrl: r.TWOFOLD_REDIS_URL,
    trustProxy: r.TWOFOLD_TRUST_PROXY?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    secretKeys: r.TWOFOLD_SECRET_KEYS,
    issuer: r.TWOFOLD_ISSUER,
    mail: { url: r.TWOFOLD_MAIL_URL, from: r.TWOFOLD_MAIL_FROM },
    sessions: {
      idleWebMs: r.TWOFOLD_SESSION_IDLE_WEB,
      idleAppMs: r.TWOFOLD_SESSION_IDLE_APP,
      absoluteWebMs: r.TWOFOLD_SESSION_ABSOLUTE_WEB,
      absoluteAppMs: r.TWOFOLD_SESSION_ABSOLUTE_APP,
      idleCliMs: r.TWOFOLD_SESSION_IDLE_CLI,
      absoluteCliMs: r.TWOFOLD_SESSION_ABSOLUTE_CLI,
    },
    deviceClients: r.TWOFOLD_DEVICE_CLIENTS.split(','),
    passwordResetTtlMs: r.TWOFOLD_PASSWORD_RESET_TTL,
    accessKeyLimit: r.TWOFOLD_ACCESS_KEY_LIMIT,
    sms: {
      ...smsDelivery,
      defaultRegion: r.TWOFOLD_SMS_DEFAULT_REGION,
      countries,
      dailyLimit: r.TWOFOLD_SMS_DAILY_LIMIT,
    },
    google: {
      clientId: r.TWOFOLD_GOOGLE_CLIENT_ID,
      clientSecret: r.TWOFOLD_GOOGLE_CLIENT_SECRET,
      issuer: r.TWOFOLD_GOOGLE_ISSUER,
    },
    metricsToken: r.TWOFOLD_METRICS_TOKEN,
    cavageRequireDigest: r.TWOFOLD_CAVAGE_REQUIRE_DIGEST,
    webauthn: relyingParty({
      publicUrl,
      publicUrlSet: Boolean(r.TWOFOLD_PUBLIC_URL),
      rpIdOverride: r.TWOFOLD_WEBAUTHN_RP_ID,
      port: r.PORT,
      name: r.TWOFOLD_ISSUER,
    }),
    rememberDeviceMs: r.TWOFOLD_REMEMBER_DEVICE_DAYS * 86_400_000,
    operators: {
      require2fa: r.TWOFOLD_REQUIRE_2FA,
      require2faAfterMs: r.TWOFOLD_REQUIRE_2FA_AFTER ?? null,
      supportResetDelayMs: r.TWOFOLD_SUPPORT_RESET_DELAY,
    },
    webhook: webhook.config,
  };
  return Object.freeze(config);
}
