import type { Redis } from 'ioredis';
import { AppError, isAppError } from '../../core/errors.js';
import type { LimitSlot, RateLimitStore, Release, Reservation, WindowCount } from '../../core/ports/rate-limit.js';
import { REDIS_COMMAND_TIMEOUT_MS } from './redis-client.js';

/**
 * Rate-limit counters and one-time claims in Redis, shared by every instance behind the load
 * balancer (TWOFOLD_REDIS_URL). Same fixed-window semantics as the in-memory store.
 *
 * Whatever goes wrong (connection down, timeout, an unexpected reply) becomes
 * AppError('service_unavailable'): the callers are security checks, and a check that cannot count
 * must refuse rather than let an unlimited number of guesses through.
 *
 * The store owns the client it is given: close() quits it.
 */

/**
 * INCRBY, then start the window only when the key has no expiry yet, then read what is left.
 * One script so that concurrent hits from many instances can never interleave between the
 * increment and the expiry (which could leave a counter that never resets). "PTTL = -1, then
 * PEXPIRE" is what PEXPIRE … NX does, but also works on Redis older than 7.0.
 */
const HIT_SCRIPT = `
local n = redis.call('INCRBY', KEYS[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return {n, redis.call('PTTL', KEYS[1])}
`;

/**
 * Reserve: every key below its max, then all incremented, in one script (Redis runs a script
 * alone, so parallel attempts from any number of instances are serialised here). ARGV holds
 * max and window per key. Answers 0 when taken, else the 1-based index of the full key and its PTTL.
 */
const RESERVE_SCRIPT = `
for i, k in ipairs(KEYS) do
  local c = tonumber(redis.call('GET', k) or '0')
  if c >= tonumber(ARGV[2 * i - 1]) then
    return {i, redis.call('PTTL', k)}
  end
end
for i, k in ipairs(KEYS) do
  redis.call('INCR', k)
  if redis.call('PTTL', k) == -1 then
    redis.call('PEXPIRE', k, ARGV[2 * i])
  end
end
return {0, 0}
`;

/** Release: ARGV[i] is 'clear' (delete) or 'one' (give one place back, never below zero). */
const RELEASE_SCRIPT = `
for i, k in ipairs(KEYS) do
  local c = tonumber(redis.call('GET', k) or '0')
  if ARGV[i] == 'clear' or c <= 1 then
    redis.call('DEL', k)
  else
    redis.call('DECR', k)
  end
end
return 0
`;

const UNAVAILABLE_DETAIL = 'The rate-limit store is unreachable';

export class RedisRateLimitStore implements RateLimitStore {
  private connecting: Promise<void> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'twofold:',
  ) {}

  hit(key: string, windowMs: number, by = 1): Promise<WindowCount> {
    return this.run(async () => {
      const reply = await this.redis.eval(HIT_SCRIPT, 1, this.key(key), toPositiveMs(windowMs), by);
      if (!Array.isArray(reply) || reply.length !== 2) throw new Error('unexpected reply to the hit script');
      return { count: Number(reply[0]), resetInMs: toResetMs(Number(reply[1])) };
    });
  }

  peek(key: string): Promise<WindowCount> {
    return this.run(async () => {
      const k = this.key(key);
      // MULTI so the count and the time left belong to the same moment.
      const replies = await this.redis.multi().get(k).pttl(k).exec();
      if (!replies || replies.length !== 2) throw new Error('the peek transaction was aborted');
      for (const [err] of replies) if (err) throw err;
      const count = replies[0]?.[1];
      const pttl = replies[1]?.[1];
      return { count: count == null ? 0 : Number(count), resetInMs: toResetMs(Number(pttl)) };
    });
  }

  reset(key: string): Promise<void> {
    return this.run(async () => {
      await this.redis.del(this.key(key));
    });
  }

  reserve(slots: readonly LimitSlot[]): Promise<Reservation> {
    return this.run(async () => {
      if (slots.length === 0) return { ok: true } as const;
      const args = slots.flatMap((s) => [s.max, toPositiveMs(s.windowMs)]);
      const reply = await this.redis.eval(RESERVE_SCRIPT, slots.length, ...slots.map((s) => this.key(s.key)), ...args);
      if (!Array.isArray(reply) || reply.length !== 2) throw new Error('unexpected reply to the reserve script');
      const full = Number(reply[0]);
      if (full === 0) return { ok: true } as const;
      const slot = slots[full - 1];
      if (!slot) throw new Error('unexpected reply to the reserve script');
      return { ok: false, key: slot.key, resetInMs: toResetMs(Number(reply[1])) } as const;
    });
  }

  release(releases: readonly Release[]): Promise<void> {
    return this.run(async () => {
      if (releases.length === 0) return;
      await this.redis.eval(
        RELEASE_SCRIPT,
        releases.length,
        ...releases.map((r) => this.key(r.key)),
        ...releases.map((r) => (r.clear ? 'clear' : 'one')),
      );
    });
  }

  claim(key: string, ttlMs: number): Promise<boolean> {
    return this.run(async () => {
      const reply = await this.redis.set(this.key(key), '1', 'PX', toPositiveMs(ttlMs), 'NX');
      return reply === 'OK';
    });
  }

  async close(): Promise<void> {
    // QUIT only over a working connection. Otherwise disconnect(), which also cancels a pending
    // reconnect: quit() would leave that timer running and keep the process alive.
    if (this.redis.status === 'ready') {
      try {
        await this.redis.quit();
        return;
      } catch {
        // Fall through: the connection died while saying goodbye.
      }
    }
    this.redis.disconnect();
  }

  private key(key: string): string {
    return this.prefix + key;
  }

  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      await this.ready();
      return await op();
    } catch (err) {
      if (isAppError(err)) throw err;
      throw new AppError('service_unavailable', UNAVAILABLE_DETAIL, { cause: err, retryAfter: 5 });
    }
  }

  /**
   * With the offline queue off, a command sent while the first connection is still being made is
   * refused at once. Waiting (briefly) for that first connection keeps start-up from answering
   * 503; a connection that is down or reconnecting fails right away.
   */
  private ready(): Promise<void> {
    if (this.redis.status === 'ready') return Promise.resolve();
    // Concurrent callers share one wait, so a burst at start-up adds one set of listeners.
    this.connecting ??= this.waitUntilReady().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async waitUntilReady(): Promise<void> {
    // A lazyConnect client: start connecting. Its outcome is observed through the events below,
    // because a second caller's connect() would be refused while the first is in flight.
    if (this.redis.status === 'wait') this.redis.connect().catch(() => {});
    const status = this.redis.status;
    if (status === 'connecting' || status === 'connect') {
      await waitForReady(this.redis, REDIS_COMMAND_TIMEOUT_MS);
      return;
    }
    throw new Error(`the Redis connection is ${status}`);
  }
}

function waitForReady(redis: Redis, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      redis.off('error', onError);
      redis.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onReady = () => done();
    const onError = (err: Error) => done(err);
    const onClose = () => done(new Error('the Redis connection closed'));
    const timer = setTimeout(() => done(new Error('timed out connecting to Redis')), timeoutMs);
    redis.once('ready', onReady);
    redis.once('error', onError);
    redis.once('close', onClose);
  });
}

/** PEXPIRE and SET PX need a positive integer; a zero or fractional window would be refused. */
function toPositiveMs(ms: number): number {
  return Math.max(1, Math.ceil(ms));
}

/** PTTL answers -2 (no key) or -1 (no expiry); both mean "no window" to callers. */
function toResetMs(pttl: number): number {
  return Number.isFinite(pttl) && pttl > 0 ? pttl : 0;
}
