// Rules every way into an account obeys (sign-in, sessions, bearer tokens, access keys), checked
// in one place: the sign-in (before a challenge or session is made) and the server's
// authentication step call `check`. An operator's lock refuses everything (docs/admin.md).
import { AppError } from '../core/errors.js';
import type { DepsOf } from './deps.js';

export class AccountPolicy {
  constructor(private readonly deps: DepsOf<'clock', 'admin'>) {}

  async check(userId: string): Promise<void> {
    const lock = await this.deps.storage.admin.lockOf(userId, this.deps.clock.now());
    if (lock) {
      const until = lock.lockedUntil === null ? '' : ` until ${new Date(lock.lockedUntil).toISOString()}`;
      throw new AppError('account_locked', `This account is locked${until}. Contact the service's support.`, {
        extra: { locked_until: lock.lockedUntil === null ? null : new Date(lock.lockedUntil).toISOString() },
      });
    }
  }
}
