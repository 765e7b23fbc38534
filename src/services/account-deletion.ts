// Deleting an account (DELETE /v1/me): the password, and with 2FA on a second proof: a current
// TOTP code (spent like at sign-in, so a code seen once cannot be used again) or the recovery
// code. An SMS factor takes the recovery code: no text is sent for this step. Then one
// transaction removes the account and every row of it, and a notice goes to the address.
import { AppError } from '../core/errors.js';
import { totpAad } from '../core/aad.js';
import { open } from '../core/envelope.js';
import { verifyTotp } from '../core/totp.js';
import type { MfaAttemptState } from '../core/ports/mfa-stores.js';
import type { UserRecord } from '../core/ports/stores.js';
import type { AccountService } from './accounts.js';
import type { AttemptGuard } from './attempt-guard.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';
import type { RecoveryCodes } from './recovery-codes.js';
import { rollbackUnless } from './rollback-unless.js';

type Proof = ({ kind: 'none' } | { kind: 'totp'; step: number } | { kind: 'recovery'; hash: string }) & {
  run?: MfaAttemptState;
};

const wrongCode = () =>
  new AppError(
    'invalid_code',
    'Two-factor authentication is on: enter the current 6-digit code from your authenticator app, or your recovery code.',
  );

export class AccountDeletionService {
  constructor(
    private readonly deps: DepsOf<'clock' | 'keyring' | 'logger', 'factors' | 'transaction'>,
    private readonly accounts: AccountService,
    private readonly guard: AttemptGuard,
    private readonly recovery: RecoveryCodes,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  async delete(user: UserRecord, password: string, code: string | undefined, ctx: RequestContext): Promise<void> {
    await this.accounts.reauthenticate(user, password, ctx);
    const proof = await this.secondFactor(user, code, ctx);
    const { storage, clock, logger } = this.deps;
    const verdict = await rollbackUnless(storage, async (tx) => {
      if (proof.kind === 'totp' && !(await tx.factors.advanceStep(user.id, proof.step))) return 'spent';
      if (proof.kind === 'recovery' && !(await tx.recoveryCodes.spendRecoveryCode(user.id, proof.hash, clock.now())))
        return 'spent';
      await tx.users.deleteWithEverything(user.id);
      return 'ok';
    });
    // Spent by a racing request meanwhile: nothing was deleted.
    if (verdict === 'spent') await this.refuse(user, proof.run, ctx);
    // The security log went with the account; the server log keeps that it happened (no secret).
    logger.info({ userId: user.id }, 'account deleted');
    await this.notices.send(user.email, 'account_deleted', ctx);
  }

  /** With a factor on: the code checked after the run of wrong codes is known to be open. */
  private async secondFactor(user: UserRecord, code: string | undefined, ctx: RequestContext): Promise<Proof> {
    const { storage, keyring, clock } = this.deps;
    const factor = await storage.factors.getFactor(user.id);
    if (!factor) return { kind: 'none' };
    if (!code || code.trim() === '') throw wrongCode();
    // Counted in the account's run of wrong codes before the code is looked at (429 when locked),
    // so parallel guesses here cannot get more codes checked than at sign-in. A right code needs
    // no reset: the run goes with the account.
    const run = await this.guard.reserve(user.id);
    const digits = code.replace(/\s+/g, '');
    if (factor.method === 'totp' && factor.secretEnc) {
      const secret = open(keyring, factor.secretEnc, totpAad(user.id));
      if (!secret.ok)
        throw new AppError('internal_error', 'The second factor cannot be read; check TWOFOLD_SECRET_KEYS.');
      const r = verifyTotp(secret.plaintext, digits, clock.now(), { afterStep: factor.lastStep });
      if (r.ok) return { kind: 'totp', step: r.step, run };
    }
    const hash = await this.recovery.match(user.id, code);
    if (hash) return { kind: 'recovery', hash, run };
    return this.refuse(user, run, ctx);
  }

  private async refuse(user: UserRecord, run: MfaAttemptState | undefined, ctx: RequestContext): Promise<never> {
    if (run) this.guard.refused(user.id, run);
    await this.events.record(user.id, 'account.delete_failed', ctx, { reason: 'second_factor' });
    throw wrongCode();
  }
}
