// Sign-in with a passkey alone (discoverable credential, user verification required, W3C WebAuthn
// §7.2): no email, no password. It honours what every sign-in honours: the account named by the
// credential has its attempt counted BEFORE the assertion is checked (a refusal counts as a wrong
// code, and a locked account is refused with 429), then one transaction records the counter,
// ends the run of wrong codes, starts the session and logs it.
import { AppError } from '../core/errors.js';
import type { WebAuthnOptions } from '../core/ports/webauthn.js';
import type { MfaAttemptState } from '../core/ports/mfa-stores.js';
import type { PasskeyRecord } from '../core/ports/passkey-stores.js';
import type { ClientKind, UserRecord } from '../core/ports/stores.js';
import type { AssertionVerdict } from '../core/ports/webauthn.js';
import type { Authenticated } from './accounts.js';
import type { AttemptGuard } from './attempt-guard.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { AccountPolicy } from './account-policy.js';
import type { EventLog } from './event-log.js';
import { rollbackUnless } from './rollback-unless.js';
import type { SessionService, StartedSession } from './sessions.js';
import { relyingPartyOf, type WebAuthnChallenges } from './webauthn-challenges.js';

const invalid = (detail = 'That passkey was not accepted. Try again, or sign in with your email and password.') =>
  new AppError('invalid_passkey', detail);

/** A refused assertion because its counter went back: the credential may have been cloned (§6.1.1). */
export async function noteCounterRegression(
  deps: DepsOf<'logger', never>,
  events: EventLog,
  passkey: PasskeyRecord,
  verdict: Extract<AssertionVerdict, { ok: false }>,
  ctx: RequestContext,
): Promise<void> {
  if (verdict.reason !== 'counter') return;
  deps.logger.warn(
    { userId: passkey.userId, passkeyId: passkey.id, counter: passkey.counter },
    'passkey signature counter went back: assertion refused (possibly a cloned authenticator)',
  );
  await events.record(passkey.userId, 'passkey.counter_regressed', ctx, { passkey_id: passkey.id });
}

export class PasskeySignIn {
  constructor(
    private readonly deps: DepsOf<
      'clock' | 'settings' | 'webauthn' | 'logger',
      'passkeys' | 'users' | 'transaction' | 'attempts'
    >,
    private readonly guard: AttemptGuard,
    private readonly challenges: WebAuthnChallenges,
    private readonly sessions: SessionService,
    private readonly events: EventLog,
    private readonly policy: AccountPolicy,
  ) {}

  /** Request options for any passkey of this site (no allow list: the browser offers them). */
  async options(): Promise<WebAuthnOptions> {
    const rp = relyingPartyOf(this.deps.settings);
    const challenge = await this.challenges.issue('signin', {});
    return this.deps.webauthn.authenticationOptions(rp, { challenge, userVerification: 'required' });
  }

  async signIn(response: unknown, client: ClientKind, ctx: RequestContext): Promise<Authenticated> {
    const { storage, webauthn, clock } = this.deps;
    const rp = relyingPartyOf(this.deps.settings);
    const read = webauthn.readResponse(response);
    if (!read) throw invalid('The passkey response is not readable.');
    const passkey = await storage.passkeys.findByCredentialId(read.credentialId);
    // No account to count against: an unknown credential is refused without a trace of one.
    if (!passkey) throw invalid();
    const user = await storage.users.findById(passkey.userId);
    if (!user) throw invalid();
    // Counted before anything is checked; 429 too_many_attempts while the account is locked.
    const run = await this.guard.reserve(user.id);
    if (!(await this.challenges.spend(read.challenge, { purpose: 'signin' })))
      return this.refuse(user, run, ctx, 'This passkey request has expired or was already used. Try again.');
    const verdict = await webauthn.verifyAssertion(rp, response, read.challenge, passkey, true);
    if (!verdict.ok) {
      await noteCounterRegression(this.deps, this.events, passkey, verdict, ctx);
      return this.refuse(user, run, ctx);
    }
    // An operator's lock refuses a passkey as it refuses a password (docs/admin.md).
    await this.policy.check(user.id);
    const now = clock.now();
    let started: StartedSession | undefined;
    const won = await rollbackUnless(storage, async (tx) => {
      if (!(await tx.passkeys.recordUse(passkey.id, passkey.counter, verdict.newCounter, verdict.backedUp, now)))
        return 'raced';
      await tx.attempts.resetAttempts(user.id);
      started = await this.sessions.start(user.id, client, ctx, tx);
      const data = { client, method: 'passkey', passkey_id: passkey.id };
      await this.events.record(user.id, 'signin.succeeded', ctx, data, tx);
      return 'ok';
    });
    if (won !== 'ok' || !started) return this.refuse(user, run, ctx);
    return { status: 'authenticated', user, token: started.token, sessionId: started.session.id, client };
  }

  private async refuse(user: UserRecord, run: MfaAttemptState, ctx: RequestContext, detail?: string): Promise<never> {
    this.guard.refused(user.id, run);
    await this.events.record(user.id, 'signin.failed', ctx, { reason: 'passkey' });
    throw invalid(detail);
  }
}
