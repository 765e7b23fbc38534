// The second-factor attempt rules of shared/API.md "Limits", as pure arithmetic:
// - a challenge dies at its 5th wrong code (that answer is 429 too_many_attempts);
// - 10 wrong codes in a row on one account lock the second-factor step for 15 minutes (the 10th
//   still answers 401); each further round of 10 doubles the lock; a success resets the run.
import type { MfaAttemptState } from './ports/mfa-stores.js';

export const MFA_LIMITS = {
  perChallenge: 5,
  inARow: 10,
  baseLockMs: 15 * 60_000,
  /** The doubling stops here, so a lock can never exceed about a week. */
  maxLockMs: 7 * 24 * 60 * 60_000,
} as const;

/** Seconds left on the account's lock, or 0 when the second-factor step is open. */
export function lockRemainingSec(state: MfaAttemptState, now: number): number {
  if (state.lockedUntil === null || state.lockedUntil <= now) return 0;
  return Math.ceil((state.lockedUntil - now) / 1000);
}

/**
 * After a wrong code moved the run to `state.failures`: the lock to set, or null. Only the request
 * that sees the count reach a multiple of 10 sets it (the counter is moved atomically).
 */
export function lockAfterFailure(state: MfaAttemptState, now: number): { lockedUntil: number; rounds: number } | null {
  if (state.failures === 0 || state.failures % MFA_LIMITS.inARow !== 0) return null;
  const ms = Math.min(MFA_LIMITS.baseLockMs * 2 ** state.rounds, MFA_LIMITS.maxLockMs);
  return { lockedUntil: now + ms, rounds: state.rounds + 1 };
}

/** A challenge's answer to its n-th wrong code: 401 before the 5th, 429 (and dead) at it. */
export function challengeDiesAt(failures: number): boolean {
  return failures >= MFA_LIMITS.perChallenge;
}
