// The load generator: one process per figure, started by bench/loadgen.ts, which sends it one Job over
// IPC and gets one LoadResult back. autocannon does the HTTP; everything per request is computed
// here, in this process, so that its cost is charged to the load generator and not the server.
//
// Every request carries its own X-Forwarded-For address (the server is started with
// TWOFOLD_TRUST_PROXY=127.0.0.1): the load emulates many clients, as it arrives from a load
// balancer, instead of one address that the per-address limits would throttle.
import autocannon, { type Request } from 'autocannon';
import { signRequest } from '../src/client/signer.js';
import { timeStep, totpAt } from '../src/core/totp.js';
import { accessKeyId, accessKeySecret, challengeToken, email, sessionToken, totpSecret } from './fixtures.js';
import type { Job, LoadResult } from './jobs.js';

const STEP_MS = 30_000;

let addressCounter = 0;
/** The next address of 100.64.0.0/10 (the counter starts where the job says). */
function nextAddress(): string {
  const i = addressCounter++ & 0x3fffff;
  return `100.${64 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** The RFC 6238 step an account may use next: after its last one, within ±1 of now (RFC 6238 §5.2). */
class StepBook {
  private readonly last = new Map<number, number>();
  /** The step to send a code for now, or null when the account has used every acceptable step. */
  take(n: number, nowMs: number): number | null {
    const cur = timeStep(nowMs);
    // The current step or the next one: both stay acceptable if the clock ticks into the next
    // step before the server looks (the previous one would not).
    const step = Math.max((this.last.get(n) ?? -1) + 1, cur);
    if (step > cur + 1) return null;
    this.last.set(n, step);
    return step;
  }
  usable(n: number, nowMs: number): boolean {
    return (this.last.get(n) ?? -1) < timeStep(nowMs) + 1;
  }
}

interface Ctx {
  t0?: number;
  challenge?: string;
  n?: number;
}

interface Plan {
  requests: Request<Ctx>[];
  /** Latencies of successes in ms; by default autocannon's per-response time of 2xx answers. */
  custom?: { samples: Sample[] };
  notes: string[];
}

const USER_AGENT = 'twofold-bench/1 (autocannon)';

/** GET /v1/me, each request with the next header set of `sets` and its own client address. */
function rotatingMe(notes: string[], sets: readonly Record<string, string>[]): Plan {
  let i = 0;
  return {
    notes,
    requests: [
      {
        method: 'GET',
        path: '/v1/me',
        headers: { 'user-agent': USER_AGENT },
        setupRequest: (req) => {
          Object.assign(req.headers, { 'x-forwarded-for': nextAddress() }, sets[i++ % sets.length]);
          return req;
        },
      },
    ],
  };
}

function plan(job: Job): Plan {
  const base = { 'user-agent': USER_AGENT };
  const notes: string[] = [];
  const xff = (h: Record<string, string>) => {
    h['x-forwarded-for'] = nextAddress();
    return h;
  };
  switch (job.kind) {
    case 'session': {
      const values = job.accounts.map((n) =>
        job.auth === 'cookie' ? `twofold_session=${sessionToken(job.salt, n)}` : `Bearer ${sessionToken(job.salt, n)}`,
      );
      const header = job.auth === 'cookie' ? 'cookie' : 'authorization';
      return rotatingMe(
        notes,
        values.map((v) => ({ [header]: v })),
      );
    }
    case 'signed': {
      const keys = job.accounts.map((n) => ({
        keyId: accessKeyId(job.salt, n),
        secretBase64: accessKeySecret(job.salt, n).toString('base64'),
      }));
      const url = `${job.publicUrl}/v1/me`;
      // Signed before the run, 10 different signatures (own nonce) per key, used in turn: each
      // client signs on its own machine, while here the load generator shares the server's two
      // cores, and signing in it (~40 µs of JavaScript a request) made autocannon, not the
      // server, the bottleneck. A GET signature stays valid for the 5-minute skew, far longer
      // than a figure runs, and the server verifies each one in full on every request.
      const signed = Array.from({ length: 10 }, () =>
        keys.map((key) =>
          signRequest({ method: 'GET', url, keyId: key.keyId, secretBase64: key.secretBase64, scheme: 'rfc9421' }),
        ),
      ).flat();
      return rotatingMe(notes, signed);
    }
    case 'verify': {
      const book = new StepBook();
      const secrets = new Map<number, Buffer>();
      let i = 0;
      let exhausted = 0;
      return {
        notes,
        requests: [
          {
            method: 'POST',
            path: '/v1/auth/login/verify',
            headers: { ...base, 'content-type': 'application/json' },
            setupRequest: (req) => {
              const c = job.challenges[i++ % job.challenges.length]!;
              if (i > job.challenges.length && exhausted++ === 0)
                notes.push('verify: the prepared challenges ran out (requests past them fail)');
              const now = Date.now();
              const step = book.take(c.n, now) ?? timeStep(now);
              let secret = secrets.get(c.n);
              if (!secret) secrets.set(c.n, (secret = totpSecret(job.salt, c.n)));
              xff(req.headers);
              req.body = JSON.stringify({
                challenge: challengeToken(job.salt, c.n, c.round),
                code: totpAt(secret, step * STEP_MS),
              });
              return req;
            },
          },
        ],
      };
    }
    case 'passkey': {
      // Each body once: bench/phase.ts caps the run at their number (maxRequests).
      let i = 0;
      const headers = { ...base, 'content-type': 'application/json' };
      const send: Request<Ctx>['setupRequest'] = (req) =>
        Object.assign(req, { body: job.bodies[i++ % job.bodies.length]!, headers: xff(req.headers) });
      return { notes, requests: [{ method: 'POST', path: '/v1/auth/passkey', headers, setupRequest: send }] };
    }
    case 'signin': {
      const book = new StepBook();
      const samples: Sample[] = [];
      let next = 0;
      let starved = 0;
      const pick = (): number => {
        const now = Date.now();
        for (let tries = 0; tries < job.accounts.length; tries++) {
          const n = job.accounts[next++ % job.accounts.length]!;
          if (book.usable(n, now)) return n;
        }
        if (starved++ === 0) notes.push('sign-in: every account had used its acceptable time steps (pool too small)');
        return job.accounts[next++ % job.accounts.length]!;
      };
      return {
        notes,
        custom: { samples },
        requests: [
          {
            method: 'POST',
            path: '/v1/auth/login',
            headers: { ...base, 'content-type': 'application/json' },
            setupRequest: (req, ctx) => {
              const n = pick();
              ctx.n = n;
              ctx.t0 = performance.now();
              xff(req.headers);
              req.body = JSON.stringify({ email: email(job.salt, n), password: job.password, client: 'app' });
              return req;
            },
            onResponse: (status, body, ctx) => {
              if (status !== 200) return;
              const parsed = JSON.parse(body) as { status?: string; challenge?: string };
              if (parsed.status === 'mfa_required' && typeof parsed.challenge === 'string')
                ctx.challenge = parsed.challenge;
            },
          },
          {
            method: 'POST',
            path: '/v1/auth/login/verify',
            headers: { ...base, 'content-type': 'application/json' },
            setupRequest: (req, ctx) => {
              // No challenge (the login was refused): start the sequence again with a new login.
              if (ctx.challenge === undefined || ctx.n === undefined) return null;
              const now = Date.now();
              const step = book.take(ctx.n, now) ?? timeStep(now);
              xff(req.headers);
              req.body = JSON.stringify({
                challenge: ctx.challenge,
                code: totpAt(totpSecret(job.salt, ctx.n), step * STEP_MS),
              });
              return req;
            },
            onResponse: (status, _body, ctx) => {
              if (status === 200 && ctx.t0 !== undefined) {
                const at = performance.now();
                samples.push({ at, ms: at - ctx.t0 });
              }
            },
          },
        ],
      };
    }
  }
}

interface Sample {
  /** performance.now() when the answer (a sign-in: its verify answer) arrived. */
  at: number;
  ms: number;
}

/**
 * One autocannon run of warm-up + measured seconds. Only what completes inside the measured window
 * counts: no ramp-up at the start and no requests cut off at the end bias the rate.
 */
function runOnce(job: Job, p: Plan): Promise<Omit<LoadResult, 'label' | 'notes'>> {
  return new Promise((resolve, reject) => {
    const all: Sample[] = [];
    const statuses: Record<string, number> = {};
    let responses = 0;
    const started = performance.now();
    const from = started + job.warmup * 1000;
    let last = from;
    const instance = autocannon<Ctx>(
      {
        url: job.origin,
        connections: job.connections,
        duration: job.warmup + job.duration,
        timeout: 30,
        requests: p.requests,
        ...(job.maxRequests !== undefined ? { maxOverallRequests: Math.max(job.maxRequests, job.connections) } : {}),
      },
      (err, result) => {
        if (err) return reject(err);
        const to = Math.min(from + job.duration * 1000, Math.max(last, from + 1));
        const samples = (p.custom ? p.custom.samples : all).filter((x) => x.at >= from && x.at <= to);
        const sorted = Float64Array.from(samples.map((x) => x.ms)).sort();
        const seconds = (to - from) / 1000;
        resolve({
          seconds,
          statuses,
          errors: result.errors,
          timeouts: result.timeouts,
          rate: samples.length / seconds,
          successes: samples.length,
          responses,
          p50: percentile(sorted, 50),
          p90: percentile(sorted, 90),
          p99: percentile(sorted, 99),
          max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      const at = performance.now();
      last = at;
      responses++;
      if (at < from || at > from + job.duration * 1000) return;
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300) all.push({ at, ms: responseTime });
    });
  });
}

async function main(job: Job): Promise<LoadResult> {
  addressCounter = job.addressStart;
  const p = plan(job);
  const run = await runOnce(job, p);
  const non2xx = Object.entries(run.statuses).filter(([code]) => !code.startsWith('2'));
  if (non2xx.length > 0)
    p.notes.push(`${job.label}: non-2xx answers ${non2xx.map(([c, n]) => `${c}×${n}`).join(', ')}`);
  return { label: job.label, ...run, notes: p.notes };
}

// One process serves the bench's jobs one after the other (autocannon's own process: the server
// and the bench never share its event loop), answering each by its id.
process.once('disconnect', () => process.exit(0));
process.on('message', (m: { id: number; job: Job }) => {
  main(m.job).then(
    (result) => process.send?.({ id: m.id, ok: true, result }),
    (err: unknown) =>
      process.send?.({ id: m.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
  );
});
