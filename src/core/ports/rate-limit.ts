/**
 * Counters for throttles and caps, kept in-process (single instance) or in Redis (shared by every
 * instance). Fixed windows: the first hit opens a window of windowMs; the count resets after it.
 * A store that cannot answer throws AppError('service_unavailable'): security checks fail closed.
 */
export interface WindowCount {
  count: number;
  /** Milliseconds until the window closes (0 when there is no window). */
  resetInMs: number;
}

export interface RateLimitStore {
  /** Adds `by` (default 1) to the counter and returns the new count. */
  hit(key: string, windowMs: number, by?: number): Promise<WindowCount>;
  /** Reads the counter without changing it. */
  peek(key: string): Promise<WindowCount>;
  reset(key: string): Promise<void>;
  /**
   * Claims a one-time key for ttlMs: true the first time, false while the claim lives.
   * Used for replay guards (signatures, TOTP steps across instances).
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}
