// Proving the mailbox (shared/API.md): a mailed link, valid 24 hours and usable once, confirms
// the account's address ('verify') or moves the account to a new one ('change'). Only the
// token's SHA-256 is stored; it is spent by one conditional UPDATE, so of parallel uses one wins.
import { AppError } from '../core/errors.js';
import { hashToken, looksLikeToken, newToken } from '../core/tokens.js';
import type { EmailTokenPurpose } from '../core/ports/email-token-store.js';
import type { Stores, UserRecord } from '../core/ports/stores.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';

export const EMAIL_LINK_TTL_MS = 24 * 3_600_000;
/** A new confirmation link at most once a minute, and 10 a day (shared/API.md). */
export const RESEND_GAP_MS = 60_000;
export const RESENDS_PER_DAY = 10;
const DAY_MS = 24 * 3_600_000;

const gapSlot = (userId: string) => ({ key: `email-verify:gap:${userId}`, max: 1, windowMs: RESEND_GAP_MS });
const daySlot = (userId: string) => ({ key: `email-verify:day:${userId}`, max: RESENDS_PER_DAY, windowMs: DAY_MS });
const linkGone = () =>
  new AppError(
    'token_expired',
    'This confirmation link is not valid, was already used or has expired. Ask for a new one from the account page.',
  );

export interface VerifiedEmail {
  user: UserRecord;
  purpose: EmailTokenPurpose;
  /** For a change: the address the account had before. */
  previousEmail?: string;
  /** False when the address was already proven (a reset came first): nothing new to log. */
  newly: boolean;
}

export class EmailVerificationService {
  constructor(
    private readonly deps: DepsOf<'clock' | 'random' | 'limits' | 'logger' | 'settings', 'transaction'>,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  /** The link a token opens in the portal. */
  link(token: string): string {
    return `${this.deps.settings.publicUrl}/verify-email?token=${token}`;
  }

  /**
   * Stores a new token of `purpose` for `email` (the user's earlier unspent ones of that purpose
   * die: only the newest link works) and answers the token, to be mailed, never logged.
   */
  async issue(userId: string, purpose: EmailTokenPurpose, email: string, stores?: Stores): Promise<string> {
    const { random, clock, storage } = this.deps;
    const token = newToken(random);
    const now = clock.now();
    const write = async (tx: Stores) => {
      await tx.emailTokens.killForUser(userId, now, purpose);
      await tx.emailTokens.create({
        tokenHash: hashToken(token),
        userId,
        purpose,
        email,
        createdAt: now,
        expiresAt: now + EMAIL_LINK_TTL_MS,
      });
    };
    await (stores ? write(stores) : storage.transaction(write));
    return token;
  }

  /** Sign-up's link; it also starts the minute before a resend may follow. */
  async issueAtSignup(user: UserRecord, ctx: RequestContext): Promise<void> {
    // Only starts the minute before a resend: a store outage must not fail a sign-up already made.
    await this.deps.limits.reserve([gapSlot(user.id)]).catch((err: unknown) => {
      this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'resend window not started');
    });
    const token = await this.issue(user.id, 'verify', user.email);
    await this.events.record(user.id, 'email.verification_sent', ctx);
    await this.notices.sendLink(user.email, 'verify_email', this.link(token), EMAIL_LINK_TTL_MS / 3_600_000);
  }

  /** POST /v1/me/email/verify: a new link, the old one dies. Counted before anything is sent. */
  async resend(user: UserRecord, ctx: RequestContext): Promise<void> {
    if (user.emailVerifiedAt !== null)
      throw new AppError('already_verified', 'Your email address is already confirmed.');
    // One atomic reservation in both windows: parallel resends cannot pass either limit.
    const r = await this.deps.limits.reserve([gapSlot(user.id), daySlot(user.id)]);
    if (!r.ok) {
      const retryAfter = Math.max(1, Math.ceil(r.resetInMs / 1000));
      if (r.key === gapSlot(user.id).key)
        throw new AppError(
          'resend_too_soon',
          'A link was sent less than a minute ago. Check your mailbox, or wait a moment.',
          { retryAfter },
        );
      throw new AppError(
        'too_many_requests',
        `At most ${RESENDS_PER_DAY} confirmation links a day. Try again tomorrow.`,
        { retryAfter },
      );
    }
    const token = await this.issue(user.id, 'verify', user.email);
    await this.events.record(user.id, 'email.verification_sent', ctx);
    await this.notices.sendLink(user.email, 'verify_email', this.link(token), EMAIL_LINK_TTL_MS / 3_600_000);
  }

  /**
   * POST /v1/auth/email/verify: spends the token and, in the same transaction, marks the address
   * verified, or (for a change) moves the account to the new address: the unique index decides
   * at that moment whether it is still free (409 email_taken, and the link stays unspent).
   */
  async verify(token: string, ctx: RequestContext): Promise<VerifiedEmail> {
    if (!looksLikeToken(token)) throw linkGone();
    const { storage, clock } = this.deps;
    const now = clock.now();
    const done = await storage.transaction(async (tx): Promise<VerifiedEmail | null> => {
      const t = await tx.emailTokens.spend(hashToken(token), now);
      if (!t) return null;
      const user = await tx.users.findById(t.userId);
      if (!user) return null;
      if (t.purpose === 'verify') {
        // A link mailed to an address the account has left since proves nothing about the new one.
        if (user.email !== t.email) return null;
        const newly = await tx.users.markEmailVerified(user.id, now);
        await tx.emailTokens.killForUser(user.id, now, 'verify');
        return { user: { ...user, emailVerifiedAt: user.emailVerifiedAt ?? now }, purpose: 'verify', newly };
      }
      if ((await tx.users.changeEmail(user.id, t.email, now)) === 'email_taken') {
        throw new AppError('email_taken', 'Another account uses this email address now; the change was not made.');
      }
      await tx.emailTokens.killForUser(user.id, now);
      return {
        user: { ...user, email: t.email, emailVerifiedAt: now },
        purpose: 'change',
        previousEmail: user.email,
        newly: true,
      };
    });
    if (!done) throw linkGone();
    const { user } = done;
    if (done.purpose === 'change' && done.previousEmail) {
      await this.events.record(user.id, 'email.changed', ctx, { from: done.previousEmail, to: user.email });
      await this.notices.send(done.previousEmail, 'email_changed', ctx, `New address: ${user.email}`);
    }
    if (done.newly)
      await this.events.record(user.id, 'email.verified', ctx, {
        via: done.purpose === 'change' ? 'change_link' : 'link',
      });
    return done;
  }
}
