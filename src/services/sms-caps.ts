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
    const caps: [key: string, windowMs: number, limit: number][] = [
      [`sms:acct:${userId}`, HOUR, SMS_CAPS.perAccount],
      [`sms:phone:${phone}`, HOUR, SMS_CAPS.perPhone],
      [`sms:addr:${ip ?? 'unknown'}`, HOUR, SMS_CAPS.perAddress],
      ['sms:day', DAY, this.dailyLimit],
    ];
    // A refused attempt is not counted: otherwise requests past one cap (an address's, say) would
    // keep using up the others (the global daily budget, a victim's number) without a text sent.
    const seen = await Promise.all(caps.map(([key]) => this.store.peek(key)));
    refuseIfOver(seen.map((c, i) => (c.count >= caps[i]![2] ? c.resetInMs : 0)));
    // Counted atomically per key; a race past the peek is refused here and stays counted (fail closed).
    const counted = await Promise.all(caps.map(([key, windowMs]) => this.store.hit(key, windowMs)));
    refuseIfOver(counted.map((c, i) => (c.count > caps[i]![2] ? c.resetInMs : 0)));
  }
}

function refuseIfOver(resetInMs: number[]): void {
  const over = resetInMs.filter((ms) => ms > 0);
  if (over.length > 0) {
    const retryAfter = Math.max(1, Math.ceil(Math.max(...over) / 1000));
    throw new AppError('sms_rate_limited', 'Too many text messages were sent. Wait, or use your recovery code.', { retryAfter });
  }
}
