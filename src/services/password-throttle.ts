// Wrong-password throttling (shared/API.md "Limits"): per (account, address), per address, per
// account; every attempt reserves its place in all three before the hash is checked, and a right
// password gives them back. Why: docs/design.md, "Wrong-password throttling".
import { addressKey } from '../core/address-key.js';
import { AppError } from '../core/errors.js';
import type { LimitSlot, RateLimitStore } from '../core/ports/rate-limit.js';

const MIN = 60_000;
export const PASSWORD_LIMITS = {
  pair: { max: 10, windowMs: 15 * MIN },
  address: { max: 100, windowMs: 60 * MIN },
  account: { max: 100, windowMs: 60 * MIN },
} as const;

function slots(account: string, ip: string | null): [pair: LimitSlot, address: LimitSlot, account: LimitSlot] {
  const addr = addressKey(ip);
  return [
    { key: `pw:pair:${account}:${addr}`, ...PASSWORD_LIMITS.pair },
    { key: `pw:addr:${addr}`, ...PASSWORD_LIMITS.address },
    { key: `pw:acct:${account}`, ...PASSWORD_LIMITS.account },
  ];
}

export class PasswordThrottle {
  constructor(private readonly store: RateLimitStore) {}

  /** Counts the attempt before the password is checked; 429 too_many_requests with Retry-After when a limit is full. */
  async reserve(account: string, ip: string | null): Promise<void> {
    const r = await this.store.reserve(slots(account, ip));
    if (!r.ok) {
      const retryAfter = Math.max(1, Math.ceil(r.resetInMs / 1000));
      throw new AppError('too_many_requests', 'Too many wrong passwords. Try again later.', { retryAfter });
    }
  }

  /** An attempt that could not be checked (the server was too busy to hash) gives its places back. */
  async unchecked(account: string, ip: string | null): Promise<void> {
    await this.store.release(slots(account, ip).map((s) => ({ key: s.key })));
  }

  /** A right password gives back its places and clears the pair's count (the owner's own typos are forgiven). */
  async succeeded(account: string, ip: string | null): Promise<void> {
    const [pair, address, acct] = slots(account, ip);
    await this.store.release([{ key: pair.key, clear: true }, { key: address.key }, { key: acct.key }]);
  }
}
