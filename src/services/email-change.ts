// Change of email (POST /v1/me/email): after the password, a confirmation link goes to the new
// address and a notice to the old one. Nothing changes until the link is used
// (EmailVerificationService.verify), so a session thief cannot move the account to a mailbox
// nobody has proven, and the owner hears of the attempt at the address they still hold.
import { AppError } from '../core/errors.js';
import { normalizeEmail } from '../core/email.js';
import type { UserRecord } from '../core/ports/stores.js';
import type { AccountService } from './accounts.js';
import type { DepsOf, RequestContext } from './deps.js';
import { EMAIL_LINK_TTL_MS, type EmailVerificationService } from './email-verification.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';

/** Change requests mail a stranger's address: at most this many a day per account. */
export const CHANGES_PER_DAY = 10;
const DAY_MS = 24 * 3_600_000;

const taken = () => new AppError('email_taken', 'An account with this email already exists.');

export class EmailChangeService {
  constructor(
    private readonly deps: DepsOf<'limits', 'users'>,
    private readonly accounts: AccountService,
    private readonly verification: EmailVerificationService,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  async request(user: UserRecord, emailInput: string, password: string, ctx: RequestContext): Promise<void> {
    const email = normalizeEmail(emailInput);
    if (!email) throw new AppError('invalid_email', 'Enter a valid email address, like name@example.com.');
    // The password first: without it, the answer must not tell which addresses have accounts.
    await this.accounts.reauthenticate(user, password, ctx);
    const { storage, limits } = this.deps;
    if (email === user.email || (await storage.users.findByEmail(email))) throw taken();
    const counted = await limits.reserve([
      { key: `email-change:day:${user.id}`, max: CHANGES_PER_DAY, windowMs: DAY_MS },
    ]);
    if (!counted.ok) {
      throw new AppError(
        'too_many_requests',
        `At most ${CHANGES_PER_DAY} changes of email a day. Try again tomorrow.`,
        {
          retryAfter: Math.max(1, Math.ceil(counted.resetInMs / 1000)),
        },
      );
    }
    const token = await this.verification.issue(user.id, 'change', email);
    await this.events.record(user.id, 'email.change_requested', ctx, { to: email });
    await this.notices.sendLink(
      email,
      'confirm_new_email',
      this.verification.link(token),
      EMAIL_LINK_TTL_MS / 3_600_000,
    );
    await this.notices.send(user.email, 'email_change_requested', ctx, `Asked to move to: ${email}`);
  }
}
