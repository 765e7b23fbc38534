// The second factor once it is on: its state (never a secret), Turn Off, and a new recovery code.
import { AppError } from '../core/errors.js';
import type { MfaMethod } from '../core/ports/mfa-stores.js';
import type { UserRecord } from '../core/ports/stores.js';
import type { AccountService } from './accounts.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';
import type { RecoveryCodes } from './recovery-codes.js';

export interface MfaStatus {
  enabled: boolean;
  method: MfaMethod | null;
  phone_hint?: string;
  enabled_at?: string;
}

export class MfaManagementService {
  constructor(
    private readonly deps: DepsOf<'clock', 'factors' | 'transaction'>,
    private readonly accounts: AccountService,
    private readonly recovery: RecoveryCodes,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  async status(userId: string): Promise<MfaStatus> {
    const f = await this.deps.storage.factors.getFactor(userId);
    if (!f) return { enabled: false, method: null };
    return {
      enabled: true,
      method: f.method,
      ...(f.phoneHint ? { phone_hint: f.phoneHint } : {}),
      enabled_at: new Date(f.enabledAt).toISOString(),
    };
  }

  async disable(user: UserRecord, password: string, ctx: RequestContext): Promise<{ enabled: false }> {
    await this.accounts.reauthenticate(user, password, ctx);
    const removed = await this.deps.storage.transaction(async (tx) => {
      const had = await tx.factors.deleteFactor(user.id);
      await tx.recoveryCodes.deleteRecoveryCode(user.id);
      await tx.setups.deleteSetupsForUser(user.id);
      await tx.challenges.closeChallengesForUser(user.id, this.deps.clock.now());
      return had;
    });
    if (removed) {
      await this.events.record(user.id, 'mfa.disabled', ctx);
      await this.notices.send(user.email, 'mfa_disabled', ctx);
    }
    return { enabled: false };
  }

  async renewRecoveryCode(user: UserRecord, password: string, ctx: RequestContext): Promise<{ recovery_code: string }> {
    await this.accounts.reauthenticate(user, password, ctx);
    if (!(await this.deps.storage.factors.getFactor(user.id))) {
      throw new AppError(
        'mfa_not_enabled',
        'Turn on two-factor authentication first; the recovery code comes with it.',
      );
    }
    const code = await this.recovery.issue(user.id);
    await this.events.record(user.id, 'mfa.recovery_code_renewed', ctx);
    await this.notices.send(user.email, 'recovery_code_renewed', ctx);
    return { recovery_code: code };
  }
}
