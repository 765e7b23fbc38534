// Wrong-password throttling (shared/API.md "Limits"): 10 in 15 minutes per (account, address),
// 100 an hour per address over all accounts, 100 an hour per account from everywhere. The per-pair
// limit is the tight one, so a flood from one address slows that address and cannot keep the
// owner out from another. Unknown emails are counted under their normalised email, so an
// attacker learns nothing from which answers come back.
import { AppError } from '../core/errors.js';
import type { RateLimitStore } from '../core/ports/rate-limit.js';

const MIN = 60_000;
export const PASSWORD_LIMITS = {
  pair: { max: 10, windowMs: 15 * MIN },
  address: { max: 100, windowMs: 60 * MIN },
  account: { max: 100, windowMs: 60 * MIN },
} as const;

function keys(account: string, ip: string | null) {
  const addr = ip ?? 'unknown';
  return {
    pair: `pw:pair:${account}:${addr}`,
    address: `pw:addr:${addr}`,
    account: `pw:acct:${account}`,
  };
}

export class PasswordThrottle {
  constructor(private readonly store: RateLimitStore) {}

  /** Throws 429 too_many_requests with Retry-After when any limit is reached. */
  async check(account: string, ip: string | null): Promise<void> {
    const k = keys(account, ip);
    const [pair, address, acct] = await Promise.all([this.store.peek(k.pair), this.store.peek(k.address), this.store.peek(k.account)]);
    const blocked = [
      pair.count >= PASSWORD_LIMITS.pair.max ? pair.resetInMs : 0,
      address.count >= PASSWORD_LIMITS.address.max ? address.resetInMs : 0,
      acct.count >= PASSWORD_LIMITS.account.max ? acct.resetInMs : 0,
    ].filter((ms) => ms > 0);
    if (blocked.length > 0) {
      const retryAfter = Math.max(1, Math.ceil(Math.max(...blocked) / 1000));
      throw new AppError('too_many_requests', 'Too many wrong passwords. Try again later.', { retryAfter });
    }
  }

  async failed(account: string, ip: string | null): Promise<void> {
    const k = keys(account, ip);
    await Promise.all([
      this.store.hit(k.pair, PASSWORD_LIMITS.pair.windowMs),
      this.store.hit(k.address, PASSWORD_LIMITS.address.windowMs),
      this.store.hit(k.account, PASSWORD_LIMITS.account.windowMs),
    ]);
  }

  /** A right password clears the pair's count (the owner's own typos are forgiven). */
  async succeeded(account: string, ip: string | null): Promise<void> {
    await this.store.reset(keys(account, ip).pair);
  }
}
