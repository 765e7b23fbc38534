// The per-account run of wrong second-factor codes, shared by every instance through the
// database. Every code attempt is counted BEFORE the code is checked (one conditional upsert that
// refuses while the account is locked), so parallel guesses can never get more codes checked
// than the contract allows; a right code then resets the run.
import { AppError } from '../core/errors.js';
import type { Logger } from '../core/ports/logger.js';
import type { Clock } from '../core/ports/clock.js';
import type { LockPlan, MfaAttemptState } from '../core/ports/mfa-stores.js';
import type { Storage } from '../core/ports/stores.js';
import { rollbackUnless } from './rollback-unless.js';
import { MFA_LIMITS, lockPlan, lockRemainingSec, setsLock } from '../core/second-factor-lock.js';

const plan = lockPlan();
export const LOCK_PLAN: LockPlan = { inARow: MFA_LIMITS.inARow, lockMs: plan.byRound, beyondMs: plan.beyond };

/** 429 too_many_attempts with the time left as Retry-After. */
export function lockedError(retryAfterSec: number): AppError {
  return new AppError(
    'too_many_attempts',
    `Too many wrong codes. Try again in ${Math.ceil(retryAfterSec / 60)} minutes.`,
    { retryAfter: Math.max(1, retryAfterSec) },
  );
}

/** What a reserved attempt holds: its number on the challenge, and the account's run after it. */
export interface Reserved {
  attempt: number;
  run: MfaAttemptState;
}

export class AttemptGuard {
  constructor(
    private readonly deps: { storage: Pick<Storage, 'attempts' | 'transaction'>; clock: Clock; logger: Logger },
  ) {}

  /** 429 too_many_attempts with Retry-After while the account's second-factor step is locked. */
  async assertOpen(userId: string): Promise<void> {
    this.assertOpenState(await this.deps.storage.attempts.getAttempts(userId));
  }

  /** The same check over a state already read (with the challenge, in one query). */
  assertOpenState(state: MfaAttemptState): void {
    const left = lockRemainingSec(state, this.deps.clock.now());
    if (left > 0) throw lockedError(left);
  }

  /** Counts one code attempt in the account's run before it is checked; 429 when locked. */
  async reserve(userId: string): Promise<MfaAttemptState> {
    const state = await this.deps.storage.attempts.reserveAccountAttempt(userId, this.deps.clock.now(), LOCK_PLAN);
    if (state) return state;
    return this.refuseLocked(userId);
  }

  /**
   * Counts the attempt on a sign-in challenge (5 at most) and in the account's run (locked at 10)
   * in one transaction, BEFORE the code is checked: of any number of parallel codes only as many
   * are checked as the limits allow, and one refused by either limit counts in neither. Null when
   * the challenge is closed, expired or has all its attempts taken; 429 when the account is locked.
   */
  async reserveOnChallenge(c: { idHash: string; userId: string }): Promise<Reserved | null> {
    const now = this.deps.clock.now();
    let reserved: Reserved | undefined;
    const verdict = await rollbackUnless(this.deps.storage, async (tx) => {
      const attempt = await tx.challenges.reserveChallengeAttempt(c.idHash, now, MFA_LIMITS.perChallenge);
      if (attempt === null) return 'challenge';
      const run = await tx.attempts.reserveAccountAttempt(c.userId, now, LOCK_PLAN);
      if (!run) return 'locked';
      reserved = { attempt, run };
      return 'ok';
    });
    if (verdict === 'locked') return this.refuseLocked(c.userId);
    return reserved ?? null;
  }

  /** The 429 for a reservation refused because the account is locked (read after the refusal). */
  async refuseLocked(userId: string): Promise<never> {
    await this.assertOpen(userId);
    // Unlocked between the two statements: the caller may simply try again at once.
    throw lockedError(1);
  }

  /** After a reserved attempt proved wrong: logs the lock its reservation set, if it did. */
  refused(userId: string, state: MfaAttemptState): void {
    if (setsLock(state.failures) && state.lockedUntil !== null) {
      this.deps.logger.warn(
        { userId, failures: state.failures, lockedUntil: new Date(state.lockedUntil).toISOString() },
        'second-factor step locked',
      );
    }
  }

  reset(userId: string): Promise<void> {
    return this.deps.storage.attempts.resetAttempts(userId);
  }
}
