// Storage ports for passkeys (WebAuthn credentials), the one-time WebAuthn challenges and the
// remembered devices. Single-use values are spent by one conditional UPDATE whose row count (or
// returned row) decides who won a race.

export interface PasskeyRecord {
  /** Our public id (hex), used in /v1/me/passkeys/{id}. */
  id: string;
  userId: string;
  /** The credential id as the authenticator gave it, base64url (unique over all accounts). */
  credentialId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The signature counter last seen (WebAuthn §6.1.1); 0 when the authenticator keeps none. */
  counter: number;
  transports: string[];
  backupEligible: boolean;
  backedUp: boolean;
  aaguid: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export interface PasskeyStore {
  /** 'exists' when the credential id is already registered (to any account). */
  addPasskey(p: PasskeyRecord): Promise<'added' | 'exists'>;
  listPasskeys(userId: string): Promise<PasskeyRecord[]>;
  countPasskeys(userId: string): Promise<number>;
  findByCredentialId(credentialId: string): Promise<PasskeyRecord | null>;
  renamePasskey(userId: string, id: string, name: string): Promise<PasskeyRecord | null>;
  deletePasskey(userId: string, id: string): Promise<boolean>;
  deletePasskeysForUser(userId: string): Promise<number>;
  /**
   * Records a use: moves the counter to `counter` only while it is still `expected` (compare and
   * set), so of two assertions racing with one counter value only one is recorded.
   */
  recordUse(id: string, expected: number, counter: number, backedUp: boolean, now: number): Promise<boolean>;
}

export type WebAuthnPurpose = 'register' | 'signin' | 'second_factor';

export interface WebAuthnChallengeRecord {
  /** SHA-256 of the base64url challenge handed to the browser. */
  challengeHash: string;
  purpose: WebAuthnPurpose;
  /** The account (registration, second factor); null for a discoverable sign-in. */
  userId: string | null;
  /** Registration: the session that asked for it. */
  sessionId: string | null;
  /** Second factor: the hash of the sign-in challenge it answers. */
  signInChallengeHash: string | null;
  createdAt: number;
  expiresAt: number;
}

/** What a challenge must still be bound to when it is spent. */
export interface WebAuthnBinding {
  purpose: WebAuthnPurpose;
  userId?: string;
  sessionId?: string;
  signInChallengeHash?: string;
}

export interface WebAuthnChallengeStore {
  createWebAuthnChallenge(c: WebAuthnChallengeRecord): Promise<void>;
  /**
   * Spends the challenge once, in one conditional UPDATE: only while unused, unexpired and bound
   * as `binding` says. True for the one caller that spent it.
   */
  spendWebAuthnChallenge(challengeHash: string, binding: WebAuthnBinding, now: number): Promise<boolean>;
  deleteExpiredWebAuthnChallenges(now: number): Promise<number>;
}

export interface RememberedDeviceRecord {
  id: string;
  userId: string;
  /** SHA-256 of the 256-bit device token; the token itself is never stored. */
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
  lastUsedAt: number | null;
  ip: string | null;
  userAgent: string | null;
}

export interface RememberedDeviceStore {
  rememberDevice(d: RememberedDeviceRecord): Promise<void>;
  /** The unexpired device of that account with that token hash; its last use moves to `now`. */
  useDevice(userId: string, tokenHash: string, now: number): Promise<RememberedDeviceRecord | null>;
  listDevices(userId: string, now: number): Promise<RememberedDeviceRecord[]>;
  forgetDevice(userId: string, id: string): Promise<boolean>;
  forgetDevicesForUser(userId: string): Promise<number>;
}
