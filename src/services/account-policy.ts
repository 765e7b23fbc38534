// Rules every way into an account obeys (sign-in, sessions, bearer tokens, access keys), checked
// in one place: the sign-in (before a challenge or session is made) and the server's
// authentication step (src/server/plugins/auth.ts). An operator's lock refuses everything; with
// TWOFOLD_REQUIRE_2FA an account without a second factor may only set one up (docs/admin.md).
import { AppError } from '../core/errors.js';
import type { DepsOf } from './deps.js';

export class AccountPolicy {
  constructor(private readonly deps: DepsOf<'clock' | 'settings', 'admin'>) {}

  /** Throws 403 account_locked while an operator's lock is in force. */
  async check(userId: string): Promise<void> {
    const lock = await this.deps.storage.admin.lockOf(userId, this.deps.clock.now());
    if (lock) {
      const until = lock.lockedUntil === null ? '' : ` until ${new Date(lock.lockedUntil).toISOString()}`;
      throw new AppError('account_locked', `This account is locked${until}. Contact the service's support.`, {
        extra: { locked_until: lock.lockedUntil === null ? null : new Date(lock.lockedUntil).toISOString() },
      });
    }
  }

  /** Whether accounts must have a second factor now (TWOFOLD_REQUIRE_2FA, after its grace date). */
  secondFactorRequired(): boolean {
    const rule = this.deps.settings.requireMfa;
    return !!rule && (rule.afterMs === null || this.deps.clock.now() >= rule.afterMs);
  }

  /** 403 mfa_setup_required: what an account without a factor gets outside the set-up. */
  setupRequired(viaKey: boolean): AppError {
    return new AppError(
      'mfa_setup_required',
      viaKey
        ? 'This service requires two-factor authentication: access keys of this account work again once it is set up. Sign in to the portal to set it up.'
        : 'This service requires two-factor authentication: set it up first (POST /v1/me/mfa/setup).',
    );
  }
}
