// Turning the second factor on, or re-configuring it (a new secret or phone, a new recovery code;
// old devices stop working). A set-up is pending (15 minutes) until a current code confirms it;
// only then does it replace the account's factor and recovery code and end every other session.
import { AppError } from '../core/errors.js';
import { totpAad, phoneAad, setupAad } from '../core/aad.js';
import { open, seal } from '../core/envelope.js';
import { base32Encode } from '../core/base32.js';
import { assertEmailVerified } from '../core/email-verified.js';
import { otpauthUri } from '../core/otpauth-uri.js';
import { parsePhone } from '../core/phone.js';
import { generateTotpSecret, verifyTotp } from '../core/totp.js';
import { newToken } from '../core/tokens.js';
import type { MfaSetupRecord } from '../core/ports/mfa-stores.js';
import type { UserRecord } from '../core/ports/stores.js';
import type { AccountService } from './accounts.js';
import type { AttemptGuard } from './attempt-guard.js';
import type { DepsOf, RequestContext } from './deps.js';
import type { EventLog } from './event-log.js';
import type { Notices } from './notices.js';
import type { RecoveryCodes } from './recovery-codes.js';
import type { SmsCodes } from './sms-codes.js';
import { codeRefusalDetail, type CodeRefusalReason } from '../core/code-refusal.js';

export const SETUP_TTL_MS = 15 * 60_000;

export interface TotpSetupStarted {
  setup_id: string;
  method: 'totp';
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
  expires_at: string;
}

export interface SmsSetupStarted {
  setup_id: string;
  method: 'sms';
  phone_hint: string;
  expires_at: string;
}

const setupGone = () =>
  new AppError('setup_expired', 'This set-up has expired or was already used. Start again with Turn On.');

export class MfaSetupService {
  constructor(
    private readonly deps: DepsOf<
      'clock' | 'random' | 'keyring' | 'qr' | 'settings',
      'factors' | 'setups' | 'transaction'
    >,
    private readonly accounts: AccountService,
    private readonly guard: AttemptGuard,
    private readonly recovery: RecoveryCodes,
    private readonly sms: SmsCodes,
    private readonly events: EventLog,
    private readonly notices: Notices,
  ) {}

  private async newSetup(
    user: UserRecord,
    fields: Pick<MfaSetupRecord, 'method' | 'phoneHint'>,
    secret: { totp?: Uint8Array; phone?: string },
  ): Promise<MfaSetupRecord> {
    const { random, clock, keyring, storage } = this.deps;
    const id = newToken(random, 18);
    const now = clock.now();
    const setup: MfaSetupRecord = {
      id,
      userId: user.id,
      method: fields.method,
      secretEnc: secret.totp ? seal(keyring, secret.totp, setupAad(id), random) : null,
      phoneEnc: secret.phone ? seal(keyring, secret.phone, setupAad(id), random) : null,
      phoneHint: fields.phoneHint,
      createdAt: now,
      expiresAt: now + SETUP_TTL_MS,
    };
    await storage.setups.createSetup(setup);
    return setup;
  }

  async startTotp(user: UserRecord, password: string, ctx: RequestContext): Promise<TotpSetupStarted> {
    assertEmailVerified(user);
    await this.accounts.reauthenticate(user, password, ctx);
    const secret = generateTotpSecret(this.deps.random);
    const setup = await this.newSetup(user, { method: 'totp', phoneHint: null }, { totp: secret });
    const secretBase32 = base32Encode(secret);
    const uri = otpauthUri({ issuer: this.deps.settings.issuer, account: user.email, secretBase32 });
    await this.events.record(user.id, 'mfa.setup_started', ctx, { method: 'totp' });
    return {
      setup_id: setup.id,
      method: 'totp',
      secret: secretBase32,
      otpauth_uri: uri,
      qr_svg: await this.deps.qr.svg(uri),
      expires_at: new Date(setup.expiresAt).toISOString(),
    };
  }

  async startSms(
    user: UserRecord,
    password: string,
    phoneInput: string,
    ctx: RequestContext,
  ): Promise<SmsSetupStarted> {
    assertEmailVerified(user);
    await this.accounts.reauthenticate(user, password, ctx);
    const phone = parsePhone(phoneInput, this.deps.settings.sms);
    if (!phone.ok) throw new AppError('invalid_phone', phone.message, { extra: { reason: phone.reason } });
    const setup = await this.newSetup(user, { method: 'sms', phoneHint: phone.hint }, { phone: phone.e164 });
    try {
      const sent = await this.sms.send({ kind: 'setup', id: setup.id }, user.id, phone.e164, {}, ctx);
      await this.events.record(user.id, 'mfa.setup_started', ctx, { method: 'sms', phone_hint: phone.hint });
      return {
        setup_id: setup.id,
        method: 'sms',
        phone_hint: phone.hint,
        expires_at: new Date(sent.expiresAt).toISOString(),
      };
    } catch (e) {
      await this.deps.storage.setups.deleteSetup(setup.id); // nothing of a failed send is left behind
      throw e;
    }
  }

  /** A new SMS code for a pending set-up (30 s apart, at most 5); the previous code dies. */
  async resend(user: UserRecord, setupId: string, ctx: RequestContext): Promise<{ expires_at: string }> {
    const setup = await this.openSetup(user, setupId);
    if (setup.method !== 'sms' || !setup.phoneEnc)
      throw new AppError('bad_request', 'This set-up uses an authenticator app; there is no code to send.');
    const phone = open(this.deps.keyring, setup.phoneEnc, setupAad(setup.id));
    if (!phone.ok) throw setupGone();
    const sent = await this.sms.send(
      { kind: 'setup', id: setup.id },
      user.id,
      phone.plaintext.toString('utf8'),
      setup,
      ctx,
    );
    return { expires_at: new Date(sent.expiresAt).toISOString() };
  }

  private async openSetup(user: UserRecord, setupId: string) {
    const setup = await this.deps.storage.setups.getSetup(setupId);
    if (!setup || setup.userId !== user.id || setup.usedAt !== null || setup.expiresAt <= this.deps.clock.now())
      throw setupGone();
    return setup;
  }

  /** Confirms a pending set-up with a current code; answers the new recovery code, shown once. */
  async verify(user: UserRecord, currentSessionId: string, setupId: string, codeInput: string, ctx: RequestContext) {
    const setup = await this.openSetup(user, setupId);
    // Counted before the code is checked, like every second-factor code (attempt-guard.ts).
    const run = await this.guard.reserve(user.id);
    const { keyring, clock } = this.deps;
    const code = codeInput.replace(/\s+/g, '');
    const sealedSecret = setup.method === 'totp' ? setup.secretEnc : setup.phoneEnc;
    const opened = sealedSecret ? open(keyring, sealedSecret, setupAad(setup.id)) : null;
    if (!opened?.ok) throw setupGone();
    let step: number | null = null;
    let ok = false;
    let reason: CodeRefusalReason = 'mismatch';
    if (setup.method === 'totp') {
      // A minute's worth of older steps only names the refusal ("expired"), never accepts.
      const r = verifyTotp(opened.plaintext, code, clock.now(), { lookBehind: 10 });
      if (r.ok) ({ ok, step } = r);
      else reason = r.reason;
    } else {
      const v = this.sms.verdict({ kind: 'setup', id: setup.id }, code, setup);
      ok = v === 'ok';
      if (v === 'expired') reason = v;
    }
    if (!ok) {
      this.guard.refused(user.id, run);
      await this.events.record(user.id, 'mfa.setup_failed', ctx, { method: setup.method });
      throw new AppError('invalid_code', codeRefusalDetail(setup.method, reason), { extra: { reason } });
    }
    return this.activate(user, currentSessionId, setup, opened.plaintext, step, ctx);
  }

  private async activate(
    user: UserRecord,
    currentSessionId: string,
    setup: MfaSetupRecord,
    secret: Buffer,
    step: number | null,
    ctx: RequestContext,
  ) {
    const { storage, clock, keyring, random } = this.deps;
    const now = clock.now();
    const previous = await storage.factors.getFactor(user.id);
    const recoveryCode = await storage.transaction(async (tx) => {
      if (!(await tx.setups.spendSetup(setup.id, now))) throw setupGone();
      await tx.factors.putFactor({
        userId: user.id,
        method: setup.method,
        secretEnc: setup.method === 'totp' ? seal(keyring, secret, totpAad(user.id), random) : null,
        phoneEnc: setup.method === 'sms' ? seal(keyring, secret, phoneAad(user.id), random) : null,
        phoneHint: setup.phoneHint,
        lastStep: step,
        enabledAt: now,
      });
      const rc = await this.recovery.issue(user.id, tx);
      await tx.challenges.closeChallengesForUser(user.id, now);
      await tx.sessions.deleteAllForUser(user.id, currentSessionId);
      // A new second factor: devices remembered under the old one must prove it again.
      await tx.devices.forgetDevicesForUser(user.id);
      return rc;
    });
    await this.guard.reset(user.id);
    await this.events.record(user.id, previous ? 'mfa.reconfigured' : 'mfa.enabled', ctx, { method: setup.method });
    await this.notices.send(user.email, previous ? 'mfa_reconfigured' : 'mfa_enabled', ctx);
    return { enabled: true as const, method: setup.method, recovery_code: recoveryCode };
  }
}
