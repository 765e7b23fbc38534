// Google Sign-In (issue 6): the provider's word turned into one of our accounts (by linked issuer
// and sub, else by a verified email, never by an unverified one), then the same second-factor rule
// as a password sign-in. The rules and why: docs/design.md, "Which account a Google sign-in opens".
import { AppError } from '../core/errors.js';
import { normalizeEmail } from '../core/email.js';
import { hashToken, newId, safeEqual } from '../core/tokens.js';
import {
  OidcFailure,
  type OidcFailureReason,
  type OidcIdentity,
  type OidcPending,
  type OidcProvider,
} from '../core/ports/oidc.js';
import type { PendingLink } from '../core/ports/mfa-stores.js';
import type { UserRecord } from '../core/ports/stores.js';
import { claimUnproven } from './account-claim.js';
import type { AccountService } from './accounts.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';
import type { SignInOutcome, SignInService } from './sign-in.js';

/** How long a started sign-in may take at the provider (the cookie lives as long). */
export const GOOGLE_PENDING_TTL_MS = 10 * 60_000;

/** The `error` the portal gets in `/login?error=…`. */
export type GoogleErrorCode =
  'google_denied' | 'google_state' | 'google_failed' | 'google_unavailable' | 'google_unverified_email';

const FAILURE_CODES: Record<OidcFailureReason, GoogleErrorCode> = {
  denied: 'google_denied',
  state: 'google_state',
  unavailable: 'google_unavailable',
  failed: 'google_failed',
};

/** What the browser carries between start and callback, with the time it started. */
export interface GooglePending extends OidcPending {
  createdAt: number;
}

export type GoogleStart = { ok: true; url: string; pending: GooglePending } | { ok: false; error: GoogleErrorCode };
export type GoogleCallbackResult = SignInOutcome | { status: 'refused'; error: GoogleErrorCode };

/** Rolls a transaction back so the resolution starts over (a concurrent sign-up or link won a race). */
class RaceLost extends Error {}

export class GoogleSignInService {
  constructor(
    private readonly deps: DepsOf<
      'clock' | 'random' | 'replays' | 'logger' | 'oidc',
      'users' | 'identities' | 'transaction'
    >,
    private readonly signIn: SignInService,
    private readonly accounts: AccountService,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  /** False when no client id is configured: the routes answer 404 and the portal hides the button. */
  get enabled(): boolean {
    return this.deps.oidc !== undefined && this.deps.oidc !== null;
  }

  private provider(): OidcProvider {
    const p = this.deps.oidc;
    if (!p) throw new AppError('not_found', 'Google Sign-In is not configured on this server.');
    return p;
  }

  async start(): Promise<GoogleStart> {
    const provider = this.provider();
    try {
      const a = await provider.authorizationUrl();
      return {
        ok: true,
        url: a.url,
        pending: { state: a.state, nonce: a.nonce, codeVerifier: a.codeVerifier, createdAt: this.deps.clock.now() },
      };
    } catch (e) {
      return { ok: false, error: this.failure(e, 'start') };
    }
  }

  /**
   * The callback: `pending` is what this browser's signed cookie carried (null when it had none).
   * Never throws for anything the provider or the browser did; answers a refusal code instead.
   */
  async finish(callbackUrl: URL, pending: GooglePending | null, ctx: RequestContext): Promise<GoogleCallbackResult> {
    const provider = this.provider();
    const { clock, replays } = this.deps;
    const now = clock.now();
    const refused = (error: GoogleErrorCode) => ({ status: 'refused' as const, error });
    if (!pending || now - pending.createdAt > GOOGLE_PENDING_TTL_MS || pending.createdAt > now + 60_000)
      return refused('google_state');
    // A callback that is not for this browser's sign-in (login CSRF, RFC 6749 §10.12) is refused
    // before the state is spent, so a forged one cannot burn the user's own attempt.
    if (!safeEqual(callbackUrl.searchParams.get('state') ?? '', pending.state)) return refused('google_state');
    // Each started sign-in finishes once, on every instance: a replayed callback, even with the
    // cookie kept, never reaches the provider a second time.
    if (!(await replays.claim(`oidc-state:${hashToken(pending.state)}`, GOOGLE_PENDING_TTL_MS)))
      return refused('google_state');

    let identity: OidcIdentity;
    try {
      identity = await provider.exchange(callbackUrl, pending);
    } catch (e) {
      return refused(this.failure(e, 'callback'));
    }
    const resolved = await this.resolve(identity, ctx);
    if (!resolved) return refused('google_unverified_email');
    return this.signIn.afterFirstFactor(resolved.user, 'web', ctx, 'google', resolved.link);
  }

  private failure(e: unknown, during: string): GoogleErrorCode {
    if (e instanceof OidcFailure) {
      this.deps.logger.warn({ reason: e.reason, err: e.message, during }, 'google sign-in failed');
      return FAILURE_CODES[e.reason];
    }
    this.deps.logger.error(
      { err: e instanceof Error ? e.message : String(e), during },
      'google sign-in failed unexpectedly',
    );
    return 'google_failed';
  }

  /**
   * The account this identity opens, creating it when the email is verified and unknown; null
   * when refused. An existing account found by its email comes with the link to make, which the
   * sign-in writes only once the account's second factor (if any) has been given.
   */
  private async resolve(
    identity: OidcIdentity,
    ctx: RequestContext,
  ): Promise<{ user: UserRecord; link?: PendingLink } | null> {
    const { storage, clock, random } = this.deps;
    for (let attempt = 0; attempt < 3; attempt++) {
      const known = await storage.identities.find(identity.issuer, identity.subject);
      if (known) {
        const user = await storage.users.findById(known.userId);
        if (user) return { user };
      }
      const email = identity.email ? normalizeEmail(identity.email) : null;
      if (!identity.emailVerified || !email) {
        const owner = email ? await storage.users.findByEmail(email) : null;
        if (owner) await this.events.record(owner.id, 'signin.failed', ctx, { reason: 'google_unverified_email' });
        return null;
      }
      const link = { issuer: identity.issuer, subject: identity.subject, email, linkedAt: clock.now() };
      const existing = await storage.users.findByEmail(email);
      if (existing) {
        // Never proven: claimed for this verified mailbox before the link (src/services/account-claim.ts).
        const user = await claimUnproven(this.deps, this.events, this.notices, existing, ctx);
        return { user, link: { issuer: identity.issuer, subject: identity.subject, email } };
      }
      // Google vouched for the address: the new account's mailbox counts as proven.
      const user: UserRecord = {
        id: newId(random),
        email,
        passwordHash: null,
        createdAt: clock.now(),
        emailVerifiedAt: clock.now(),
      };
      try {
        await storage.transaction(async (tx) => {
          if ((await tx.users.create(user)) === 'email_taken') throw new RaceLost();
          if ((await tx.identities.link({ ...link, userId: user.id })) === 'taken') throw new RaceLost();
        });
      } catch (e) {
        if (e instanceof RaceLost) continue;
        throw e;
      }
      await this.events.record(user.id, 'account.created', ctx, { client: 'web', via: 'google' });
      return { user };
    }
    throw new Error('google sign-in: could not settle the account after concurrent changes');
  }

  async isLinked(userId: string): Promise<boolean> {
    return (await this.deps.storage.identities.listForUser(userId)).length > 0;
  }

  /** DELETE /v1/me/google: needs a password to exist (else the account could not be opened again). */
  async unlink(user: UserRecord, password: string, ctx: RequestContext): Promise<void> {
    const { storage } = this.deps;
    const links = await storage.identities.listForUser(user.id);
    if (links.length === 0) throw new AppError('google_not_linked', 'No Google account is linked to this account.');
    if (!user.passwordHash) {
      throw new AppError(
        'password_required',
        'This account has no password yet: set one (use "Forgot password" on the sign-in page) before unlinking Google, or you could not sign in again.',
      );
    }
    await this.accounts.reauthenticate(user, password, ctx);
    for (const issuer of new Set(links.map((l) => l.issuer))) await storage.identities.unlink(user.id, issuer);
    await this.events.record(user.id, 'google.unlinked', ctx);
    await this.notices.send(user.email, 'google_unlinked', ctx);
  }
}
