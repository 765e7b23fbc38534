// SMS pumping defence (shared/API.md "Limits"): at most 10 texts per account an hour, 10 per
// phone number an hour, 50 per client address an hour, and a global daily budget. Counted in the
// shared rate-limit store (Redis across instances). Past any cap: 429 sms_rate_limited, nothing sent.
import { createHash } from 'node:crypto';
import { AppError } from '../core/errors.js';
import type { RateLimitStore } from '../core/ports/rate-limit.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const SMS_CAPS = { perAccount: 10, perPhone: 10, perAddress: 50 } as const;

export class SmsCaps {
  constructor(
    private readonly store: RateLimitStore,
    private readonly dailyLimit: number,
  ) {}

  /** Counts one text for each cap; refuses (and counts nothing as sent) when any is past its limit. */
  async take(userId: string, e164: string, ip: string | null): Promise<void> {
    // The phone number is hashed so the cache never holds it in plain text.
    const phone = createHash('sha256').update(e164).digest('hex').slice(0, 32);
    const [acct, ph, addr, day] = await Promise.all([
      this.store.hit(`sms:acct:${userId}`, HOUR),
      this.store.hit(`sms:phone:${phone}`, HOUR),
      this.store.hit(`sms:addr:${ip ?? 'unknown'}`, HOUR),
      this.store.hit('sms:day', DAY),
    ]);
    const over = [
      acct.count > SMS_CAPS.perAccount ? acct.resetInMs : 0,
      ph.count > SMS_CAPS.perPhone ? ph.resetInMs : 0,
      addr.count > SMS_CAPS.perAddress ? addr.resetInMs : 0,
      day.count > this.dailyLimit ? day.resetInMs : 0,
    ].filter((ms) => ms > 0);
    if (over.length > 0) {
      const retryAfter = Math.max(1, Math.ceil(Math.max(...over) / 1000));
      throw new AppError('sms_rate_limited', 'Too many text messages were sent. Wait, or use your recovery code.', { retryAfter });
    }
  }
}
