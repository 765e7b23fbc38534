// Sends SMS codes for set-ups and challenges: the 30 s gap and 5-send cap (atomic, in the
// database), the abuse caps, a fresh 6-digit code that kills the previous one, and delivery. A
// provider's refusal becomes 502 sms_delivery_failed or 422 invalid_phone.
import { AppError } from '../core/errors.js';
import { deriveKey } from '../core/envelope.js';
import type { ChallengeStore, CodeRefusal, MfaSetupStore, SmsCodeState } from '../core/ports/mfa-stores.js';
import { SmsDeliveryError, type SmsSender } from '../core/ports/sms-sender.js';
import {
  SMS_CODE_TTL_MS,
  SMS_MAX_SENDS,
  SMS_RESEND_AFTER_MS,
  generateSmsCode,
  hashSmsCode,
  smsCodeMatches,
  smsMessage,
} from '../core/sms-code.js';
import type { RequestContext, ServiceDeps, ServiceSettings } from './deps.js';
import { SmsCaps } from './sms-caps.js';

export type CodeTarget = { kind: 'setup'; id: string } | { kind: 'challenge'; idHash: string };

/** What SmsCodes uses: where a set-up's or a challenge's code is kept, the caps' counters and the code key. */
export interface SmsCodesDeps extends Pick<ServiceDeps, 'clock' | 'random' | 'limits' | 'keyring' | 'logger'> {
  storage: {
    setups: Pick<MfaSetupStore, 'setSetupCode' | 'restoreSetupCode'>;
    challenges: Pick<ChallengeStore, 'setChallengeCode' | 'restoreChallengeCode'>;
  };
  settings: Pick<ServiceSettings, 'smsDailyLimit' | 'issuer' | 'publicUrl'>;
}

const boundTo = (t: CodeTarget) => (t.kind === 'setup' ? `setup:${t.id}` : `challenge:${t.idHash}`);

export class SmsCodes {
  private readonly caps: SmsCaps;
  private readonly key: Uint8Array;

  constructor(
    private readonly deps: SmsCodesDeps,
    private readonly sender: SmsSender,
  ) {
    this.caps = new SmsCaps(deps.limits, deps.settings.smsDailyLimit);
    this.key = deriveKey(deps.keyring, 'sms-code');
  }

  private refusal(r: CodeRefusal, lastSentAt: number | null | undefined, target: CodeTarget): never {
    if (r === 'too_soon') {
      const wait = lastSentAt
        ? Math.max(1, Math.ceil((lastSentAt + SMS_RESEND_AFTER_MS - this.deps.clock.now()) / 1000))
        : 30;
      throw new AppError('resend_too_soon', `Wait ${wait} seconds before asking for another code.`, {
        retryAfter: wait,
      });
    }
    if (r === 'too_many')
      throw new AppError(
        'sms_rate_limited',
        'No more codes can be sent for this attempt. Start again, or use your recovery code.',
      );
    if (target.kind === 'setup')
      throw new AppError('setup_expired', 'This set-up has expired. Start again with Turn On.');
    throw new AppError('challenge_expired', 'This sign-in has expired. Sign in again with your email and password.');
  }

  /**
   * Sends a new code to `e164` for the target. `state` is what the caller read (for the early,
   * cheap checks); the database re-checks the gap and the cap atomically when storing the code.
   */
  async send(
    target: CodeTarget,
    userId: string,
    e164: string,
    state: Partial<SmsCodeState>,
    ctx: RequestContext,
  ): Promise<{ expiresAt: number }> {
    const { clock, storage, random, settings } = this.deps;
    const now = clock.now();
    if ((state.sends ?? 0) >= SMS_MAX_SENDS) this.refusal('too_many', state.lastSentAt, target);
    if (state.lastSentAt && state.lastSentAt > now - SMS_RESEND_AFTER_MS)
      this.refusal('too_soon', state.lastSentAt, target);
    await this.caps.take(userId, e164, ctx.ip);
    const code = generateSmsCode(random);
    const hash = hashSmsCode(code, boundTo(target), this.key);
    const expiresAt = now + SMS_CODE_TTL_MS;
    const stored =
      target.kind === 'setup'
        ? await storage.setups.setSetupCode(target.id, hash, expiresAt, now, SMS_RESEND_AFTER_MS, SMS_MAX_SENDS)
        : await storage.challenges.setChallengeCode(
            target.idHash,
            hash,
            expiresAt,
            now,
            SMS_RESEND_AFTER_MS,
            SMS_MAX_SENDS,
          );
    if (stored !== 'ok') this.refusal(stored, state.lastSentAt, target);
    try {
      await this.sender.send({
        to: e164,
        body: smsMessage(settings.issuer, code, new URL(settings.publicUrl).host),
        code,
      });
    } catch (e) {
      // Nothing reached the phone: the code sent before (if any) stays the valid one, and the
      // send neither counts nor starts the 30-second wait, so "try again" can be done at once.
      const previous: SmsCodeState = {
        codeHash: state.codeHash ?? null,
        codeExpiresAt: state.codeExpiresAt ?? null,
        sends: state.sends ?? 0,
        lastSentAt: state.lastSentAt ?? null,
      };
      await (target.kind === 'setup'
        ? storage.setups.restoreSetupCode(target.id, hash, previous)
        : storage.challenges.restoreChallengeCode(target.idHash, hash, previous));
      if (e instanceof SmsDeliveryError) {
        this.deps.logger.warn({ kind: e.kind, reason: e.message, userId }, 'text message not delivered');
        if (e.kind === 'invalid_number')
          throw new AppError(
            'invalid_phone',
            'The text message provider says this number cannot receive texts. Check it, or use Authenticator App.',
          );
        throw new AppError(
          'sms_delivery_failed',
          'The text message could not be sent. Try again in a moment, or use Authenticator App.',
        );
      }
      throw e;
    }
    return { expiresAt };
  }

  /** True when `code` is the target's current, unexpired code. */
  /** Whether `code` is the stored one, and still valid: 'expired' names a right code too late. */
  verdict(
    target: CodeTarget,
    code: string,
    state: { codeHash?: string | null; codeExpiresAt?: number | null },
  ): 'ok' | 'expired' | 'mismatch' {
    if (!smsCodeMatches(code, boundTo(target), state.codeHash ?? null, this.key)) return 'mismatch';
    return state.codeExpiresAt && state.codeExpiresAt > this.deps.clock.now() ? 'ok' : 'expired';
  }

  matches(
    target: CodeTarget,
    code: string,
    state: { codeHash?: string | null; codeExpiresAt?: number | null },
  ): boolean {
    return this.verdict(target, code, state) === 'ok';
  }
}
