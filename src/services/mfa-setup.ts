// Turning the second factor on, re-configuring it, turning it off, and renewing the recovery code.
// A set-up is pending (15 minutes) until a current code confirms it; only then does it replace the
// account's factor and recovery code, and end every other session. Nothing is on before that.
import { AppError } from '../core/errors.js';
import { open, seal } from '../core/envelope.js';
import { base32Encode } from '../core/base32.js';
import { otpauthUri } from '../core/otpauth-uri.js';
import { generateTotpSecret, verifyTotp } from '../core/totp.js';
import { newToken } from '../core/tokens.js';
import type { MfaMethod } from '../core/ports/mfa-stores.js';
import type { UserRecord } from '../core/ports/stores.js';
import type { AccountService } from './accounts.js';
import type { AttemptGuard } from './attempt-guard.js';
import type { RequestContext, ServiceDeps } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';
import type { RecoveryCodes } from './recovery-codes.js';

export const SETUP_TTL_MS = 15 * 60_000;

export interface TotpSetupStarted {
  setup_id: string;
  method: 'totp';
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
  expires_at: string;
}

export interface MfaStatus {
  enabled: boolean;
  method: MfaMethod | null;
  phone_hint?: string;
  enabled_at?: string;
}

export const totpAad = (userId: string) => `totp:${userId}`;
const setupAad = (setupId: string) => `mfa-setup:${setupId}`;

export class MfaSetupService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly accounts: AccountService,
    private readonly guard: AttemptGuard,
    private readonly recovery: RecoveryCodes,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  async status(userId: string): Promise<MfaStatus> {
    const f = await this.deps.storage.mfa.getFactor(userId);
    if (!f) return { enabled: false, method: null };
    return {
      enabled: true,
      method: f.method,
      ...(f.phoneHint ? { phone_hint: f.phoneHint } : {}),
      enabled_at: new Date(f.enabledAt).toISOString(),
    };
  }

  async startTotp(user: UserRecord, password: string, ctx: RequestContext): Promise<TotpSetupStarted> {
    await this.accounts.reauthenticate(user, password, ctx);
    const { random, clock, keyring, storage, settings, qr } = this.deps;
    const id = newToken(random, 18);
    const secret = generateTotpSecret(random);
    const now = clock.now();
    const expiresAt = now + SETUP_TTL_MS;
    await storage.mfa.createSetup({
      id,
      userId: user.id,
      method: 'totp',
      secretEnc: seal(keyring, secret, setupAad(id), random),
      phoneEnc: null,
      phoneHint: null,
      createdAt: now,
      expiresAt,
    });
    const secretBase32 = base32Encode(secret);
    const uri = otpauthUri({ issuer: settings.issuer, account: user.email, secretBase32 });
    await this.events.record(user.id, 'mfa.setup_started', ctx, { method: 'totp' });
    return { setup_id: id, method: 'totp', secret: secretBase32, otpauth_uri: uri, qr_svg: await qr.svg(uri), expires_at: new Date(expiresAt).toISOString() };
  }

  /** Confirms a pending set-up with a current code; answers the new recovery code, shown once. */
  async verify(user: UserRecord, currentSessionId: string, setupId: string, code: string, ctx: RequestContext) {
    const { storage, clock, keyring, random } = this.deps;
    const setup = await storage.mfa.getSetup(setupId);
    const now = clock.now();
    if (!setup || setup.userId !== user.id || setup.usedAt !== null || setup.expiresAt <= now) {
      throw new AppError('setup_expired', 'This set-up has expired or was already used. Start again with Turn On.');
    }
    await this.guard.assertOpen(user.id);
    if (setup.method !== 'totp' || !setup.secretEnc) throw new AppError('setup_expired', 'This set-up cannot be confirmed with an authenticator code.');
    const opened = open(keyring, setup.secretEnc, setupAad(setup.id));
    if (!opened.ok) throw new AppError('setup_expired', 'This set-up can no longer be read. Start again with Turn On.');
    const check = verifyTotp(opened.plaintext, code.replace(/\s+/g, ''), now);
    if (!check.ok) {
      await this.guard.fail(user.id);
      await this.events.record(user.id, 'mfa.setup_failed', ctx, { method: 'totp' });
      throw new AppError('invalid_code', 'That code is not right. Enter the current 6-digit code from your authenticator app.');
    }
    const previous = await storage.mfa.getFactor(user.id);
    const recoveryCode = await storage.transaction(async (tx) => {
      if (!(await tx.mfa.spendSetup(setup.id, now))) {
        throw new AppError('setup_expired', 'This set-up was already used. Start again with Turn On.');
      }
      await tx.mfa.putFactor({
        userId: user.id,
        method: 'totp',
        secretEnc: seal(keyring, opened.plaintext, totpAad(user.id), random),
        phoneEnc: null,
        phoneHint: null,
        lastStep: check.step,
        enabledAt: now,
      });
      const rc = await this.recovery.issue(user.id, tx);
      await tx.mfa.closeChallengesForUser(user.id, now);
      await tx.sessions.deleteAllForUser(user.id, currentSessionId);
      return rc;
    });
    await this.guard.reset(user.id);
    const kind = previous ? 'mfa_reconfigured' : 'mfa_enabled';
    await this.events.record(user.id, previous ? 'mfa.reconfigured' : 'mfa.enabled', ctx, { method: 'totp' });
    await this.notices.send(user.email, kind, ctx);
    return { enabled: true as const, method: 'totp' as const, recovery_code: recoveryCode };
  }

  async disable(user: UserRecord, password: string, ctx: RequestContext): Promise<{ enabled: false }> {
    await this.accounts.reauthenticate(user, password, ctx);
    const removed = await this.deps.storage.transaction(async (tx) => {
      const had = await tx.mfa.deleteFactor(user.id);
      await tx.mfa.deleteRecoveryCode(user.id);
      await tx.mfa.deleteSetupsForUser(user.id);
      await tx.mfa.closeChallengesForUser(user.id, this.deps.clock.now());
      return had;
    });
    if (removed) {
      await this.events.record(user.id, 'mfa.disabled', ctx);
      await this.notices.send(user.email, 'mfa_disabled', ctx);
    }
    return { enabled: false };
  }

  async renewRecoveryCode(user: UserRecord, password: string, ctx: RequestContext): Promise<{ recovery_code: string }> {
    await this.accounts.reauthenticate(user, password, ctx);
    if (!(await this.deps.storage.mfa.getFactor(user.id))) {
      throw new AppError('mfa_not_enabled', 'Turn on two-factor authentication first; the recovery code comes with it.');
    }
    const code = await this.recovery.issue(user.id);
    await this.events.record(user.id, 'mfa.recovery_code_renewed', ctx);
    await this.notices.send(user.email, 'recovery_code_renewed', ctx);
    return { recovery_code: code };
  }
}
