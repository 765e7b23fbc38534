// The account's passkeys once added: list, rename, remove (with the password). Removing the last
// passkey of an account with no TOTP/SMS factor turns two-factor authentication off, so its
// recovery code and open sign-in challenges go too; any removal forgets remembered devices.
import { AppError } from '../core/errors.js';
import type { UserRecord } from '../core/ports/stores.js';
import type { AccountService } from './accounts.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';
import { passkeyView, type PasskeyView } from './passkey-view.js';

const notFound = () => new AppError('not_found', 'No such passkey on this account.');

export class PasskeyManagement {
  constructor(
    private readonly deps: DepsOf<'clock', 'passkeys' | 'transaction'>,
    private readonly accounts: AccountService,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  async list(userId: string): Promise<PasskeyView[]> {
    return (await this.deps.storage.passkeys.listPasskeys(userId)).map(passkeyView);
  }

  async rename(userId: string, id: string, name: string, ctx: RequestContext): Promise<PasskeyView> {
    const p = await this.deps.storage.passkeys.renamePasskey(userId, id, name);
    if (!p) throw notFound();
    await this.events.record(userId, 'passkey.renamed', ctx, { passkey_id: id, name });
    return passkeyView(p);
  }

  async remove(user: UserRecord, id: string, password: string, ctx: RequestContext): Promise<void> {
    await this.accounts.reauthenticate(user, password, ctx);
    const now = this.deps.clock.now();
    const outcome = await this.deps.storage.transaction(async (tx) => {
      if (!(await tx.passkeys.deletePasskey(user.id, id))) return null;
      const left = await tx.passkeys.countPasskeys(user.id);
      const factor = await tx.factors.getFactor(user.id);
      const mfaOff = left === 0 && !factor;
      if (mfaOff) {
        await tx.recoveryCodes.deleteRecoveryCode(user.id);
        await tx.challenges.closeChallengesForUser(user.id, now);
      }
      await tx.devices.forgetDevicesForUser(user.id);
      await this.events.record(user.id, 'passkey.removed', ctx, { passkey_id: id, mfa_off: mfaOff }, tx);
      return { mfaOff };
    });
    if (!outcome) throw notFound();
    await this.notices.send(user.email, outcome.mfaOff ? 'mfa_disabled' : 'passkey_removed', ctx);
  }
}
