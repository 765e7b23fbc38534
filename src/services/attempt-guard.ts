// The per-account run of wrong second-factor codes, shared by every instance through the
// database: check the lock before a code is looked at, count every refusal, reset on success.
import { AppError } from '../core/errors.js';
import { lockAfterFailure, lockRemainingSec } from '../core/second-factor-lock.js';
import type { MfaAttemptState } from '../core/ports/mfa-stores.js';
import type { ServiceDeps } from './deps.js';

export class AttemptGuard {
  constructor(private readonly deps: Pick<ServiceDeps, 'storage' | 'clock' | 'logger'>) {}

  /** 429 too_many_attempts with Retry-After while the account's second-factor step is locked. */
  async assertOpen(userId: string): Promise<void> {
    this.assertOpenState(await this.deps.storage.mfa.getAttempts(userId));
  }

  /** The same check over a state already read (with the challenge, in one query). */
  assertOpenState(state: MfaAttemptState): void {
    const left = lockRemainingSec(state, this.deps.clock.now());
    if (left > 0) {
      throw new AppError('too_many_attempts', `Too many wrong codes. Try again in ${Math.ceil(left / 60)} minutes.`, { retryAfter: left });
    }
  }

  /** Counts one refused code; sets the lock when the run reaches a multiple of 10. */
  async fail(userId: string): Promise<void> {
    const { storage, clock, logger } = this.deps;
    const state = await storage.mfa.addFailure(userId);
    const lock = lockAfterFailure(state, clock.now());
    if (lock) {
      await storage.mfa.setLock(userId, lock.lockedUntil, lock.rounds);
      logger.warn({ userId, failures: state.failures, lockedUntil: new Date(lock.lockedUntil).toISOString() }, 'second-factor step locked');
    }
  }

  reset(userId: string): Promise<void> {
    return this.deps.storage.mfa.resetAttempts(userId);
  }
}
