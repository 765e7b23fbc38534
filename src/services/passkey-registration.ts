// Adding a passkey (W3C WebAuthn §7.1): options bound to the session that asked (after its
// password), then the authenticator's response, verified against that one-time challenge. At most
// 10 per account; the account's first passkey brings a recovery code when it has none, so that a
// lost passkey never locks its owner out.
import { AppError } from '../core/errors.js';
import type { WebAuthnOptions } from '../core/ports/webauthn.js';
import { assertEmailVerified } from '../core/email-verified.js';
import type { PasskeyRecord } from '../core/ports/passkey-stores.js';
import type { UserRecord } from '../core/ports/stores.js';
import { newId } from '../core/tokens.js';
import type { AccountService } from './accounts.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';
import { passkeyView, type PasskeyView } from './passkey-view.js';
import type { RecoveryCodes } from './recovery-codes.js';
import { rollbackUnless } from './rollback-unless.js';
import { relyingPartyOf, type WebAuthnChallenges } from './webauthn-challenges.js';

export const PASSKEY_LIMIT = 10;

const limitReached = () =>
  new AppError('passkey_limit', `An account holds at most ${PASSKEY_LIMIT} passkeys. Remove one to add another.`);

/** 400 invalid_passkey (the contract's status for a refused registration). */
const refused = (detail: string) => new AppError('invalid_passkey', detail, { status: 400 });

export class PasskeyRegistration {
  constructor(
    private readonly deps: DepsOf<'clock' | 'random' | 'settings' | 'webauthn' | 'logger', 'passkeys' | 'transaction'>,
    private readonly accounts: AccountService,
    private readonly challenges: WebAuthnChallenges,
    private readonly recovery: RecoveryCodes,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  /** Creation options for the browser; the challenge is bound to this session for 5 minutes. */
  async options(user: UserRecord, sessionId: string, password: string, ctx: RequestContext): Promise<WebAuthnOptions> {
    const rp = relyingPartyOf(this.deps.settings);
    assertEmailVerified(user);
    await this.accounts.reauthenticate(user, password, ctx);
    const existing = await this.deps.storage.passkeys.listPasskeys(user.id);
    if (existing.length >= PASSKEY_LIMIT) throw limitReached();
    const challenge = await this.challenges.issue('register', { userId: user.id, sessionId });
    return this.deps.webauthn.registrationOptions(rp, {
      challenge,
      userId: user.id,
      userName: user.email,
      exclude: existing.map((p) => ({ id: p.credentialId, transports: p.transports })),
    });
  }

  /** Verifies the authenticator's response and stores the passkey; `recovery_code` when one was made now. */
  async add(
    user: UserRecord,
    sessionId: string,
    name: string,
    response: unknown,
    ctx: RequestContext,
  ): Promise<PasskeyView & { recovery_code?: string }> {
    const rp = relyingPartyOf(this.deps.settings);
    assertEmailVerified(user);
    const read = this.deps.webauthn.readResponse(response);
    if (!read) throw refused('The passkey response is not readable. Try adding the passkey again.');
    const bound = { purpose: 'register' as const, userId: user.id, sessionId };
    if (!(await this.challenges.spend(read.challenge, bound)))
      throw refused('This passkey request has expired or was already used. Start again with "Add a passkey".');
    const verdict = await this.deps.webauthn.verifyRegistration(rp, response, read.challenge);
    if (!verdict.ok) {
      this.deps.logger.info({ userId: user.id, reason: verdict.reason }, 'passkey registration refused');
      throw refused('The passkey could not be verified for this site. Try again.');
    }
    const now = this.deps.clock.now();
    const c = verdict.credential;
    const record: PasskeyRecord = {
      id: newId(this.deps.random),
      userId: user.id,
      ...c,
      name,
      createdAt: now,
      lastUsedAt: null,
    };
    let recoveryCode: string | undefined;
    const won = await rollbackUnless(this.deps.storage, async (tx) => {
      // The account's row lock: parallel additions cannot pass the limit together.
      await tx.users.lock(user.id);
      if ((await tx.passkeys.countPasskeys(user.id)) >= PASSKEY_LIMIT) return 'limit';
      if ((await tx.passkeys.addPasskey(record)) === 'exists') return 'exists';
      const rc = await tx.recoveryCodes.getRecoveryCode(user.id);
      if (!rc || rc.usedAt !== null) recoveryCode = await this.recovery.issue(user.id, tx);
      await this.events.record(user.id, 'passkey.added', ctx, { passkey_id: record.id, name }, tx);
      return 'ok';
    });
    if (won === 'limit') throw limitReached();
    if (won === 'exists') throw refused('This passkey is already registered.');
    await this.notices.send(user.email, 'passkey_added', ctx, `Name: ${name}`);
    return { ...passkeyView(record), ...(recoveryCode ? { recovery_code: recoveryCode } : {}) };
  }
}
