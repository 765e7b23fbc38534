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
import type { RememberedDevices } from './remembered-devices.js';
import type { AccountPolicy } from './account-policy.js';

export type SignInOutcome = Authenticated | MfaRequired;

export class SignInService {
  constructor(
    private readonly deps: DepsOf<'clock', 'factors' | 'passkeys' | 'transaction'>,
    private readonly policy: AccountPolicy,
    private readonly accounts: AccountService,
    private readonly sessions: SessionService,
    private readonly challenges: SignInChallengeService,
    private readonly events: EventLog,
    private readonly notices: Notices,
    private readonly devices: RememberedDevices,
  ) {}

  /** `deviceToken`: a remembered device's token (cookie or app body); valid, it stands in for the code. */
  async withPassword(
    email: string,
    password: string,
    client: ClientKind,
    ctx: RequestContext,
    deviceToken?: string,
  ): Promise<SignInOutcome> {
    const user = await this.accounts.verifyPassword(email, password, ctx);
    return this.afterFirstFactor(user, client, ctx, 'password', undefined, deviceToken);
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
    deviceToken?: string,
  ): Promise<SignInOutcome> {
    // A locked account gets neither a challenge nor a session (docs/admin.md).
    await this.policy.check(user.id);
    const [factor, passkeys] = await Promise.all([
      this.deps.storage.factors.getFactor(user.id),
      this.deps.storage.passkeys.countPasskeys(user.id),
    ]);
    let method = via;
    let deviceId: string | undefined;
    if (factor || passkeys > 0) {
      // A device remembered after a second factor on this account skips the code, and says so.
      const device = await this.devices.recognise(user.id, deviceToken);
      if (!device) return this.challenges.create(user, factor, passkeys > 0, client, via, ctx, link);
      method = `${via}+remembered_device`;
      deviceId = device.id;
    }
    let linked = false;
    const started = await this.deps.storage.transaction(async (tx) => {
      const session = await this.sessions.start(user.id, client, ctx, tx);
      const data = { client, method, ...(deviceId ? { device_id: deviceId } : {}) };
      await this.events.record(user.id, 'signin.succeeded', ctx, data, tx);
      if (link) linked = await linkInTransaction(tx, this.events, user, link, this.deps.clock.now(), ctx);
      return session;
    });
    if (linked) await noticeLinked(this.notices, user, ctx);
    return { status: 'authenticated', user, token: started.token, sessionId: started.session.id, client };
  }
}
