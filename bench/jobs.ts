// What the bench (bench/loadgen.ts) asks of a load-generator process (bench/load.ts) and what comes back.

export interface JobBase {
  label: string;
  /** Origin the sockets connect to, e.g. http://127.0.0.1:41234. */
  origin: string;
  connections: number;
  /**
   * One autocannon run of warmup + duration seconds; only what completes in the last `duration`
   * seconds counts (no ramp-up, no cut-off requests in the figures).
   */
  warmup: number;
  duration: number;
  /** Hard cap on requests (the whole run); the run ends early when every connection has sent its share. */
  maxRequests?: number;
  /**
   * Where this job starts in 100.64.0.0/10 (RFC 6598 shared address space, 4,194,304 addresses)
   * for its X-Forwarded-For addresses: one address per request, and jobs do not overlap.
   */
  addressStart: number;
}

/** GET /v1/me with a session, rotating over the tokens request by request (or the bare route). */
export interface SessionJob extends JobBase {
  kind: 'session';
  auth: 'cookie' | 'bearer';
  salt: string;
  /** Accounts whose session token (fixtures.ts sessionToken) the requests carry. */
  accounts: number[];
}

/** GET /v1/me signed with RFC 9421 by access keys: 10 signatures per key made before the run, used in turn. */
export interface SignedJob extends JobBase {
  kind: 'signed';
  publicUrl: string;
  salt: string;
  /** Accounts whose access key (fixtures.ts accessKeyId / accessKeySecret) signs. */
  accounts: number[];
}

/** POST /v1/auth/login/verify on challenges prepared in the database beforehand. */
export interface VerifyJob extends JobBase {
  kind: 'verify';
  salt: string;
  /** Challenges in the order they are used: account number and round (fixtures.ts challengeToken). */
  challenges: { n: number; round: number }[];
}

/** The whole 2FA sign-in: POST /v1/auth/login, then POST /v1/auth/login/verify with the code. */
export interface SignInJob extends JobBase {
  kind: 'signin';
  salt: string;
  password: string;
  /** Accounts with TOTP, used round-robin; each spends at most one time step per sign-in. */
  accounts: number[];
}

/** POST /v1/auth/passkey with assertions made before the run (bench/passkeys.ts), each used once. */
export interface PasskeyJob extends JobBase {
  kind: 'passkey';
  /** The request bodies, {response, client:"app"}, in the order they are sent. */
  bodies: string[];
}

export type Job = SessionJob | SignedJob | VerifyJob | SignInJob | PasskeyJob;

export interface LoadResult {
  label: string;
  /** Measured seconds (wall clock of the measured run). */
  seconds: number;
  /** Responses by status code (measured run). */
  statuses: Record<string, number>;
  /** Socket errors and timeouts (measured run). */
  errors: number;
  timeouts: number;
  /** The successes per second: 2xx responses, or completed sign-ins for a sign-in job. */
  rate: number;
  successes: number;
  /** Latency of the successes in milliseconds (a sign-in: from the login request to the verify answer). */
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Every answer of the whole run, warm-up included (to divide the server's CPU time by). */
  responses: number;
  /** Server CPU time (user + system) per answer over the whole run, in µs; filled in by bench/loadgen.ts. */
  cpuUsPerResponse?: number;
  /** Anything odd the load generator noticed (non-2xx bodies, exhausted pools). */
  notes: string[];
}
