// One phase of the full run: seed the accounts, start a fresh server, check it, then measure every
// figure between two runs of its ceiling (the bare route, or argon2id for the sign-in).
import { databaseFor } from './databases.js';
import { BENCH_PASSWORD } from './fixtures.js';
import type { LoadResult } from './jobs.js';
import { load, type JobInput } from './loadgen.js';
import {
  BARE_S,
  CEILING_S,
  CONNECTIONS,
  DURATION,
  keyring,
  log,
  PASSKEY_CAP_PER_S,
  POSTGRES,
  salt,
  SIGNIN_USERS,
  THREADPOOL,
  WARMUP,
} from './options.js';
import { preparePasskeySignIns } from './passkeys.js';
import { prepareChallenges, sanity, type Phase } from './pools.js';
import { ask, stop } from './processes.js';
import { rssMiB, startTwofold, type ServerHandle } from './servers.js';
import { seed, type SeedReport } from './seed.js';

export interface Ceiling {
  rate: number;
  /** CPU time (user + system, all threads) of the ceiling process per verify, in µs. */
  cpuUsPerVerify: number;
  verifies: number;
  seconds: number;
  p50: number;
  p99: number;
  threadpool: string;
}

function ceiling(passwordHash: string): Promise<Ceiling> {
  log(
    `measuring: argon2id ceiling (${SIGNIN_USERS} concurrent verifies, UV_THREADPOOL_SIZE ${THREADPOOL}, 1 s warm-up + ${CEILING_S} s)`,
  );
  // Same environment as the server as far as the thread pool goes: UV_THREADPOOL_SIZE passes to both.
  return ask<Ceiling>(
    'argon2-ceiling.ts',
    { hash: passwordHash, password: BENCH_PASSWORD, concurrency: SIGNIN_USERS, warmup: 1, duration: CEILING_S },
    (1 + CEILING_S) * 1000 + 60_000,
  );
}

/** A figure with the ceiling measured right before and right after it (A-B-A): drift cancels. */
export interface Paired {
  figure: LoadResult;
  /** The mean rate of the ceiling runs around it. */
  ceiling: number;
  ratio: number;
}

export interface PhaseResult {
  accounts: number;
  seed: SeedReport;
  /** VmRSS once started and seeded, and VmHWM at the end of the phase (MiB). */
  idleRssMiB: number;
  peakRssMiB: number;
  /** VmHWM after each figure, in the order measured (MiB). */
  peakRssAfterMiB: Record<string, number>;
  bareRuns: LoadResult[];
  ceilingRuns: Ceiling[];
  cookie: Paired;
  bearer: Paired;
  signed: Paired;
  signin: Paired;
  /** Passkey sign-in (small phase only), beside the TOTP one. */
  passkey?: LoadResult;
  verify?: LoadResult;
}

/** POST /v1/auth/passkey alone, on assertions made before the run (bench/passkeys.ts). */
export async function passkeyFigure(server: ServerHandle, phase: Phase, label: string): Promise<LoadResult> {
  const count = PASSKEY_CAP_PER_S * (WARMUP + DURATION);
  log(`passkey: registering 200 passkeys, then ${count} sign-in options answered, before the run`);
  const t = { origin: server.origin, publicUrl: server.publicUrl, salt };
  const bodies = await preparePasskeySignIns(t, phase.sessions.slice(0, 200), count);
  const job: JobInput = {
    origin: server.origin,
    connections: CONNECTIONS,
    kind: 'passkey',
    label,
    bodies,
    maxRequests: count,
  };
  return load(job, server.child.pid);
}

/** One short run of the ceiling: the bare route, with the session check's connections and cookie. */
export function loadBare(bare: ServerHandle, phase: Phase): Promise<LoadResult> {
  const job: JobInput = {
    kind: 'session',
    label: 'bare route',
    origin: bare.origin,
    connections: CONNECTIONS,
    auth: 'cookie',
    salt,
    accounts: phase.sessions,
    warmup: 0.5,
    duration: BARE_S,
  };
  return load(job, bare.child.pid);
}
export async function runPhase(phase: Phase, passwordHash: string, bare: ServerHandle): Promise<PhaseResult> {
  const databaseUrl = await databaseFor(phase.label);
  log(`seeding ${phase.plan.accounts.toLocaleString('en')} accounts into ${POSTGRES ? 'PostgreSQL' : 'SQLite'}`);
  const seeded = await seed({
    databaseUrl,
    salt,
    plan: phase.plan,
    pools: phase.pools,
    keyring,
    passwordHash,
    now: Date.now(),
  });
  log(`seeded in ${(seeded.ms / 1000).toFixed(1)} s: ${JSON.stringify(seeded)}`);
  const server = await startTwofold(databaseUrl);
  const n = phase.plan.accounts;
  try {
    await sanity(server, phase);
    const idle = rssMiB(server.child.pid, 'VmRSS');
    const hwm: Record<string, number> = {};
    // Unmeasured: compiles the hot paths and brings the session pages in, so that the first
    // figure of the phase does not pay for it.
    await load({
      kind: 'session',
      label: 'server warm-up (not measured)',
      origin: server.origin,
      connections: CONNECTIONS,
      auth: 'cookie',
      salt,
      accounts: phase.sessions,
      warmup: 0,
      duration: 2,
    });
    const bareRuns: LoadResult[] = [];
    const bareRun = async () => {
      const r = await loadBare(bare, phase);
      bareRuns.push(r);
      return r.rate;
    };
    // B F B F B F B: every figure sits between two runs of the bare route.
    let before = await bareRun();
    const pairedWithBare = async (job: JobInput): Promise<Paired> => {
      const figure = await load(job, server.child.pid);
      hwm[job.label] = rssMiB(server.child.pid, 'VmHWM');
      const after = await bareRun();
      const c = (before + after) / 2;
      before = after;
      return { figure, ceiling: c, ratio: figure.rate / c };
    };
    const common = { origin: server.origin, connections: CONNECTIONS, salt };
    const cookie = await pairedWithBare({
      ...common,
      kind: 'session',
      label: `session check, cookie (${n} accounts)`,
      auth: 'cookie',
      accounts: phase.sessions,
    });
    const bearer = await pairedWithBare({
      ...common,
      kind: 'session',
      label: `session check, bearer (${n} accounts)`,
      auth: 'bearer',
      accounts: phase.sessions,
    });
    const signed = await pairedWithBare({
      ...common,
      kind: 'signed',
      label: `signed request (${n} accounts)`,
      publicUrl: server.publicUrl,
      accounts: phase.keys,
    });
    // C S C: the sign-in between two runs of the argon2id ceiling.
    const c0 = await ceiling(passwordHash);
    const signinFigure = await load(
      {
        ...common,
        kind: 'signin',
        label: `2FA sign-in (${n} accounts)`,
        connections: SIGNIN_USERS,
        password: BENCH_PASSWORD,
        accounts: phase.signIn,
      },
      server.child.pid,
    );
    const c1 = await ceiling(passwordHash);
    hwm[signinFigure.label] = rssMiB(server.child.pid, 'VmHWM');
    const signin: Paired = {
      figure: signinFigure,
      ceiling: (c0.rate + c1.rate) / 2,
      ratio: signinFigure.rate / ((c0.rate + c1.rate) / 2),
    };
    let passkey: LoadResult | undefined;
    if (phase.label === 'small') {
      passkey = await passkeyFigure(server, phase, `passkey sign-in (${n} accounts, 200 passkeys)`);
      hwm[passkey.label] = rssMiB(server.child.pid, 'VmHWM');
    }
    let verify: LoadResult | undefined;
    if (phase.verify.length) {
      const challenges = await prepareChallenges(databaseUrl, phase.verify);
      verify = await load(
        {
          ...common,
          kind: 'verify',
          label: `TOTP verify step alone (${n} accounts)`,
          challenges,
          maxRequests: challenges.length,
        },
        server.child.pid,
      );
    }
    if (verify) hwm[verify.label] = rssMiB(server.child.pid, 'VmHWM');
    const peak = rssMiB(server.child.pid, 'VmHWM');
    return {
      accounts: n,
      seed: seeded,
      idleRssMiB: idle,
      peakRssMiB: peak,
      peakRssAfterMiB: hwm,
      bareRuns,
      ceilingRuns: [c0, c1],
      cookie,
      bearer,
      signed,
      signin,
      ...(passkey ? { passkey } : {}),
      ...(verify ? { verify } : {}),
    };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- server output (last lines) ---\n${server.output().slice(-4000)}`);
  } finally {
    await stop(server.child);
  }
}
