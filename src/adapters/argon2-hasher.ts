import { availableParallelism } from 'node:os';
import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { AppError } from '../core/errors.js';
import type { PasswordHasher } from '../core/ports/password-hasher.js';

/**
 * Password hashing with argon2id. The defaults are OWASP's minimum recommendation for argon2id
 * (19 MiB, 2 passes, 1 lane); tests pass cheaper parameters. A stored hash names the parameters
 * it was made with, so raising them later only needs needsRehash() at the next sign-in.
 */

export interface Argon2Params {
  /** KiB of memory. */
  memoryCost: number;
  /** Passes over the memory. */
  timeCost: number;
  /** Lanes. */
  parallelism: number;
}

export const DEFAULT_ARGON2_PARAMS: Readonly<Argon2Params> = Object.freeze({
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
});

/**
 * What the dummy hash is made of. Only its cost matters: verifyDummy() never reports a match,
 * even for someone who types this text.
 */
export const DUMMY_PASSWORD_HASH_INPUT = 'twofold:dummy-password-for-unknown-accounts';

// @node-rs/argon2 declares Algorithm as an ambient const enum, which isolatedModules cannot
// inline; 2 is its Argon2id member.
const ARGON2ID = 2 as Algorithm;
/** Argon2 version 1.3, the only one this hasher writes. */
const ARGON2_VERSION = 19;

/**
 * At most `limit` jobs at once; the rest wait in arrival order. Argon2 runs on libuv's thread
 * pool (4 threads by default), which also serves file reads and DNS look-ups: a burst of sign-ins
 * would otherwise take every thread (19 MiB each) for tens of milliseconds, leaving the static
 * portal and a database reconnect queued behind them, and on a 2-core machine four hashing
 * threads only contend with the event loop for the same cores (bench/README.md: lower p99 and
 * 36 MiB less peak memory at 2).
 *
 * At most `maxWaiting` wait: past that, a job is refused at once (503 with Retry-After) instead
 * of joining a queue that would outlast every client's patience and grow without end.
 */
export class WorkLimit {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly limit: number,
    public maxWaiting = Number.POSITIVE_INFINITY,
    /** Seconds a refused caller is told to wait. */
    public retryAfterSec = 2,
  ) {}

  /** Jobs waiting for a slot now (for tests and metrics). */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new AppError(
          'service_unavailable',
          'The server is busy checking passwords. Try again in a few seconds.',
          { retryAfter: this.retryAfterSec },
        );
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next job in line, so `running` stays counted.
      if (next) next();
      else this.running--;
    }
  }
}

/** How long a password request may wait for its hash before the server refuses it instead. */
export const MAX_HASH_QUEUE_MS = 2_000;

export class Argon2Hasher implements PasswordHasher {
  readonly params: Readonly<Argon2Params>;
  private dummyHash: Promise<string> | undefined;
  private readonly work: WorkLimit;
  private hashMs = 0;

  /** `concurrency`: argon2 jobs at once (default: the machine's cores). */
  constructor(overrides: Partial<Argon2Params> = {}, concurrency = availableParallelism()) {
    this.params = Object.freeze({ ...DEFAULT_ARGON2_PARAMS, ...overrides });
    this.work = new WorkLimit(Math.max(1, concurrency));
  }

  hash(password: string): Promise<string> {
    return this.work.run(() => hash(password, { algorithm: ARGON2ID, ...this.params }));
  }

  /** False for a wrong password and for anything that is not a readable argon2 hash. */
  async verify(storedHash: string, password: string): Promise<boolean> {
    if (typeof storedHash !== 'string' || !storedHash.startsWith('$argon2')) return false;
    // Only argon2's own refusal of a malformed hash is "false"; a full queue is a 503, not a wrong password.
    return this.work.run(async () => {
      try {
        return await verify(storedHash, password);
      } catch {
        return false;
      }
    });
  }

  needsRehash(storedHash: string): boolean {
    const parsed = parsePhc(storedHash);
    if (!parsed) return true;
    return (
      parsed.algorithm !== 'argon2id' ||
      parsed.version !== ARGON2_VERSION ||
      parsed.memoryCost < this.params.memoryCost ||
      parsed.timeCost < this.params.timeCost ||
      parsed.parallelism < this.params.parallelism
    );
  }

  /**
   * Does the work of a real verify and answers false. Sign-in calls it when the email is unknown,
   * so the answer takes as long as for a known account and timing does not reveal who has one.
   */
  async verifyDummy(password: string): Promise<boolean> {
    this.dummyHash ??= this.hash(DUMMY_PASSWORD_HASH_INPUT);
    let dummy: string;
    try {
      dummy = await this.dummyHash;
    } catch (err) {
      this.dummyHash = undefined;
      throw err;
    }
    await this.verify(dummy, password);
    return false;
  }

  /**
   * Makes the dummy hash ahead of the first unknown-email sign-in, whose timing would differ, and
   * times one verify to size the queue: at most MAX_HASH_QUEUE_MS of work may wait.
   */
  async warmUp(maxQueueMs = MAX_HASH_QUEUE_MS): Promise<void> {
    await this.verifyDummy('');
    const started = performance.now();
    await this.verifyDummy('');
    this.hashMs = Math.max(1, performance.now() - started);
    this.work.maxWaiting = Math.max(this.work.limit, Math.floor((maxQueueMs / this.hashMs) * this.work.limit));
    this.work.retryAfterSec = Math.max(1, Math.ceil(maxQueueMs / 1000));
  }

  /** What warmUp measured: one verify's time, and how many may wait (Infinity before warmUp). */
  get queueBound(): { hashMs: number; maxWaiting: number } {
    return { hashMs: this.hashMs, maxWaiting: this.work.maxWaiting };
  }
}

export interface PhcArgon2 {
  algorithm: string;
  version: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
}

const PHC_ARGON2 =
  /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)(?:,[^$]*)?\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

/** Reads the parameters of `$argon2id$v=19$m=…,t=…,p=…$salt$hash`; null when it is not one. */
export function parsePhc(storedHash: string): PhcArgon2 | null {
  if (typeof storedHash !== 'string') return null;
  const m = PHC_ARGON2.exec(storedHash);
  if (!m) return null;
  const [, algorithm, version, memoryCost, timeCost, parallelism] = m;
  return {
    algorithm: algorithm ?? '',
    version: Number(version),
    memoryCost: Number(memoryCost),
    timeCost: Number(timeCost),
    parallelism: Number(parallelism),
  };
}
