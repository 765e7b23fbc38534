// A passkey as the second step after a password: options limited to the account's passkeys and
// bound to the sign-in challenge; the answer is counted on the challenge (5) and on the account
// (10 in a row) BEFORE it is checked, exactly as a code, and a refusal counts as a wrong code.
import { AppError } from '../core/errors.js';
import type { WebAuthnOptions } from '../core/ports/webauthn.js';
import type { ChallengeRecord } from '../core/ports/mfa-stores.js';
import { hashToken, looksLikeToken } from '../core/tokens.js';
import type { Authenticated } from './accounts.js';
import type { AttemptGuard, Reserved } from './attempt-guard.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import { linkInTransaction, noticeLinked } from './identity-link.js';
import type { Notices } from './notices.js';
import { noteCounterRegression } from './passkey-sign-in.js';
import { rollbackUnless } from './rollback-unless.js';
import type { StartedSession } from './sessions.js';
import type { SignInChallengeService } from './sign-in-challenge.js';
import { relyingPartyOf, type WebAuthnChallenges } from './webauthn-challenges.js';

const expired = () =>
  new AppError('challenge_expired', 'This sign-in has expired. Sign in again with your email and password.');

export class PasskeySecondFactor {
  constructor(
    private readonly deps: DepsOf<
      'clock' | 'settings' | 'webauthn' | 'logger',
      'passkeys' | 'challenges' | 'principals' | 'transaction'
    >,
    private readonly guard: AttemptGuard,
    private readonly challenges: WebAuthnChallenges,
    private readonly signIn: SignInChallengeService,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  /** Request options for the passkeys of the account an open sign-in challenge belongs to. */
  async options(challenge: string): Promise<WebAuthnOptions> {
    const rp = relyingPartyOf(this.deps.settings);
    if (!looksLikeToken(challenge)) throw expired();
    const c = await this.deps.storage.challenges.getChallenge(hashToken(challenge));
    if (!c || c.closedAt !== null || c.expiresAt <= this.deps.clock.now()) throw expired();
    await this.guard.assertOpen(c.userId);
    const passkeys = await this.deps.storage.passkeys.listPasskeys(c.userId);
    if (passkeys.length === 0) throw new AppError('bad_request', 'This account has no passkey; enter the code.');
    const webauthnChallenge = await this.challenges.issue('second_factor', {
      userId: c.userId,
      signInChallengeHash: c.idHash,
    });
    return this.deps.webauthn.authenticationOptions(rp, {
      challenge: webauthnChallenge,
      allow: passkeys.map((p) => ({ id: p.credentialId, transports: p.transports })),
      userVerification: 'preferred',
    });
  }

  async answer(challenge: string, response: unknown, ctx: RequestContext): Promise<Authenticated> {
    const { storage, webauthn, clock } = this.deps;
    const rp = relyingPartyOf(this.deps.settings);
    if (!looksLikeToken(challenge)) throw expired();
    const found = await storage.principals.byChallengeIdHash(hashToken(challenge));
    if (!found || found.challenge.closedAt !== null || found.challenge.expiresAt <= clock.now()) throw expired();
    const { challenge: c, user } = found;
    this.guard.assertOpenState(found.attempts);
    const reserved = await this.guard.reserveOnChallenge(c);
    if (!reserved) throw expired();
    const read = webauthn.readResponse(response);
    const passkey = read ? await storage.passkeys.findByCredentialId(read.credentialId) : null;
    // A passkey of another account answers nothing here: counted as a wrong code.
    if (!read || !passkey || passkey.userId !== user.id) return this.refuse(c, reserved, ctx);
    const bound = { purpose: 'second_factor' as const, userId: user.id, signInChallengeHash: c.idHash };
    if (!(await this.challenges.spend(read.challenge, bound))) return this.refuse(c, reserved, ctx);
    const verdict = await webauthn.verifyAssertion(rp, response, read.challenge, passkey, false);
    if (!verdict.ok) {
      await noteCounterRegression(this.deps, this.events, passkey, verdict, ctx);
      return this.refuse(c, reserved, ctx);
    }
    const now = clock.now();
    let started: StartedSession | undefined;
    let linked = false;
    const won = await rollbackUnless(storage, async (tx) => {
      if (!(await tx.challenges.closeChallenge(c.idHash, now))) return 'closed';
      if (!(await tx.passkeys.recordUse(passkey.id, passkey.counter, verdict.newCounter, verdict.backedUp, now)))
        return 'raced';
      started = await this.signIn.startSession(tx, user, c, ctx, 'passkey');
      if (c.pendingLink) linked = await linkInTransaction(tx, this.events, user, c.pendingLink, now, ctx);
      return 'ok';
    });
    if (won === 'closed') throw expired();
    if (won !== 'ok' || !started) return this.refuse(c, reserved, ctx);
    if (linked) await noticeLinked(this.notices, user, ctx);
    const account = { ...found, googleLinked: found.googleLinked || linked };
    return { ...this.signIn.authenticated(user, c, started), account };
  }

  private refuse(c: ChallengeRecord, reserved: Reserved, ctx: RequestContext): Promise<never> {
    return this.signIn.refuse(c, reserved, ctx, 'invalid_passkey', {
      detail: 'That passkey was not accepted for this sign-in. Try again, or enter the code.',
      reason: 'mismatch',
    });
  }
}
