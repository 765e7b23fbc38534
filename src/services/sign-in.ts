// Every path that creates a session after a first factor (password, later Google) ends here, so
// the second-factor rule lives in one place: an account with a factor gets a challenge, not a
// session.
import type { ClientKind, UserRecord } from '../core/ports/stores.js';
import type { AccountService, Authenticated } from './accounts.js';
import type { RequestContext, ServiceDeps } from './deps.js';
import type { EventLog } from './event-log.js';
import type { ChallengeService, MfaRequired } from './login-challenge.js';
import type { SessionService } from './sessions.js';

export type SignInOutcome = Authenticated | MfaRequired;

export class SignInService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly accounts: AccountService,
    private readonly sessions: SessionService,
    private readonly challenges: ChallengeService,
    private readonly events: EventLog,
  ) {}

  async login(email: string, password: string, client: ClientKind, ctx: RequestContext): Promise<SignInOutcome> {
    const user = await this.accounts.verifyPassword(email, password, ctx);
    return this.afterFirstFactor(user, client, ctx, 'password');
  }

  async afterFirstFactor(user: UserRecord, client: ClientKind, ctx: RequestContext, via: string): Promise<SignInOutcome> {
    const factor = await this.deps.storage.mfa.getFactor(user.id);
    if (factor) return this.challenges.create(user, factor, client, via, ctx);
    const started = await this.deps.storage.transaction(async (tx) => {
      const session = await this.sessions.start(user.id, client, ctx, tx);
      await this.events.record(user.id, 'signin.succeeded', ctx, { client, method: via }, tx);
      return session;
    });
    return { status: 'authenticated', user, token: started.token, sessionId: started.session.id, client };
  }
}
