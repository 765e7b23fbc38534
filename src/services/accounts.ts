// Sign-up, sign-in (the password step), sign-out and password change.
import { addressKey } from '../core/address-key.js';
import { AppError } from '../core/errors.js';
import { normalizeEmail } from '../core/email.js';
import { checkPassword } from '../core/password-policy.js';
import { newId } from '../core/tokens.js';
import type { AccountSummary } from '../core/ports/principal-store.js';
import type { ClientKind, UserRecord } from '../core/ports/stores.js';
import type { DepsOf, RequestContext } from './deps.js';
import { EventLog } from './event-log.js';
import type { EmailVerificationService } from './email-verification.js';
import type { Notices } from './notices.js';
import { PasswordThrottle } from './password-throttle.js';
import { SessionService } from './sessions.js';

export interface Authenticated {
  status: 'authenticated';
  user: UserRecord;
  token: string;
  sessionId: string;
  client: ClientKind;
  /** The account as read on the way (factor, links), when the path read it: saves a query. */
  account?: AccountSummary;
}

/** shared/API.md: at most 20 sign-ups an hour from one address (an IPv6 /64). */
export const SIGNUP_LIMIT = { max: 20, windowMs: 60 * 60_000 } as const;

export class AccountService {
  private readonly throttle: PasswordThrottle;

  constructor(
    private readonly deps: DepsOf<
      'clock' | 'random' | 'hasher' | 'commonPasswords' | 'limits',
      'users' | 'challenges' | 'transaction'
    >,
    private readonly sessions: SessionService,
    private readonly events: EventLog,
    private readonly verification?: EmailVerificationService,
    private readonly notices?: Notices,
  ) {
    this.throttle = new PasswordThrottle(deps.limits);
  }

  /** Refuses a weak password with the reason (422 weak_password). */
  assertStrongPassword(password: string, email: string): void {
    const verdict = checkPassword(password, { email, productName: 'twofold', common: this.deps.commonPasswords });
    if (!verdict.ok) throw new AppError('weak_password', verdict.message, { extra: { reason: verdict.reason } });
  }

  private requireEmail(input: string): string {
    const email = normalizeEmail(input);
    if (!email) throw new AppError('invalid_email', 'Enter a valid email address, like name@example.com.');
    return email;
  }

  async signup(emailInput: string, password: string, client: ClientKind, ctx: RequestContext): Promise<Authenticated> {
    const email = this.requireEmail(emailInput);
    this.assertStrongPassword(password, email);
    const { storage, clock, random, hasher, limits } = this.deps;
    // Counted before the look-up and the hash, so parallel sign-ups cannot pass it either.
    const slot = { key: `signup:addr:${addressKey(ctx.ip)}`, ...SIGNUP_LIMIT };
    const reserved = await limits.reserve([slot]);
    if (!reserved.ok) {
      throw new AppError('too_many_requests', 'Too many sign-ups from this network. Try again later.', {
        retryAfter: Math.max(1, Math.ceil(reserved.resetInMs / 1000)),
      });
    }
    if (await storage.users.findByEmail(email))
      throw new AppError('email_taken', 'An account with this email already exists. Sign in instead.');
    const user: UserRecord = {
      id: newId(random),
      email,
      passwordHash: await hasher.hash(password),
      createdAt: clock.now(),
      emailVerifiedAt: null,
    };
    const started = await storage.transaction(async (tx) => {
      if ((await tx.users.create(user)) === 'email_taken') {
        throw new AppError('email_taken', 'An account with this email already exists. Sign in instead.');
      }
      return this.sessions.start(user.id, client, ctx, tx);
    });
    await this.events.record(user.id, 'account.created', ctx, { client });
    await this.events.record(user.id, 'signin.succeeded', ctx, { client, method: 'password' });
    // The confirmation link (shared/API.md "Proving the mailbox"); a mail outage does not undo the account.
    await this.verification?.issueAtSignup(user, ctx);
    return { status: 'authenticated', user, token: started.token, sessionId: started.session.id, client };
  }

  /**
   * The password step. Unknown emails cost the same time as known ones (a dummy verify) and get the
   * same answer; wrong passwords are throttled per the contract's Limits.
   */
  async verifyPassword(emailInput: string, password: string, ctx: RequestContext): Promise<UserRecord> {
    const email = normalizeEmail(emailInput) ?? emailInput.trim().toLowerCase().slice(0, 320);
    await this.throttle.reserve(email, ctx.ip);
    const { storage, hasher } = this.deps;
    const user = normalizeEmail(emailInput) ? await storage.users.findByEmail(email) : null;
    const ok = await this.checked(email, ctx, () =>
      user?.passwordHash ? hasher.verify(user.passwordHash, password) : hasher.verifyDummy(password),
    );
    if (!user || !ok) {
      if (user) await this.events.record(user.id, 'signin.failed', ctx, { reason: 'password' });
      throw new AppError('invalid_credentials', 'The email or password is not correct.');
    }
    await this.throttle.succeeded(email, ctx.ip);
    if (user.passwordHash && hasher.needsRehash(user.passwordHash)) {
      // Parameters were raised since this hash was made: re-hash now, while we know the password.
      await storage.users.setPasswordHash(user.id, await hasher.hash(password));
    }
    return user;
  }

  /** Runs the hash check of a reserved attempt; one that could not run (503 busy) gives its places back. */
  private async checked(email: string, ctx: RequestContext, verify: () => Promise<boolean>): Promise<boolean> {
    try {
      return await verify();
    } catch (e) {
      await this.throttle.unchecked(email, ctx.ip);
      throw e;
    }
  }

  /** Checks the password of a signed-in user before a sensitive change (403 reauthentication_failed). */
  async reauthenticate(user: UserRecord, password: string, ctx: RequestContext): Promise<void> {
    if (!user.passwordHash) {
      // A Google-only account: no password can be right, and saying so is more useful than a 403.
      throw new AppError(
        'password_required',
        'This account has no password yet. Set one with "Forgot password" on the sign-in page, then try again.',
      );
    }
    await this.throttle.reserve(user.email, ctx.ip);
    const hash = user.passwordHash;
    const ok = await this.checked(user.email, ctx, () => this.deps.hasher.verify(hash, password));
    if (!ok) {
      await this.events.record(user.id, 'reauthentication.failed', ctx);
      throw new AppError('reauthentication_failed', 'The password is not correct.');
    }
    await this.throttle.succeeded(user.email, ctx.ip);
  }

  async changePassword(
    user: UserRecord,
    current: string,
    next: string,
    currentSessionId: string | null,
    ctx: RequestContext,
  ): Promise<void> {
    await this.reauthenticate(user, current, ctx);
    this.assertStrongPassword(next, user.email);
    await this.deps.storage.users.setPasswordHash(user.id, await this.deps.hasher.hash(next));
    const ended = await this.sessions.endAll(user.id, currentSessionId ?? undefined);
    // A sign-in begun with the old password must not finish with a code after the change.
    await this.deps.storage.challenges.closeChallengesForUser(user.id, this.deps.clock.now());
    await this.events.record(user.id, 'password.changed', ctx, { sessions_ended: ended });
    await this.notices?.send(user.email, 'password_changed', ctx);
  }

  async logout(userId: string, sessionId: string, ctx: RequestContext): Promise<void> {
    await this.sessions.end(userId, sessionId);
    await this.events.record(userId, 'signout', ctx);
  }
}
