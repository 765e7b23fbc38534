// Storage ports for the second factor, one per aggregate: the factor, its pending set-ups, the
// sign-in challenges, the recovery code and the account's run of wrong codes. Every single-use
// thing is spent by one conditional UPDATE (… WHERE used_at IS NULL …) whose row count decides
// who won a race.

export type MfaMethod = 'totp' | 'sms';

/** How a sign-in challenge is answered: the factor's method, or a passkey when the account has only passkeys. */
export type ChallengeMethod = MfaMethod | 'passkey';

export interface MfaFactorRecord {
  userId: string;
  method: MfaMethod;
  /** Envelope-encrypted TOTP secret (AAD `totp:<userId>`). */
  secretEnc: string | null;
  /** Envelope-encrypted E.164 phone number (AAD `phone:<userId>`). */
  phoneEnc: string | null;
  phoneHint: string | null;
  /** The last accepted TOTP time step (RFC 6238 §5.2: a code at or before it is refused). */
  lastStep: number | null;
  enabledAt: number;
}

/** The SMS code currently valid for a set-up or a challenge (keyed hash only). */
export interface SmsCodeState {
  codeHash: string | null;
  codeExpiresAt: number | null;
  sends: number;
  lastSentAt: number | null;
}

export interface MfaSetupRecord extends Partial<SmsCodeState> {
  id: string;
  userId: string;
  method: MfaMethod;
  secretEnc: string | null;
  phoneEnc: string | null;
  phoneHint: string | null;
  createdAt: number;
  expiresAt: number;
}

/** Why a new SMS code was not stored: the last went out < 30 s ago, the sends ran out, or the set-up/challenge is gone. */
export type CodeRefusal = 'too_soon' | 'too_many' | 'closed';

export interface ChallengeRecord extends Partial<SmsCodeState> {
  /** SHA-256 of the opaque challenge handed to the client. */
  idHash: string;
  userId: string;
  method: ChallengeMethod;
  client: 'web' | 'app';
  via: string;
  createdAt: number;
  expiresAt: number;
  failures: number;
  /** Set when the challenge was used, killed by 5 wrong codes, or killed by a recovery. */
  closedAt: number | null;
  /** An external identity to link once the second factor is given (Google Sign-In). */
  pendingLink?: PendingLink | null;
}

export interface PendingLink {
  issuer: string;
  subject: string;
  email: string | null;
}

export interface MfaAttemptState {
  /** Wrong codes in a row on the account (across challenges, addresses and instances). */
  failures: number;
  /** How many locks this run of failures has caused (each doubles the next). */
  rounds: number;
  lockedUntil: number | null;
}

/** The lock rule handed to storage (core/second-factor-lock.ts is its one definition). */
export interface LockPlan {
  inARow: number;
  lockMs: readonly number[];
  beyondMs: number;
}

/** The account's second factor (one per account), and the TOTP step it last accepted. */
export interface MfaFactorStore {
  getFactor(userId: string): Promise<MfaFactorRecord | null>;
  /** Replaces the account's factor (one per account). */
  putFactor(factor: MfaFactorRecord): Promise<void>;
  deleteFactor(userId: string): Promise<boolean>;
  /** Moves last_step forward only if `step` is newer: false means the code was already used. */
  advanceStep(userId: string, step: number): Promise<boolean>;
  listFactors(afterUserId: string | null, limit: number): Promise<MfaFactorRecord[]>;
  /**
   * Key rotation: replaces the factor's ciphertexts only while they are still `expected`
   * (compare-and-set); false when the factor was re-configured or removed meanwhile, whose new
   * ciphertexts must not be overwritten by the old secret re-sealed.
   */
  updateFactorCiphertexts(
    userId: string,
    secretEnc: string | null,
    phoneEnc: string | null,
    expected: { secretEnc: string | null; phoneEnc: string | null },
  ): Promise<boolean>;
}

/** Pending set-ups of a second factor, with the SMS code each one has out. */
export interface MfaSetupStore {
  createSetup(setup: MfaSetupRecord): Promise<void>;
  getSetup(id: string): Promise<(MfaSetupRecord & { usedAt: number | null }) | null>;
  /** Spends a pending set-up once: false if used or expired. */
  spendSetup(id: string, now: number): Promise<boolean>;
  deleteSetup(id: string): Promise<void>;
  deleteSetupsForUser(userId: string): Promise<void>;
  listSetups(afterId: string | null, limit: number): Promise<MfaSetupRecord[]>;
  updateSetupCiphertexts(id: string, secretEnc: string | null, phoneEnc: string | null): Promise<void>;
  /**
   * Stores a new SMS code (killing the previous one) in one conditional UPDATE: only while the
   * set-up is open, at least `minGapMs` after the last send and below `maxSends`.
   */
  setSetupCode(
    id: string,
    codeHash: string,
    codeExpiresAt: number,
    now: number,
    minGapMs: number,
    maxSends: number,
  ): Promise<'ok' | CodeRefusal>;
  /**
   * Puts back the code state from before a send that the provider refused, only while the code
   * stored is still `ourHash` (a later send is never undone); true when it was put back.
   */
  restoreSetupCode(id: string, ourHash: string, previous: SmsCodeState): Promise<boolean>;
}

/** Sign-in challenges (the second step), with their count of attempts and SMS code. */
export interface ChallengeStore {
  createChallenge(c: ChallengeRecord): Promise<void>;
  getChallenge(idHash: string): Promise<ChallengeRecord | null>;
  /**
   * Counts an attempt on an open, unexpired challenge before its code is checked, only while
   * fewer than `max` were made: one conditional UPDATE. The attempt's number, or null when the
   * challenge is closed, expired or used up.
   */
  reserveChallengeAttempt(idHash: string, now: number, max: number): Promise<number | null>;
  /** Closes an open challenge; false if it was already closed (the race was lost). */
  closeChallenge(idHash: string, now: number): Promise<boolean>;
  closeChallengesForUser(userId: string, now: number): Promise<void>;
  /** As `MfaSetupStore.setSetupCode`, while the challenge is open. */
  setChallengeCode(
    idHash: string,
    codeHash: string,
    codeExpiresAt: number,
    now: number,
    minGapMs: number,
    maxSends: number,
  ): Promise<'ok' | CodeRefusal>;
  /** As `MfaSetupStore.restoreSetupCode`. */
  restoreChallengeCode(idHash: string, ourHash: string, previous: SmsCodeState): Promise<boolean>;
}

/** The account's recovery code (one per account), kept as a keyed hash. */
export interface RecoveryCodeStore {
  /** Replaces the account's recovery code hash (one per account). */
  putRecoveryCode(userId: string, codeHash: string, kid: string, now: number): Promise<void>;
  getRecoveryCode(userId: string): Promise<{ codeHash: string; kid: string; usedAt: number | null } | null>;
  /** Spends the recovery code once, if its hash is still the one given. */
  spendRecoveryCode(userId: string, codeHash: string, now: number): Promise<boolean>;
  deleteRecoveryCode(userId: string): Promise<void>;
}

/** The account's run of wrong second-factor codes and the lock it earns. */
export interface MfaAttemptStore {
  getAttempts(userId: string): Promise<MfaAttemptState>;
  /**
   * Counts a code attempt in the account's run before the code is checked, in one conditional
   * upsert, only while the account is not locked; the attempt that makes the run a multiple of
   * `plan.inARow` sets the lock (`plan.lockMs` by rounds so far, `plan.beyondMs` past them).
   * The state after it, or null when the account is locked.
   */
  reserveAccountAttempt(userId: string, now: number, plan: LockPlan): Promise<MfaAttemptState | null>;
  resetAttempts(userId: string): Promise<void>;
}
