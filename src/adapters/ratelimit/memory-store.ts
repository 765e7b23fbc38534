import type { Clock } from '../../core/ports/clock.js';
import type { LimitSlot, RateLimitStore, Release, Reservation, WindowCount } from '../../core/ports/rate-limit.js';

/**
 * In-process rate-limit counters for a single instance (TWOFOLD_REDIS_URL unset).
 *
 * Fixed windows: the first hit on a key opens a window of windowMs and the count goes back to zero
 * when it closes. Counters and claims share one key space, as they do in the Redis store, so both
 * stores behave the same whatever keys the callers choose.
 *
 * Memory is bounded because the keys come from attacker-controlled input (addresses, emails):
 * expired entries are dropped when touched, by a periodic sweep, and at the size cap; if the cap
 * is still reached with only live entries, the earliest-opened window is evicted. Evicting
 * (rather than refusing every request) keeps a key flood from locking everybody out; the cap is
 * set far above what honest traffic needs, so only such a flood ever reaches it.
 */

interface Entry {
  count: number;
  /** Clock time (ms) at which the window closes. */
  expiresAt: number;
}

export interface MemoryRateLimitStoreOptions {
  /** Most keys kept at once. */
  maxEntries?: number;
  /** How often the background sweep drops expired entries. */
  sweepIntervalMs?: number;
}

const DEFAULT_MAX_ENTRIES = 100_000;
const DEFAULT_SWEEP_INTERVAL_MS = 60_000;
/** At the cap, a full sweep runs at most this often so a flood of new keys is not O(n) each. */
const MIN_FULL_SWEEP_GAP_MS = 1_000;

export class MemoryRateLimitStore implements RateLimitStore {
  // A Map iterates in insertion order, which makes "evict the oldest window" O(1).
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly timer: NodeJS.Timeout;
  private lastFullSweepAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    options: MemoryRateLimitStoreOptions = {},
  ) {
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.timer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS);
    // The sweep must never keep a CLI run or a test process alive on its own.
    this.timer.unref();
  }

  /** Number of keys held (live or not yet swept); for tests and metrics. */
  get size(): number {
    return this.entries.size;
  }

  async hit(key: string, windowMs: number, by = 1): Promise<WindowCount> {
    const now = this.clock.now();
    const entry = this.live(key, now);
    if (entry) {
      entry.count += by;
      return { count: entry.count, resetInMs: entry.expiresAt - now };
    }
    const fresh: Entry = { count: by, expiresAt: now + windowMs };
    this.insert(key, fresh, now);
    return { count: fresh.count, resetInMs: windowMs };
  }

  async peek(key: string): Promise<WindowCount> {
    const now = this.clock.now();
    const entry = this.live(key, now);
    return entry ? { count: entry.count, resetInMs: entry.expiresAt - now } : { count: 0, resetInMs: 0 };
  }

  async reset(key: string): Promise<void> {
    this.entries.delete(key);
  }

  // One synchronous pass: nothing else runs on this event loop between the check and the count.
  async reserve(slots: readonly LimitSlot[]): Promise<Reservation> {
    const now = this.clock.now();
    for (const slot of slots) {
      const entry = this.live(slot.key, now);
      if (entry && entry.count >= slot.max) return { ok: false, key: slot.key, resetInMs: entry.expiresAt - now };
    }
    for (const slot of slots) {
      const entry = this.live(slot.key, now);
      if (entry) entry.count += 1;
      else this.insert(slot.key, { count: 1, expiresAt: now + slot.windowMs }, now);
    }
    return { ok: true };
  }

  async release(releases: readonly Release[]): Promise<void> {
    const now = this.clock.now();
    for (const r of releases) {
      const entry = this.live(r.key, now);
      if (!entry) continue;
      if (r.clear || entry.count <= 1) this.entries.delete(r.key);
      else entry.count -= 1;
    }
  }

  async claim(key: string, ttlMs: number): Promise<boolean> {
    const now = this.clock.now();
    if (this.live(key, now)) return false;
    this.insert(key, { count: 1, expiresAt: now + ttlMs }, now);
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.entries.clear();
  }

  /** Drops every expired entry. Runs from the timer; public so tests can call it directly. */
  sweep(now = this.clock.now()): void {
    this.lastFullSweepAt = now;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) this.entries.delete(key);
    }
  }

  /** The entry while its window is open; an expired one is dropped on the way (lazy sweep). */
  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private insert(key: string, entry: Entry, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries && now - this.lastFullSweepAt >= MIN_FULL_SWEEP_GAP_MS) {
      this.sweep(now);
    }
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
  }
}
