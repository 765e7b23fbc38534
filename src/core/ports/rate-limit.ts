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

/** One limit an attempt is subject to: at most `max` in a window of `windowMs`. */
export interface LimitSlot {
  key: string;
  max: number;
  windowMs: number;
}

/** A reservation: taken in every slot, or refused by the first full one with nothing taken. */
export type Reservation = { ok: true } | { ok: false; key: string; resetInMs: number };

/** What a right answer gives back: `clear` empties the key, else one reserved place is returned. */
export interface Release {
  key: string;
  clear?: boolean;
}

export interface RateLimitStore {
  /** Adds `by` (default 1) to the counter and returns the new count. */
  hit(key: string, windowMs: number, by?: number): Promise<WindowCount>;
  /** Reads the counter without changing it. */
  peek(key: string): Promise<WindowCount>;
  reset(key: string): Promise<void>;
  /**
   * Counts an attempt in every slot with one atomic step, before the attempt is checked: all
   * counters move (each below its max) or none does. Parallel attempts can therefore never pass
   * a limit, and one refused by a slot uses up nothing in the others.
   */
  reserve(slots: readonly LimitSlot[]): Promise<Reservation>;
  /** Gives back what a reservation took (never below zero, never opening a window). */
  release(releases: readonly Release[]): Promise<void>;
  /**
   * Claims a one-time key for ttlMs: true the first time, false while the claim lives.
   * Used for replay guards (signatures, TOTP steps across instances).
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}
