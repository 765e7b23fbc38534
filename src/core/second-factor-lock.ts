// The second-factor attempt rules of shared/API.md "Limits", as pure arithmetic:
// - a challenge dies at its 5th wrong code (that answer is 429 too_many_attempts);
// - 10 wrong codes in a row on one account lock the second-factor step for 15 minutes (the 10th
//   still answers 401); each further round of 10 doubles the lock; a success resets the run.
// Both counts are taken before a code is checked (ChallengeStore.reserveChallengeAttempt and
// MfaAttemptStore.reserveAccountAttempt): the 10th attempt sets the lock as it is counted, so
// nothing past it is checked; a right 10th code lifts it again.
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

/** How long the lock set at the end of round `rounds` (0-based) of 10 wrong codes lasts. */
export function lockDurationMs(rounds: number): number {
  return Math.min(MFA_LIMITS.baseLockMs * 2 ** Math.max(0, rounds), MFA_LIMITS.maxLockMs);
}

/**
 * Every lock duration below the cap, by round (index = rounds before it): the storage layer
 * writes this table into its one conditional UPDATE, so the rule keeps a single definition.
 */
export function lockPlan(): { byRound: number[]; beyond: number } {
  const byRound: number[] = [];
  for (let r = 0; lockDurationMs(r) < MFA_LIMITS.maxLockMs; r++) byRound.push(lockDurationMs(r));
  return { byRound, beyond: MFA_LIMITS.maxLockMs };
}

/** True when the run's count after a wrong code is the one that sets the lock (every 10th). */
export function setsLock(failures: number): boolean {
  return failures > 0 && failures % MFA_LIMITS.inARow === 0;
}

/** A challenge's answer to its n-th wrong code: 401 before the 5th, 429 (and dead) at it. */
export function challengeDiesAt(attempt: number): boolean {
  return attempt >= MFA_LIMITS.perChallenge;
}
