import { Redis } from 'ioredis';

/**
 * The one place that builds a Redis client for Twofold's shared counters and one-time state.
 *
 * The options make a Redis outage visible at once instead of hanging requests: a command is
 * retried at most once, is refused immediately while the connection is down (no offline queue
 * that would replay stale rate-limit hits later), and gives up after 2 s. The stores turn each of
 * those failures into 503 service_unavailable, so security checks fail closed rather than open.
 */

export const REDIS_COMMAND_TIMEOUT_MS = 2_000;

export interface CreateRedisOptions {
  /**
   * Told about connection errors. ioredis emits them as 'error' events and prints a warning for
   * every one that has no listener, which would flood the logs while Redis is down; the caller
   * decides how loudly to report them. The URL is never passed along: it may hold a password.
   */
  onError?: (err: Error) => void;
  /** Connect only on first use (for the CLI, whose commands may never touch Redis). */
  lazyConnect?: boolean;
}

export function createRedis(url: string, options: CreateRedisOptions = {}): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: REDIS_COMMAND_TIMEOUT_MS,
    lazyConnect: options.lazyConnect ?? false,
    // How long disconnect() waits for a socket to close. ioredis also arms this timer for a socket
    // that is already gone (Redis unreachable), which would hold a shutdown up for that long.
    disconnectTimeout: 200,
    // Reconnect quickly at first, then at most every 2 s, forever: an outage must heal by itself.
    retryStrategy: (times) => Math.min(50 * 2 ** Math.min(times, 6), 2_000),
  });
  const onError = options.onError ?? (() => {});
  redis.on('error', (err: Error) => onError(redactError(err)));
  return redis;
}

/** A copy of the error without anything that may carry credentials (ioredis errors rarely do). */
function redactError(err: Error): Error {
  const safe = new Error(err.message.replace(/\/\/[^@/\s]*@/g, '//[redacted]@'));
  safe.name = err.name;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') (safe as Error & { code?: string }).code = code;
  return safe;
}
