// Every path that creates a session after a first factor (password, later Google) ends here, so
// the second-factor rule lives in one place: an account with a factor gets a challenge, not a
// session.
import type { PendingLink } from '../core/ports/mfa-stores.js';
import type { ClientKind, UserRecord } from '../core/ports/stores.js';
import type { AccountService, Authenticated } from './accounts.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { SignInChallengeService, MfaRequired } from './sign-in-challenge.js';
import type { SessionService } from './sessions.js';
import { linkInTransaction, noticeLinked } from './identity-link.js';
import type { Notices } from './notices.js';
import type { AccountPolicy } from './account-policy.js';

export type SignInOutcome = Authenticated | MfaRequired;

export class SignInService {
  constructor(
    private readonly deps: DepsOf<'clock', 'factors' | 'transaction'>,
    private readonly policy: AccountPolicy,
    private readonly accounts: AccountService,
    private readonly sessions: SessionService,
    private readonly challenges: SignInChallengeService,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  async withPassword(email: string, password: string, client: ClientKind, ctx: RequestContext): Promise<SignInOutcome> {
    const user = await this.accounts.verifyPassword(email, password, ctx);
    return this.afterFirstFactor(user, client, ctx, 'password');
  }

  /**
   * `link`: an external identity to link to this account as part of the sign-in (Google, by a
   * verified email): written with the session, or kept on the challenge until the second factor.
   */
  async afterFirstFactor(
    user: UserRecord,
    client: ClientKind,
    ctx: RequestContext,
    via: string,
    link?: PendingLink,
  ): Promise<SignInOutcome> {
    // A locked account gets neither a challenge nor a session (docs/admin.md).
    await this.policy.check(user.id);
    const factor = await this.deps.storage.factors.getFactor(user.id);
    if (factor) return this.challenges.create(user, factor, client, via, ctx, link);
    let linked = false;
    const started = await this.deps.storage.transaction(async (tx) => {
      const session = await this.sessions.start(user.id, client, ctx, tx);
      await this.events.record(user.id, 'signin.succeeded', ctx, { client, method: via }, tx);
      if (link) linked = await linkInTransaction(tx, this.events, user, link, this.deps.clock.now(), ctx);
      return session;
    });
    if (linked) await noticeLinked(this.notices, user, ctx);
    return { status: 'authenticated', user, token: started.token, sessionId: started.session.id, client };
  }
}
