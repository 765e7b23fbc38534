// The sign-in challenge: after the password, an account with a second factor gets an opaque
// challenge (5 minutes, bound to the account and to the client the password step named) and no
// session. A right code, or the recovery code, closes it and creates the session; every refused
// code counts against the challenge (5) and the account's run (10 in a row). See shared/API.md.
import { AppError } from '../core/errors.js';
import { phoneAad, totpAad } from '../core/aad.js';
import { open } from '../core/envelope.js';
import { challengeDiesAt } from '../core/second-factor-lock.js';
import { verifyTotp } from '../core/totp.js';
import { hashToken, looksLikeToken, newToken } from '../core/tokens.js';
import type { ChallengeMethod, ChallengeRecord, MfaFactorRecord, PendingLink } from '../core/ports/mfa-stores.js';
import type { ClientKind, Stores, UserRecord } from '../core/ports/stores.js';
import type { Authenticated } from './accounts.js';
import type { AttemptGuard, Reserved } from './attempt-guard.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import { linkInTransaction, noticeLinked } from './identity-link.js';
import type { SmsCodes } from './sms-codes.js';
import type { Notices } from './notices.js';
import { rollbackUnless } from './rollback-unless.js';
import type { RecoveryCodes } from './recovery-codes.js';
import type { SessionService, StartedSession } from './sessions.js';
import { codeRefusalDetail, type CodeRefusalReason } from '../core/code-refusal.js';
import { cancelSupportResetOnSignIn } from './support-reset.js';

export const CHALLENGE_TTL_MS = 5 * 60_000;

export interface MfaRequired {
  status: 'mfa_required';
  challenge: string;
  method: ChallengeMethod;
  /** Every way the challenge can be answered, e.g. ["totp","passkey"]. */
  methods: ChallengeMethod[];
  phone_hint?: string;
  expires_at: string;
}

/** A minute's worth of old steps and more: enough to tell a stale code from a wrong one. */
const LOOK_BEHIND_STEPS = 10;

const tooManyForChallenge = () =>
  new AppError(
    'too_many_attempts',
    'Too many wrong codes for this sign-in. Sign in again with your email and password.',
  );

const expired = () =>
  new AppError('challenge_expired', 'This sign-in has expired. Sign in again with your email and password.');

export class SignInChallengeService {
  constructor(
    private readonly deps: DepsOf<
      'clock' | 'random' | 'keyring',
      'users' | 'factors' | 'challenges' | 'principals' | 'transaction'
    >,
    private readonly guard: AttemptGuard,
    private readonly recovery: RecoveryCodes,
    private readonly sessions: SessionService,
    private readonly events: EventLog,
    private readonly notices: Notices,
    private readonly sms: SmsCodes,
  ) {}

  async create(
    user: UserRecord,
    factor: MfaFactorRecord | null,
    hasPasskey: boolean,
    client: ClientKind,
    via: string,
    ctx: RequestContext,
    pendingLink?: PendingLink,
  ): Promise<MfaRequired> {
    await this.guard.assertOpen(user.id);
    const method: ChallengeMethod = factor?.method ?? 'passkey';
    const methods: ChallengeMethod[] = [
      ...(factor ? [factor.method] : []),
      ...(hasPasskey ? ['passkey' as const] : []),
    ];
    const token = newToken(this.deps.random);
    const now = this.deps.clock.now();
    const c: ChallengeRecord = {
      idHash: hashToken(token),
      userId: user.id,
      method,
      client,
      via,
      createdAt: now,
      expiresAt: now + CHALLENGE_TTL_MS,
      failures: 0,
      closedAt: null,
      pendingLink: pendingLink ?? null,
    };
    // One commit for the challenge and its event (a write costs mostly its commit).
    await this.deps.storage.transaction(async (tx) => {
      await tx.challenges.createChallenge(c);
      await this.events.record(user.id, 'signin.mfa_required', ctx, { method, methods, via }, tx);
    });
    const answer: MfaRequired = {
      status: 'mfa_required',
      challenge: token,
      method,
      methods,
      ...(factor?.phoneHint ? { phone_hint: factor.phoneHint } : {}),
      expires_at: new Date(c.expiresAt).toISOString(),
    };
    if (factor?.method === 'sms') {
      try {
        await this.sms.send({ kind: 'challenge', idHash: c.idHash }, user.id, this.phoneOf(factor), c, ctx);
      } catch (e) {
        // The code could not go out (a cap, or the provider): the challenge still stands, so that
        // "Can't access two-factor device" can finish the sign-in with the recovery code.
        // Without `status`: a problem's `status` member is the HTTP status (RFC 9457 §3.1.2).
        const { status: _mfaRequired, ...challengeMembers } = answer;
        if (e instanceof AppError)
          throw new AppError(e.code, e.message, { retryAfter: e.retryAfter, extra: challengeMembers });
        throw e;
      }
    }
    return answer;
  }

  private phoneOf(factor: MfaFactorRecord): string {
    const phone = factor.phoneEnc ? open(this.deps.keyring, factor.phoneEnc, phoneAad(factor.userId)) : null;
    if (!phone?.ok) throw new AppError('internal_error', 'The phone number cannot be read; check TWOFOLD_SECRET_KEYS.');
    return phone.plaintext.toString('utf8');
  }

  /** The open challenge a client's string names, or 410 challenge_expired. */
  private async openChallenge(challenge: string): Promise<ChallengeRecord> {
    if (!looksLikeToken(challenge)) throw expired();
    const c = await this.deps.storage.challenges.getChallenge(hashToken(challenge));
    if (!c || c.closedAt !== null || c.expiresAt <= this.deps.clock.now()) throw expired();
    return c;
  }

  /** A reserved attempt proved wrong: 401, or at the challenge's 5th attempt 429 and the challenge dies. */
  async refuse(
    c: ChallengeRecord,
    reserved: Reserved,
    ctx: RequestContext,
    code: 'invalid_code' | 'invalid_recovery_code' | 'invalid_passkey',
    refusal?: { detail: string; reason: CodeRefusalReason },
  ): Promise<never> {
    const { storage, clock } = this.deps;
    this.guard.refused(c.userId, reserved.run);
    await this.events.record(c.userId, 'signin.failed', ctx, {
      reason:
        code === 'invalid_recovery_code' ? 'recovery_code' : code === 'invalid_passkey' ? 'passkey' : 'second_factor',
    });
    if (challengeDiesAt(reserved.attempt)) {
      await storage.challenges.closeChallenge(c.idHash, clock.now());
      throw tooManyForChallenge();
    }
    if (code === 'invalid_recovery_code')
      throw new AppError('invalid_recovery_code', 'That recovery code is not right. Check it and try again.');
    if (code === 'invalid_passkey') throw new AppError('invalid_passkey', refusal?.detail);
    throw new AppError('invalid_code', refusal?.detail ?? 'That code is not right. Enter the current 6-digit code.', {
      extra: { reason: refusal?.reason ?? 'mismatch' },
    });
  }

  async verify(challenge: string, code: string, ctx: RequestContext): Promise<Authenticated> {
    if (!looksLikeToken(challenge)) throw expired();
    const { storage, clock, keyring } = this.deps;
    // The challenge, its account, the factor and the run of wrong codes in one read.
    const found = await storage.principals.byChallengeIdHash(hashToken(challenge));
    const now = clock.now();
    if (!found || found.challenge.closedAt !== null || found.challenge.expiresAt <= now) throw expired();
    const { challenge: c, user, factorRecord: factor } = found;
    this.guard.assertOpenState(found.attempts);
    if (c.method === 'passkey') throw new AppError('bad_request', 'This sign-in is answered with a passkey.');
    if (!factor || factor.method !== c.method) throw expired();
    const reserved = await this.guard.reserveOnChallenge(c);
    // Closed, expired, or its 5 attempts all taken: it can take no more codes, as a dead one.
    if (!reserved) throw expired();
    const digits = code.replace(/\s+/g, '');
    let step: number | null = null;
    let reason: CodeRefusalReason = 'mismatch';
    if (factor.method === 'totp' && factor.secretEnc) {
      const secret = open(keyring, factor.secretEnc, totpAad(user.id));
      if (!secret.ok)
        throw new AppError('internal_error', 'The second factor cannot be read; check TWOFOLD_SECRET_KEYS.');
      const r = verifyTotp(secret.plaintext, digits, now, {
        afterStep: factor.lastStep,
        lookBehind: LOOK_BEHIND_STEPS,
      });
      if (r.ok) step = r.step;
      else reason = r.reason;
    }
    let smsOk = false;
    if (factor.method === 'sms') {
      const v = this.sms.verdict({ kind: 'challenge', idHash: c.idHash }, digits, c);
      smsOk = v === 'ok';
      if (v === 'expired') reason = 'expired';
    }
    const refusal = () => ({ detail: codeRefusalDetail(factor.method, reason), reason });
    if (step === null && !smsOk) return this.refuse(c, reserved, ctx, 'invalid_code', refusal());
    // One transaction: close the challenge, spend the time step, end the run of wrong codes,
    // create the session and log it. Of 20 parallel sign-ins with one code, one advances
    // last_step and the rest find it taken (RFC 6238 §5.2); and no session exists unless the
    // step was spent, nor a spent step without its session.
    let started: StartedSession | undefined;
    let linked = false;
    const won = await rollbackUnless(storage, async (tx) => {
      if (!(await tx.challenges.closeChallenge(c.idHash, now))) return 'closed';
      if (step !== null && !(await tx.factors.advanceStep(user.id, step))) return 'replayed';
      started = await this.startSession(tx, user, c, ctx, factor.method);
      if (c.pendingLink) linked = await linkInTransaction(tx, this.events, user, c.pendingLink, now, ctx);
      return 'ok';
    });
    if (won === 'closed') throw expired();
    if (won === 'replayed' || !started) {
      reason = 'replayed';
      return this.refuse(c, reserved, ctx, 'invalid_code', refusal());
    }
    if (linked) await noticeLinked(this.notices, user, ctx);
    const account = { ...found, googleLinked: found.googleLinked || linked };
    return { ...this.authenticated(user, c, started), account };
  }

  async recover(
    challenge: string,
    recoveryCode: string,
    ctx: RequestContext,
  ): Promise<Authenticated & { mfa_disabled: true }> {
    const c = await this.openChallenge(challenge);
    await this.guard.assertOpen(c.userId);
    const { storage, clock } = this.deps;
    const user = await storage.users.findById(c.userId);
    if (!user) throw expired();
    const reserved = await this.guard.reserveOnChallenge(c);
    // Closed, expired, or its 5 attempts all taken: it can take no more codes, as a dead one.
    if (!reserved) throw expired();
    const hash = await this.recovery.match(user.id, recoveryCode);
    if (!hash) return this.refuse(c, reserved, ctx, 'invalid_recovery_code');
    const now = clock.now();
    let started: StartedSession | undefined;
    let linked = false;
    // One transaction, as verify: spend the code, turn the factor off, end every session, then
    // create the new session; no session exists unless the code was spent.
    const won = await rollbackUnless(storage, async (tx) => {
      if (!(await tx.recoveryCodes.spendRecoveryCode(user.id, hash, now))) return 'spent';
      if (!(await tx.challenges.closeChallenge(c.idHash, now))) return 'closed';
      await tx.factors.deleteFactor(user.id);
      await tx.setups.deleteSetupsForUser(user.id);
      await tx.challenges.closeChallengesForUser(user.id, now);
      await tx.sessions.deleteAllForUser(user.id);
      await tx.devices.forgetDevicesForUser(user.id);
      await tx.passkeys.deletePasskeysForUser(user.id);
      // The recovery code proves the account as the second factor would have.
      if (c.pendingLink) linked = await linkInTransaction(tx, this.events, user, c.pendingLink, now, ctx);
      await this.events.record(user.id, 'mfa.recovery_used', ctx, undefined, tx);
      await this.events.record(user.id, 'mfa.disabled', ctx, { reason: 'recovery' }, tx);
      started = await this.startSession(tx, user, c, ctx, 'recovery_code');
      return 'ok';
    });
    if (won === 'closed') throw expired();
    if (won === 'spent' || !started) return this.refuse(c, reserved, ctx, 'invalid_recovery_code');
    if (linked) await noticeLinked(this.notices, user, ctx);
    await this.notices.send(user.email, 'recovery_code_used', ctx);
    return { ...this.authenticated(user, c, started), mfa_disabled: true };
  }

  /** SMS only: a new code for the challenge. An authenticator-app challenge has nothing to send. */
  async resend(challenge: string, ctx: RequestContext): Promise<{ expires_at: string }> {
    const c = await this.openChallenge(challenge);
    if (c.method !== 'sms')
      throw new AppError('bad_request', 'This sign-in uses an authenticator app; there is no code to send.');
    await this.guard.assertOpen(c.userId);
    const factor = await this.deps.storage.factors.getFactor(c.userId);
    if (!factor || factor.method !== 'sms') throw expired();
    const sent = await this.sms.send({ kind: 'challenge', idHash: c.idHash }, c.userId, this.phoneOf(factor), c, ctx);
    return { expires_at: new Date(sent.expiresAt).toISOString() };
  }

  /** The one way a challenge ends in a session: inside the transaction that spent the code. */
  async startSession(
    tx: Stores,
    user: UserRecord,
    c: ChallengeRecord,
    ctx: RequestContext,
    method: string,
  ): Promise<StartedSession> {
    await tx.attempts.resetAttempts(user.id);
    await cancelSupportResetOnSignIn(tx, this.events, this.deps.clock.now(), user.id, ctx);
    const started = await this.sessions.start(user.id, c.client, ctx, tx);
    await this.events.record(user.id, 'signin.succeeded', ctx, { client: c.client, method: `${c.via}+${method}` }, tx);
    return started;
  }

  authenticated(user: UserRecord, c: ChallengeRecord, started: StartedSession): Authenticated {
    return { status: 'authenticated', user, token: started.token, sessionId: started.session.id, client: c.client };
  }
}
