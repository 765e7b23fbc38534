// SMS pumping defence (shared/API.md "Limits"): at most 10 texts per account an hour, 10 per
// phone number an hour, 50 per client address an hour, and a global daily budget. Counted in the
// shared rate-limit store (Redis across instances). Past any cap: 429 sms_rate_limited, nothing sent.
import { createHash } from 'node:crypto';
import { addressKey } from '../core/address-key.js';
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

  /**
   * Counts one text in every cap before it is sent, in one atomic step (parallel requests cannot
   * pass a cap); refused by any cap, it counts in none, so requests past one cap (an address's,
   * say) cannot use up the others (the global daily budget, a victim's number).
   */
  async take(userId: string, e164: string, ip: string | null): Promise<void> {
    // The phone number is hashed so the cache never holds it in plain text.
    const phone = createHash('sha256').update(e164).digest('hex').slice(0, 32);
    const r = await this.store.reserve([
      { key: `sms:acct:${userId}`, windowMs: HOUR, max: SMS_CAPS.perAccount },
      { key: `sms:phone:${phone}`, windowMs: HOUR, max: SMS_CAPS.perPhone },
      { key: `sms:addr:${addressKey(ip)}`, windowMs: HOUR, max: SMS_CAPS.perAddress },
      { key: 'sms:day', windowMs: DAY, max: this.dailyLimit },
    ]);
    if (!r.ok) {
      const retryAfter = Math.max(1, Math.ceil(r.resetInMs / 1000));
      throw new AppError('sms_rate_limited', 'Too many text messages were sent. Wait, or use your recovery code.', {
        retryAfter,
      });
    }
  }
}
