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
  method: MfaMethod | 'passkey' | null;
  phone_hint?: string;
  enabled_at?: string;
  /** How many passkeys the account holds (each also answers the second step); absent when none. */
  passkeys?: number;
}

export class MfaManagementService {
  constructor(
    private readonly deps: DepsOf<'clock', 'factors' | 'passkeys' | 'transaction'>,
    private readonly accounts: AccountService,
    private readonly recovery: RecoveryCodes,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  async status(userId: string): Promise<MfaStatus> {
    const [f, passkeys] = await Promise.all([
      this.deps.storage.factors.getFactor(userId),
      this.deps.storage.passkeys.countPasskeys(userId),
    ]);
    if (!f) return passkeys > 0 ? { enabled: true, method: 'passkey', passkeys } : { enabled: false, method: null };
    return {
      enabled: true,
      method: f.method,
      ...(f.phoneHint ? { phone_hint: f.phoneHint } : {}),
      enabled_at: new Date(f.enabledAt).toISOString(),
      ...(passkeys > 0 ? { passkeys } : {}),
    };
  }

  /**
   * Turn Off: removes the TOTP/SMS factor, and the passkeys only when asked. Passkeys kept, the
   * account still has a second factor (and keeps its recovery code); `enabled` says which.
   */
  async disable(
    user: UserRecord,
    password: string,
    ctx: RequestContext,
    removePasskeys = false,
  ): Promise<{ enabled: boolean }> {
    await this.accounts.reauthenticate(user, password, ctx);
    const { removed, passkeysLeft } = await this.deps.storage.transaction(async (tx) => {
      const had = await tx.factors.deleteFactor(user.id);
      const gone = removePasskeys ? await tx.passkeys.deletePasskeysForUser(user.id) : 0;
      const left = await tx.passkeys.countPasskeys(user.id);
      if (left === 0) {
        await tx.recoveryCodes.deleteRecoveryCode(user.id);
        await tx.challenges.closeChallengesForUser(user.id, this.deps.clock.now());
      }
      await tx.setups.deleteSetupsForUser(user.id);
      await tx.devices.forgetDevicesForUser(user.id);
      return { removed: had || gone > 0, passkeysLeft: left };
    });
    if (removed) {
      await this.events.record(user.id, 'mfa.disabled', ctx, { passkeys_removed: removePasskeys });
      await this.notices.send(user.email, passkeysLeft > 0 ? 'mfa_reconfigured' : 'mfa_disabled', ctx);
    }
    return { enabled: passkeysLeft > 0 };
  }

  async renewRecoveryCode(user: UserRecord, password: string, ctx: RequestContext): Promise<{ recovery_code: string }> {
    await this.accounts.reauthenticate(user, password, ctx);
    const { factors, passkeys } = this.deps.storage;
    if (!(await factors.getFactor(user.id)) && (await passkeys.countPasskeys(user.id)) === 0) {
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
