// What every use case is given: ports and settings, never a framework, a driver or a vendor SDK.
import type { Keyring } from '../core/envelope.js';
import type { Clock } from '../core/ports/clock.js';
import type { Logger } from '../core/ports/logger.js';
import type { Mailer } from '../core/ports/mailer.js';
import type { OidcProvider } from '../core/ports/oidc.js';
import type { PasswordHasher } from '../core/ports/password-hasher.js';
import type { QrRenderer } from '../core/ports/qr.js';
import type { ReplayGuard } from '../core/ports/replay-guard.js';
import type { SmsSender } from '../core/ports/sms-sender.js';
import type { Random } from '../core/ports/random.js';
import type { RateLimitStore } from '../core/ports/rate-limit.js';
import type { Storage } from '../core/ports/stores.js';
import type { WebAuthnCeremonies } from '../core/ports/webauthn.js';
import type { RelyingParty } from '../core/relying-party.js';

export interface ServiceSettings {
  /** e.g. https://twofold.example.com (no trailing slash). */
  publicUrl: string;
  /** Shown in mails and authenticator apps. */
  issuer: string;
  sessionIdleWebMs: number;
  sessionIdleAppMs: number;
  sessionAbsoluteWebMs: number;
  sessionAbsoluteAppMs: number;
  /** Device-grant sessions (client "cli"); the ids of the grant's public clients. */
  sessionIdleCliMs: number;
  sessionAbsoluteCliMs: number;
  deviceClients: readonly string[];
  passwordResetTtlMs: number;
  accessKeyLimit: number;
  smsDailyLimit: number;
  sms: { defaultRegion: string; countries: readonly string[] };
  production: boolean;
  /** Passkeys' relying party, or why passkeys cannot work with this public URL. */
  webauthn: RelyingParty;
  /** "Remember this device" lifetime; 0 = off. */
  rememberDeviceMs: number;
  /** TWOFOLD_REQUIRE_2FA: accounts without a second factor may only set one up (from `afterMs` when set). */
  requireMfa?: { afterMs: number | null } | null;
  /** TWOFOLD_SUPPORT_RESET_DELAY: how long a support reset waits (default 72 h). */
  supportResetDelayMs?: number;
  /** TWOFOLD_WEBHOOK_URL is set: security events are also written to the webhook outbox. */
  webhooks?: boolean;
}

export interface ServiceDeps {
  clock: Clock;
  random: Random;
  storage: Storage;
  hasher: PasswordHasher & { verifyDummy(password: string): Promise<boolean> };
  mailer: Mailer;
  limits: RateLimitStore;
  logger: Logger;
  commonPasswords: ReadonlySet<string>;
  keyring: Keyring;
  qr: QrRenderer;
  replays: ReplayGuard;
  sms: SmsSender;
  webauthn: WebAuthnCeremonies;
  /** Google Sign-In; absent when no client id is configured. */
  oidc?: OidcProvider | null;
  settings: ServiceSettings;
}

/**
 * A use case's share of the deps: the named ports, and storage narrowed to the stores it touches
 * (`transaction` still hands its callback every store, bound to one connection).
 */
export type DepsOf<K extends Exclude<keyof ServiceDeps, 'storage'>, S extends keyof Storage> = Pick<ServiceDeps, K> & {
  storage: Pick<Storage, S>;
};

/** Who is asking: recorded with security events and sessions. */
export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
}
