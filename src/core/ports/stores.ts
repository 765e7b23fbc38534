// Storage ports: one small interface per aggregate. src/storage implements them over Kysely for
// SQLite and PostgreSQL; a shared contract test suite holds both engines to the same behaviour.
// Times are milliseconds since the epoch (UTC).
import type { WebhookOutboxStore } from './webhook-outbox-store.js';
import type { AccessKeyStore } from './access-key-store.js';
import type { DeviceGrantStore } from './device-grant-store.js';
import type { AdminStore } from './admin-store.js';
import type { AdminUserStore } from './admin-user-store.js';
import type { SupportResetStore } from './support-reset-store.js';
import type { EmailTokenStore } from './email-token-store.js';
import type { IdentityStore } from './identity-store.js';
import type {
  ChallengeStore,
  MfaAttemptStore,
  MfaFactorStore,
  MfaSetupStore,
  RecoveryCodeStore,
} from './mfa-stores.js';
import type { PasskeyStore, RememberedDeviceStore, WebAuthnChallengeStore } from './passkey-stores.js';
import type { PrincipalStore } from './principal-store.js';

/** Who a sign-in is for: the portal (cookie) or an app (bearer token). */
export type ClientKind = 'web' | 'app';
/** Who a session was made for: a sign-in's client, or a device grant (RFC 8628), whose client is "cli". */
export type SessionClient = ClientKind | 'cli';

export interface UserRecord {
  id: string;
  email: string;
  /** null for accounts made by Google Sign-In that never set a password. */
  passwordHash: string | null;
  createdAt: number;
  /** When the mailbox was proven (link, reset, Google); null while it never was. */
  emailVerifiedAt: number | null;
}

export interface UserStore {
  /** Inserts; 'email_taken' when the (normalised) email exists, decided by the unique index. */
  create(user: UserRecord): Promise<'created' | 'email_taken'>;
  findById(id: string): Promise<UserRecord | null>;
  findByEmail(email: string): Promise<UserRecord | null>;
  setPasswordHash(id: string, passwordHash: string): Promise<void>;
  /** Removes the password (an unproven account claimed by Google); a reset sets a new one. */
  clearPasswordHash(id: string): Promise<void>;
  /** Marks the email verified, only while it is not (one conditional UPDATE): true when it was marked now. */
  markEmailVerified(id: string, at: number): Promise<boolean>;
  /** Changes the email and marks it verified; 'email_taken' when the unique index refuses it. */
  changeEmail(id: string, email: string, at: number): Promise<'changed' | 'email_taken'>;
  /**
   * Deletes the account and every row of it in every table (factor, set-ups, recovery code,
   * challenges, attempts, access keys, sessions, identities, email tokens, resets, events).
   * Run it in a transaction; false when there was no such account.
   */
  deleteWithEverything(id: string): Promise<boolean>;
  count(): Promise<number>;
  /**
   * Inside a transaction: holds the account's row lock until it ends, so per-account counts
   * checked after it (access keys) cannot be raced past (PostgreSQL row lock; SQLite writes one
   * transaction at a time).
   */
  lock(id: string): Promise<void>;
}

export interface SessionRecord {
  id: string;
  userId: string;
  /** SHA-256 of the token; the token itself is never stored. */
  tokenHash: string;
  client: SessionClient;
  createdAt: number;
  lastSeenAt: number;
  absoluteExpiresAt: number;
  ip: string | null;
  userAgent: string | null;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<SessionRecord | null>;
  /** Moves last_seen_at forward; the caller throttles it to once a minute per session. */
  touch(id: string, at: number): Promise<void>;
  listForUser(userId: string): Promise<SessionRecord[]>;
  /** Deletes one session of that user; false when there was none. */
  delete(userId: string, id: string): Promise<boolean>;
  /** Deletes every session of the user except `exceptId`; returns how many ended. */
  deleteAllForUser(userId: string, exceptId?: string): Promise<number>;
  /** `idleCliMs` (device-grant sessions) defaults to `idleAppMs`. */
  deleteExpired(now: number, idleWebMs: number, idleAppMs: number, idleCliMs?: number): Promise<number>;
}

export interface EventRecord {
  id: number;
  userId: string;
  type: string;
  at: number;
  ip: string | null;
  userAgent: string | null;
  data: Record<string, unknown> | null;
}

export interface EventStore {
  /** Returns the new event's id. */
  append(event: Omit<EventRecord, 'id'>): Promise<number>;
  /** Newest first; `before` is an event id for paging. */
  list(userId: string, options: { limit: number; before?: number }): Promise<EventRecord[]>;
}

export interface PasswordResetRecord {
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
}

export interface PasswordResetStore {
  create(reset: PasswordResetRecord): Promise<void>;
  /**
   * Spends the token atomically (UPDATE … WHERE used_at IS NULL AND expires_at > now): the user
   * id the first time, null for an unknown, used or expired token.
   */
  spend(tokenHash: string, now: number): Promise<string | null>;
  /** Kills every unspent token of the user (after a successful reset). */
  spendAllForUser(userId: string, now: number): Promise<void>;
}

/** Every store, plus a transaction that gives the same stores bound to one connection. */
export interface Stores {
  users: UserStore;
  factors: MfaFactorStore;
  setups: MfaSetupStore;
  challenges: ChallengeStore;
  recoveryCodes: RecoveryCodeStore;
  attempts: MfaAttemptStore;
  accessKeys: AccessKeyStore;
  identities: IdentityStore;
  sessions: SessionStore;
  events: EventStore;
  passwordResets: PasswordResetStore;
  emailTokens: EmailTokenStore;
  principals: PrincipalStore;
  deviceGrants: DeviceGrantStore;
  passkeys: PasskeyStore;
  webauthnChallenges: WebAuthnChallengeStore;
  devices: RememberedDeviceStore;
  admin: AdminStore;
  adminUsers: AdminUserStore;
  supportResets: SupportResetStore;
  webhooks: WebhookOutboxStore;
}

export interface Storage extends Stores {
  transaction<T>(fn: (stores: Stores) => Promise<T>): Promise<T>;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
