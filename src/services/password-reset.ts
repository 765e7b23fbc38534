// "Forgot password": a mailed single-use link, valid 30 minutes, whose token is stored hashed.
// `forgot` answers the same whether or not the email exists; `reset` revokes everything a thief
// of the old password may hold (every session, open sign-in challenge and access key) and leaves
// the second factor on (the link proves the mailbox, not the phone), and marks the mailbox proven.
import { AppError } from '../core/errors.js';
import { normalizeEmail } from '../core/email.js';
import { hashToken, looksLikeToken, newToken } from '../core/tokens.js';
import type { AccountService } from './accounts.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { SessionService } from './sessions.js';

const HOUR = 3_600_000;
/** At most this many reset mails per address an hour, so `forgot` cannot be used to spam a mailbox. */
const MAILS_PER_HOUR = 5;

export class PasswordResetService {
  constructor(
    private readonly deps: DepsOf<
      'clock' | 'random' | 'hasher' | 'mailer' | 'limits' | 'logger' | 'settings',
      'users' | 'passwordResets' | 'transaction'
    >,
    private readonly accounts: AccountService,
    private readonly sessions: SessionService,
    private readonly events: EventLog,
  ) {}

  async forgot(emailInput: string, ctx: RequestContext): Promise<void> {
    const email = normalizeEmail(emailInput);
    if (!email) return;
    const { storage, clock, random, limits, settings, mailer, logger } = this.deps;
    const user = await storage.users.findByEmail(email);
    if (!user) return;
    const sent = await limits.hit(`reset:mail:${user.id}`, HOUR);
    if (sent.count > MAILS_PER_HOUR) {
      logger.warn({ userId: user.id }, 'password reset mail cap reached; not sending');
      return;
    }
    const token = newToken(random);
    const now = clock.now();
    await storage.passwordResets.create({
      tokenHash: hashToken(token),
      userId: user.id,
      createdAt: now,
      expiresAt: now + settings.passwordResetTtlMs,
    });
    await this.events.record(user.id, 'password.reset_requested', ctx);
    const minutes = Math.round(settings.passwordResetTtlMs / 60_000);
    await mailer.send({
      to: user.email,
      subject: `Reset your ${settings.issuer} password`,
      text:
        `Someone asked to reset the password of your ${settings.issuer} account.\n\n` +
        `To choose a new password, open this link within ${minutes} minutes:\n${settings.publicUrl}/reset-password?token=${token}\n\n` +
        `If it was not you, ignore this mail; your password stays as it is.\n`,
    });
  }

  /** Answers how many access keys it disabled (they stay listed; the owner may enable them again). */
  async reset(token: string, password: string, ctx: RequestContext): Promise<{ accessKeysDisabled: number }> {
    if (!looksLikeToken(token))
      throw new AppError('token_expired', 'This reset link is not valid or has expired. Ask for a new one.');
    const { storage, clock, hasher, mailer, settings } = this.deps;
    const tokenHash = hashToken(token);
    // Check the new password before spending the token, so a weak choice does not burn the link.
    const pending = await storage.transaction(async (tx) => {
      const userId = await tx.passwordResets.spend(tokenHash, clock.now());
      if (!userId) return null;
      const user = await tx.users.findById(userId);
      if (!user) return null;
      this.accounts.assertStrongPassword(password, user.email);
      const now = clock.now();
      await tx.users.setPasswordHash(user.id, await hasher.hash(password));
      await tx.passwordResets.spendAllForUser(user.id, now);
      await this.sessions.endAll(user.id, undefined, tx);
      await tx.challenges.closeChallengesForUser(user.id, now);
      const disabled = await tx.accessKeys.disableAllForUser(user.id);
      // The link came to this mailbox: it is proven (shared/API.md).
      const verifiedNow = await tx.users.markEmailVerified(user.id, now);
      return { user, disabled, verifiedNow };
    });
    if (!pending)
      throw new AppError('token_expired', 'This reset link is not valid or has expired. Ask for a new one.');
    const { user, disabled } = pending;
    await this.events.record(user.id, 'password.reset_used', ctx, { access_keys_disabled: disabled });
    if (pending.verifiedNow) await this.events.record(user.id, 'email.verified', ctx, { via: 'password_reset' });
    const keys =
      disabled === 0
        ? ''
        : ` ${disabled === 1 ? 'Its access key was' : `Its ${disabled} access keys were`} disabled: they stay listed, and you can enable them again from the account page once signed in.`;
    await mailer.send({
      to: user.email,
      subject: `Your ${settings.issuer} password was reset`,
      text: `The password of your ${settings.issuer} account was reset, every device was signed out and unfinished sign-ins were cancelled.${keys}\n\nIf this was not you, reset it again now and check your two-factor settings: ${settings.publicUrl}/forgot-password\n`,
    });
    return { accessKeysDisabled: disabled };
  }
}
