// `npm run bench` = `node --import tsx bench/run.ts [--postgres] [--quick] [--no-build]
//                                                  [--only=LIST | --profile=LIST]`
//
// Measures Twofold side by side with a bare Fastify 5 JSON route, in one run on one machine, and
// prints one table (also written to bench/results/latest.json). See issue 9 for the figures and
// the targets. Every figure is a ratio to a ceiling measured in the same run, right before and
// right after it (A-B-A), because absolute figures drift between runs and machines, and on a
// shared 2-core machine from one minute to the next. Beside each ratio, the server's own CPU time
// per answer (/proc/<pid>/stat), which moves much less with the machine's load.
//
// Processes (all children of this one; all stopped on exit, on SIGINT/SIGTERM/SIGHUP, on errors
// and past a 9-minute deadline; the servers also stop when this process dies, see lifeline.mjs):
// - the ceiling: a bare Fastify 5 JSON route, bench/bare-server.ts;
// - the production server: `node bin/twofold.js serve` from dist/ (rebuilt first when a source
//   file is newer), NODE_ENV=production, LOG_LEVEL=warn, on SQLite, or with --postgres on
//   PostgreSQL (a private schema, dropped afterwards) and Redis (DB 15; this run's keys deleted
//   afterwards), with TWOFOLD_TRUST_PROXY=127.0.0.1 so that each request's X-Forwarded-For names
//   its client: the load emulates many clients behind a load balancer;
// - the load generator, bench/load.ts (autocannon), one process for all figures;
// - the argon2id ceiling, bench/argon2-ceiling.ts, a process per measurement.
// Phase 1 seeds 1,000 accounts, phase 2 1,000,000 (--quick: 100,000, and 3-second figures), in
// bulk straight into the database (bench/seed.ts), each phase with a fresh server. Loopback only;
// every run is bounded in time and in requests.
//
// --only=LIST measures instead each figure named (cookie, bearer, signed, signin, verify, passkey)
// on a fresh 1,000-account server (verify: 200,000), with its bare-route ratio, CPU per answer and peak
// RSS. --profile=LIST does the same under --cpu-prof and summarises each profile
// (bench/results/profiles/<figure>.cpuprofile, .txt and .folded; open the .cpuprofile in Chrome
// DevTools or speedscope for the flame graph). The server's environment takes UV_THREADPOOL_SIZE,
// MALLOC_ARENA_MAX, MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_ and BENCH_SERVER_NODE_OPTIONS
// (as NODE_OPTIONS) from the bench's, to try settings without changing code.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import pg from 'pg';
import { Argon2Hasher, DEFAULT_ARGON2_PARAMS } from '../src/adapters/argon2-hasher.js';
import { parseKeyring } from '../src/core/envelope.js';
import { timeStep, totpAt } from '../src/core/totp.js';
import {
  accessKeyId,
  accessKeySecret,
  BENCH_PASSWORD,
  challengeToken,
  email,
  planFor,
  sessionToken,
  spread,
  totpSecret,
  type SeedPlan,
} from './fixtures.js';
import { signRequest } from '../src/client/signer.js';
import type { Job, LoadResult } from './jobs.js';
import { summariseProfile } from './profile.js';
import { preparePasskeySignIns } from './passkeys.js';
import { insertChallenges, seed, type Pools, type SeedReport } from './seed.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RESULTS = join(ROOT, 'bench', 'results');
const args = new Set(process.argv.slice(2));
const POSTGRES = args.has('--postgres');
const QUICK = args.has('--quick');
const BUILD = !args.has('--no-build');
const listArg = (name: string) =>
  [...args]
    .find((a) => a.startsWith(`${name}=`))
    ?.slice(name.length + 1)
    .split(',')
    .filter(Boolean) ?? null;
const PROFILE = listArg('--profile');
const ONLY = PROFILE ?? listArg('--only');
const FIGURES = ['cookie', 'bearer', 'signed', 'signin', 'verify', 'passkey'];
for (const a of args) {
  const known =
    ['--postgres', '--quick', '--no-build'].includes(a) || a.startsWith('--profile=') || a.startsWith('--only=');
  if (!known || (ONLY && ONLY.some((f) => !FIGURES.includes(f)))) {
    process.stderr.write(
      `bench: bad option ${a}\nusage: node --import tsx bench/run.ts [--postgres] [--quick] [--no-build] [--only=LIST | --profile=LIST]  (LIST of ${FIGURES.join(',')})\n`,
    );
    process.exit(2);
  }
}

const WARMUP = QUICK ? 1 : 2;
const DURATION = QUICK ? 3 : 8;
const SMALL = 1_000;
const LARGE = QUICK ? 100_000 : 1_000_000;
const CONNECTIONS = 50;
const SIGNIN_USERS = 16;
/** The verify-only figure's request cap per measured second (above the 5,000/s target). */
const VERIFY_CAP_PER_S = 9_000;
/** The passkey figure's prepared assertions per second of its run (the run stops when they are spent). */
const PASSKEY_CAP_PER_S = 1_000;
/** The whole bench stops (and cleans up) past this, whatever happens. */
const DEADLINE_MS = 9 * 60_000;
const BASE_PG = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const BASE_REDIS = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';

const salt = randomBytes(4).toString('hex');
const tmp = mkdtempSync(join(os.tmpdir(), `twofold-bench-${salt}-`));
const keyringSpec = `bench:${randomBytes(32).toString('base64')}`;
const keyring = parseKeyring(keyringSpec);
const startedAt = new Date();
const t0 = performance.now();

// ---------------------------------------------------------------------------------------------
// Children and clean-up

const children = new Set<ChildProcess>();
const pgSchemas: string[] = [];
let cleaning: Promise<void> | null = null;

function log(msg: string): void {
  const s = ((performance.now() - t0) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[bench ${s}s] ${msg}\n`);
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((res) => {
    const timer = setTimeout(() => res(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      res(true);
    });
  });
}

async function stop(child: ChildProcess, graceMs = 12_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (!(await exited(child, graceMs))) {
    child.kill('SIGKILL');
    await exited(child, 2_000);
  }
}

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...children].map((c) => stop(c, 5_000)));
    if (pgSchemas.length) {
      const client = new pg.Client({ connectionString: BASE_PG });
      try {
        await client.connect();
        for (const s of pgSchemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      } catch (e) {
        log(`could not drop PostgreSQL schemas ${pgSchemas.join(', ')}: ${(e as Error).message}`);
      } finally {
        await client.end().catch(() => {});
      }
    }
    if (POSTGRES) await cleanRedis().catch((e: unknown) => log(`could not clean Redis: ${(e as Error).message}`));
    rmSync(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

/** Deletes what this run left in Redis: keys that name its accounts (their emails carry the salt). */
async function cleanRedis(): Promise<void> {
  const redis = new Redis(BASE_REDIS, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    let deleted = 0;
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `twofold:*${salt}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    if (deleted) log(`Redis: deleted ${deleted} keys of this run`);
  } finally {
    redis.disconnect();
  }
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping every child process`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.once('uncaughtException', (err) => {
  log(`error: ${err.stack ?? err.message}`);
  void cleanup().finally(() => process.exit(1));
});
const deadline = setTimeout(() => {
  log(`deadline of ${DEADLINE_MS / 60_000} minutes passed: stopping`);
  void cleanup().finally(() => process.exit(1));
}, DEADLINE_MS);
deadline.unref();

// ---------------------------------------------------------------------------------------------
// Helpers

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

function sh(cmd: string, argv: string[]): Promise<{ code: number; output: string }> {
  return new Promise((res) => {
    const child = track(spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }));
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    child.once('exit', (code) => res({ code: code ?? 1, output }));
  });
}

/** Runs a TypeScript child (through tsx) that takes one message, answers one and exits. */
function ask<T>(script: string, message: unknown, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<T> {
  return new Promise((res, rej) => {
    const child = track(
      spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', script)], {
        cwd: ROOT,
        env,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`${script} took longer than ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.once('message', (m: { ok: boolean; result?: T; error?: string }) => {
      clearTimeout(timer);
      if (m.ok) res(m.result as T);
      else rej(new Error(`${script}: ${m.error}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`${script} exited (${code}) without an answer`));
    });
    child.send(message as object);
  });
}

/** A job as written here: the addresses and the durations are filled in. */
type JobInput = Job extends infer J
  ? J extends Job
    ? Omit<J, 'addressStart' | 'warmup' | 'duration'> & Partial<Pick<J, 'warmup' | 'duration'>>
    : never
  : never;

/** The load generator: one long-lived process (bench/load.ts) that runs the jobs one by one. */
class LoadGenerator {
  private child: ChildProcess | null = null;
  private seq = 0;
  private jobs = 0;

  private start(): ChildProcess {
    const child = track(
      spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'load.ts')], {
        cwd: ROOT,
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      }),
    );
    child.once('exit', () => {
      if (this.child === child) this.child = null;
    });
    return child;
  }

  run(input: JobInput): Promise<LoadResult> {
    const job = { warmup: WARMUP, duration: DURATION, ...input, addressStart: (this.jobs++ * 262_144) % 4_194_304 };
    log(`measuring: ${job.label} (${job.connections} connections, ${job.warmup} s warm-up + ${job.duration} s)`);
    const child = (this.child ??= this.start());
    const id = ++this.seq;
    return new Promise((res, rej) => {
      const timer = setTimeout(
        () => {
          child.kill('SIGKILL');
          rej(new Error(`load generator: "${job.label}" took longer than expected`));
        },
        (job.warmup + job.duration) * 1000 + 90_000,
      );
      const onMessage = (m: { id: number; ok: boolean; result?: LoadResult; error?: string }) => {
        if (m.id !== id) return;
        done();
        if (m.ok) res(m.result!);
        else rej(new Error(`load generator: ${m.error}`));
      };
      const onExit = (code: number | null) => {
        done();
        rej(new Error(`load generator exited (${code}) during "${job.label}"`));
      };
      const done = () => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, job });
    });
  }
}

const loadgen = new LoadGenerator();

/** CPU time (user + system) a process has used so far, in µs (/proc/<pid>/stat, clock ticks of 10 ms). */
function cpuUs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10_000;
  } catch {
    return Number.NaN;
  }
}

/**
 * Runs a job and charges the server's CPU time to it: on a shared machine the CPU time an answer
 * costs the server moves much less than the answers per second do.
 */
async function load(job: JobInput, serverPid?: number): Promise<LoadResult> {
  const before = cpuUs(serverPid);
  const r = await loadgen.run(job);
  const used = cpuUs(serverPid) - before;
  return { ...r, cpuUsPerResponse: used / Math.max(1, r.responses) };
}

interface ServerHandle {
  child: ChildProcess;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  origin: string;
  publicUrl: string;
  output: () => string;
}

async function waitReady(url: string, child: ChildProcess, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) while starting`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} not ready after ${ms / 1000} s`);
}

async function startBare(): Promise<ServerHandle> {
  const port = await freePort();
  const child = track(
    spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'bare-server.ts')], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    }),
  );
  const origin = `http://127.0.0.1:${port}`;
  await waitReady(`${origin}/v1/me`, child, 30_000);
  return { child, spawnedAt: 0, origin, publicUrl: origin, output: () => '' };
}

function pick(env: NodeJS.ProcessEnv, names: string[]): Record<string, string> {
  return Object.fromEntries(names.flatMap((n) => (env[n] ? [[n, env[n]]] : [])));
}

async function startTwofold(databaseUrl: string, cpuProfile?: { dir: string; name: string }): Promise<ServerHandle> {
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  // The sockets go to 127.0.0.1, the public URL names localhost: passkeys refuse an IP address.
  const publicUrl = `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: tmp,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    HOST: '127.0.0.1',
    TWOFOLD_PUBLIC_URL: publicUrl,
    TWOFOLD_DATA_DIR: tmp,
    TWOFOLD_DATABASE_URL: databaseUrl,
    TWOFOLD_SECRET_KEYS: keyringSpec,
    TWOFOLD_TRUST_PROXY: '127.0.0.1',
    ...(POSTGRES ? { TWOFOLD_REDIS_URL: BASE_REDIS } : {}),
    // Tuning knobs to try without code changes: the thread pool (argon2id runs on it), the
    // allocator, and Node flags for the server only (BENCH_SERVER_NODE_OPTIONS).
    ...pick(process.env, [
      'UV_THREADPOOL_SIZE',
      'MALLOC_ARENA_MAX',
      'MALLOC_MMAP_THRESHOLD_',
      'MALLOC_TRIM_THRESHOLD_',
    ]),
    ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
  };
  const nodeArgs = ['--import', pathToFileURL(join(ROOT, 'bench', 'lifeline.mjs')).href];
  if (cpuProfile) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${cpuProfile.dir}`, `--cpu-prof-name=${cpuProfile.name}`);
  // cwd is the private temporary folder: no stray .env or ./data of the checkout is read.
  const spawnedAt = performance.now();
  const child = track(
    spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'twofold.js'), 'serve'], {
      cwd: tmp,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    }),
  );
  let output = '';
  const keep = (d: Buffer) => (output = (output + d.toString()).slice(-20_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  try {
    await waitReady(`${origin}/readyz`, child, 60_000);
  } catch (e) {
    await stop(child);
    throw new Error(`${(e as Error).message}\n--- server output ---\n${output}`);
  }
  return { child, spawnedAt, origin, publicUrl, output: () => output };
}

const runSecond = Math.floor(Date.now() / 1000);
/** What a run killed by SIGKILL could not clean: older than the deadline, it is nobody's. */
const STALE_MS = DEADLINE_MS + 5 * 60_000;

async function sweepStale(): Promise<void> {
  for (const e of readdirSync(os.tmpdir(), { withFileTypes: true })) {
    const path = join(os.tmpdir(), e.name);
    if (
      e.isDirectory() &&
      e.name.startsWith('twofold-bench-') &&
      path !== tmp &&
      Date.now() - statSync(path).mtimeMs > STALE_MS
    ) {
      rmSync(path, { recursive: true, force: true });
      log(`removed ${path}, left by an earlier run`);
    }
  }
  if (!POSTGRES) return;
  const client = new pg.Client({ connectionString: BASE_PG });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT nspname AS name FROM pg_namespace WHERE nspname ~ '^bench_[0-9]+_[0-9a-f]+_'",
    );
    for (const { name } of rows) {
      if (runSecond - Number(name.split('_')[1]) > STALE_MS / 1000) {
        await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
        log(`dropped schema ${name}, left by an earlier run`);
      }
    }
  } finally {
    await client.end();
  }
}

async function databaseFor(label: string): Promise<string> {
  if (!POSTGRES) return `sqlite:${join(tmp, `${label}.db`)}`;
  // The creation time in the name lets a later run drop it if this one is killed (sweepStale).
  const schema = `bench_${runSecond}_${salt}_${label}`;
  const client = new pg.Client({ connectionString: BASE_PG });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
    pgSchemas.push(schema);
  } finally {
    await client.end();
  }
  const sep = BASE_PG.includes('?') ? '&' : '?';
  return `${BASE_PG}${sep}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
}

// ---------------------------------------------------------------------------------------------
// Pools and sanity checks

interface Phase {
  label: 'small' | 'large';
  plan: SeedPlan;
  pools: Pools;
  sessions: number[];
  keys: number[];
  signIn: number[];
  verify: number[];
  /** A TOTP account outside every pool, for the sign-in sanity check. */
  probe: number;
}

function phaseFor(label: 'small' | 'large', accounts: number, verifyWanted: number): Phase {
  const plan = planFor(accounts);
  const sessions = spread(accounts, 1, Math.min(1_000, accounts));
  const keys = spread(accounts, plan.keyEvery, 200);
  // TOTP accounts in three slices: sign-in pool, verify-only pool, the probe.
  const eligible = Math.floor((accounts - 1) / plan.totpEvery) + 1;
  const slice = Math.floor(eligible / 3);
  const signIn =
    label === 'small'
      ? spread(accounts - 1, plan.totpEvery, Math.min(1_000, accounts - 1))
      : spread(accounts, plan.totpEvery, Math.min(1_000, slice), 0, 3);
  const verify =
    label === 'small' ? [] : spread(accounts, plan.totpEvery, Math.min(slice, Math.ceil(verifyWanted / 2)), 1, 3);
  const probe =
    label === 'small'
      ? accounts - 1 - ((accounts - 1) % plan.totpEvery)
      : spread(accounts, plan.totpEvery, 1, 2, 3)[0]!;
  return {
    label,
    plan,
    sessions,
    keys,
    signIn,
    verify,
    probe,
    pools: { sessions, totp: [...new Set([...signIn, ...verify, probe])], keys },
  };
}

async function check(what: string, r: Response, status = 200): Promise<unknown> {
  const body = await r.text();
  if (r.status !== status) throw new Error(`sanity check "${what}": ${r.status} ${body.slice(0, 300)}`);
  return body ? JSON.parse(body) : null;
}

/** One request of each kind, before any load: a wrong set-up fails here, with its answer. */
async function sanity(server: ServerHandle, phase: Phase): Promise<void> {
  const url = `${server.origin}/v1/me`;
  const xff = { 'x-forwarded-for': '192.0.2.1' };
  await check(
    'cookie',
    await fetch(url, { headers: { ...xff, cookie: `twofold_session=${sessionToken(salt, phase.sessions[0]!)}` } }),
  );
  await check(
    'bearer',
    await fetch(url, { headers: { ...xff, authorization: `Bearer ${sessionToken(salt, phase.sessions[1]!)}` } }),
  );
  const k = phase.keys[0]!;
  await check(
    'signed',
    await fetch(url, {
      headers: {
        ...xff,
        ...signRequest({
          method: 'GET',
          url: `${server.publicUrl}/v1/me`,
          keyId: accessKeyId(salt, k),
          secretBase64: accessKeySecret(salt, k).toString('base64'),
          scheme: 'rfc9421',
        }),
      },
    }),
  );
  const login = (await check(
    'login',
    await fetch(`${server.origin}/v1/auth/login`, {
      method: 'POST',
      headers: { ...xff, 'content-type': 'application/json' },
      body: JSON.stringify({ email: email(salt, phase.probe), password: BENCH_PASSWORD, client: 'app' }),
    }),
  )) as { status: string; challenge: string };
  if (login.status !== 'mfa_required') throw new Error(`sanity check "login": ${JSON.stringify(login)}`);
  const code = totpAt(totpSecret(salt, phase.probe), timeStep(Date.now()) * 30_000);
  const done = (await check(
    'verify',
    await fetch(`${server.origin}/v1/auth/login/verify`, {
      method: 'POST',
      headers: { ...xff, 'content-type': 'application/json' },
      body: JSON.stringify({ challenge: login.challenge, code }),
    }),
  )) as { status: string; token?: string };
  if (done.status !== 'authenticated' || !done.token) throw new Error(`sanity check "verify": ${JSON.stringify(done)}`);
}

/**
 * Two challenges per account (round 0 for all accounts, then round 1: the same account comes
 * back only after all the others), written to the database just before use (they live 5 min).
 * Each account can pass two codes: the current step, then the next (RFC 6238 §5.2 window).
 */
async function prepareChallenges(databaseUrl: string, accounts: number[]): Promise<{ n: number; round: number }[]> {
  const challenges = [0, 1].flatMap((round) => accounts.map((n) => ({ n, round })));
  await insertChallenges(
    databaseUrl,
    salt,
    challenges.map((c) => ({ n: c.n, token: challengeToken(salt, c.n, c.round) })),
    Date.now(),
  );
  return challenges;
}

// ---------------------------------------------------------------------------------------------
// The run

interface Ceiling {
  rate: number;
  /** CPU time (user + system, all threads) of the ceiling process per verify, in µs. */
  cpuUsPerVerify: number;
  verifies: number;
  seconds: number;
  p50: number;
  p99: number;
  threadpool: string;
}

const THREADPOOL = process.env.UV_THREADPOOL_SIZE ?? '4 (default)';
/** Short runs of the bare route (or of argon2id) just before and just after each figure. */
const BARE_S = QUICK ? 2 : 3;
const CEILING_S = QUICK ? 2 : 4;

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
interface Paired {
  figure: LoadResult;
  /** The mean rate of the ceiling runs around it. */
  ceiling: number;
  ratio: number;
}

interface PhaseResult {
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

function rssMiB(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (pid === undefined) return Number.NaN;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** POST /v1/auth/passkey alone, on assertions made before the run (bench/passkeys.ts). */
async function passkeyFigure(server: ServerHandle, phase: Phase, label: string): Promise<LoadResult> {
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

async function runPhase(phase: Phase, passwordHash: string, bare: ServerHandle): Promise<PhaseResult> {
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
      const r = await load(
        {
          kind: 'session',
          label: `bare route`,
          origin: bare.origin,
          connections: CONNECTIONS,
          auth: 'cookie',
          salt,
          accounts: phase.sessions,
          warmup: 0.5,
          duration: BARE_S,
        },
        bare.child.pid,
      );
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

// ---------------------------------------------------------------------------------------------
// The table

interface Row {
  figure: string;
  value: string;
  latency: string;
  ratio: string;
  /** Server CPU time per answer, and the bare route's over it (what the ratio would be if only the server's CPU counted). */
  cpu: string;
  target: string;
  met: string;
}

const fmtRate = (r: number, unit: string) => `${Math.round(r).toLocaleString('en')} ${unit}`;
const fmtMs = (ms: number) => (Number.isFinite(ms) ? (ms < 10 ? ms.toFixed(2) : ms.toFixed(0)) : '–');
const lat = (r: { p50: number; p99: number }) => `${fmtMs(r.p50)} / ${fmtMs(r.p99)} ms`;
const yes = (ok: boolean) => (ok ? 'yes' : 'NO');

function render(rows: Row[]): string {
  const head: Row = {
    figure: 'Figure',
    value: 'Value',
    latency: 'p50 / p99',
    ratio: 'Ratio',
    cpu: 'Server CPU per answer',
    target: 'Target',
    met: 'Met?',
  };
  const all = [head, ...rows];
  const keys = Object.keys(head) as (keyof Row)[];
  const width = Object.fromEntries(keys.map((k) => [k, Math.max(...all.map((r) => r[k].length))])) as Record<
    keyof Row,
    number
  >;
  const line = (r: Row) => `| ${keys.map((k) => r[k].padEnd(width[k])).join(' | ')} |`;
  const sep = `|${keys.map((k) => '-'.repeat(width[k] + 2)).join('|')}|`;
  return [line(head), sep, ...rows.map(line)].join('\n');
}

function buildRows(small: PhaseResult, large: PhaseResult): { rows: Row[]; met: Record<string, boolean> } {
  const rows: Row[] = [];
  const met: Record<string, boolean> = {};
  const bareCpu = mean(small.bareRuns.map((r) => r.cpuUsPerResponse ?? Number.NaN));
  const us = (x: number | undefined) =>
    x === undefined || !Number.isFinite(x) ? '–' : x >= 10_000 ? `${(x / 1000).toFixed(1)} ms` : `${Math.round(x)} µs`;
  const cpuCol = (x: number | undefined, base = bareCpu) => `${us(x)}${x ? ` (${(base / x).toFixed(2)}× bare)` : ''}`;
  const bareRate = mean(small.bareRuns.map((r) => r.rate));
  const bareLat = { p50: mean(small.bareRuns.map((r) => r.p50)), p99: mean(small.bareRuns.map((r) => r.p99)) };
  rows.push({
    figure: `Bare Fastify 5 JSON route (ceiling), ${CONNECTIONS} conn, mean of ${small.bareRuns.length} runs`,
    value: fmtRate(bareRate, 'req/s'),
    latency: lat(bareLat),
    ratio: '1.00×',
    cpu: us(bareCpu),
    target: '–',
    met: '–',
  });
  for (const [key, min] of [
    ['cookie', 0.4],
    ['bearer', 0.4],
    ['signed', 0.3],
  ] as const) {
    const p = small[key];
    met[key] = p.ratio >= min && p.figure.p99 < 10;
    const name = key === 'signed' ? 'Signed request GET /v1/me (RFC 9421)' : `Session check GET /v1/me, ${key}`;
    rows.push({
      figure: `${name}, ${CONNECTIONS} conn`,
      value: fmtRate(p.figure.rate, 'req/s'),
      latency: lat(p.figure),
      ratio: `${p.ratio.toFixed(2)}× bare`,
      cpu: cpuCol(p.figure.cpuUsPerResponse),
      target: `≥ ${min.toFixed(2)}× bare, p99 < 10 ms`,
      met: yes(met[key]),
    });
  }
  if (large.verify) {
    const v = large.verify;
    met.verify = v.rate >= 5000;
    const bareLarge = mean(large.bareRuns.map((r) => r.rate));
    rows.push({
      figure: `TOTP verify step alone (prepared challenges), ${CONNECTIONS} conn`,
      value: fmtRate(v.rate, 'req/s'),
      latency: lat(v),
      ratio: `${(v.rate / bareLarge).toFixed(2)}× bare`,
      cpu: cpuCol(v.cpuUsPerResponse, mean(large.bareRuns.map((r) => r.cpuUsPerResponse ?? Number.NaN))),
      target: '≥ 5,000 /s',
      met: yes(met.verify),
    });
  }
  const ce = small.ceilingRuns;
  rows.push({
    figure: `argon2id ceiling (m=${DEFAULT_ARGON2_PARAMS.memoryCost},t=${DEFAULT_ARGON2_PARAMS.timeCost},p=${DEFAULT_ARGON2_PARAMS.parallelism}), ${SIGNIN_USERS} concurrent, threadpool ${THREADPOOL}`,
    value: fmtRate(mean(ce.map((c) => c.rate)), 'verifies/s'),
    latency: lat({ p50: mean(ce.map((c) => c.p50)), p99: mean(ce.map((c) => c.p99)) }),
    ratio: '1.00×',
    cpu: `${us(mean(ce.map((c) => c.cpuUsPerVerify)))} per verify`,
    target: '–',
    met: '–',
  });
  const s = small.signin;
  // A sign-in is two answers (login, verify); the share of its server CPU that is the one argon2id verify.
  const signinCpu = (p: PhaseResult) => (p.signin.figure.cpuUsPerResponse ?? Number.NaN) * 2;
  const argonShare = (p: PhaseResult) => mean(p.ceilingRuns.map((c) => c.cpuUsPerVerify)) / signinCpu(p);
  met.signin = s.ratio >= 0.75 && s.figure.p99 < 150;
  rows.push({
    figure: `Full 2FA sign-in (password + TOTP), ${SIGNIN_USERS} users`,
    value: fmtRate(s.figure.rate, 'sign-ins/s'),
    latency: lat(s.figure),
    ratio: `${s.ratio.toFixed(2)}× argon2`,
    cpu: `${us(signinCpu(small))} per sign-in (argon2 ${argonShare(small).toFixed(2)} of it)`,
    target: '≥ 0.75× argon2, p99 < 150 ms',
    met: yes(met.signin),
  });
  if (small.passkey) {
    const p = small.passkey;
    rows.push({
      figure: 'Passkey sign-in (POST /v1/auth/passkey; assertions made before the run), 200 passkeys',
      value: fmtRate(p.rate, 'sign-ins/s'),
      latency: lat(p),
      ratio: `${(p.rate / s.figure.rate).toFixed(1)}× the TOTP sign-in`,
      cpu: `${us(p.cpuUsPerResponse ?? Number.NaN)} per sign-in`,
      target: '–',
      met: '–',
    });
  }
  const peak = Math.max(small.peakRssMiB, large.peakRssMiB);
  met.memory = peak < 150;
  rows.push({
    figure: `Peak RSS of the server (VmHWM; idle after start ${small.idleRssMiB.toFixed(0)} MiB)`,
    value: `${peak.toFixed(0)} MiB`,
    latency: '–',
    ratio: `1k: ${small.peakRssMiB.toFixed(0)}, ${LARGE >= 1e6 ? '1M' : `${LARGE / 1000}k`}: ${large.peakRssMiB.toFixed(0)}`,
    cpu: '–',
    target: '< 150 MB',
    met: yes(met.memory),
  });
  const big = LARGE.toLocaleString('en');
  for (const [key, name] of [
    ['cookie', 'Session check, cookie'],
    ['bearer', 'Session check, bearer'],
    ['signed', 'Signed request'],
    ['signin', '2FA sign-in'],
  ] as const) {
    const a = small[key];
    const b = large[key];
    // Ratio of ratios: each figure against the ceiling measured around it in its own phase (the
    // machine is shared and its speed drifts); the raw ratio of the rates beside it.
    const norm = b.ratio / a.ratio;
    const raw = b.figure.rate / a.figure.rate;
    met[`${key}Large`] = norm >= 0.9;
    rows.push({
      figure: `${name}, ${big} accounts`,
      value: fmtRate(b.figure.rate, key === 'signin' ? 'sign-ins/s' : 'req/s'),
      latency: lat(b.figure),
      ratio: `${norm.toFixed(2)}× 1k (raw ${raw.toFixed(2)})`,
      cpu:
        key === 'signin'
          ? `${us(signinCpu(large))} per sign-in`
          : cpuCol(b.figure.cpuUsPerResponse, mean(large.bareRuns.map((r) => r.cpuUsPerResponse ?? Number.NaN))),
      target: '≥ 0.90× the 1k figure',
      met: yes(met[`${key}Large`]!),
    });
  }
  met.seed = large.seed.ms < 60_000;
  rows.push({
    figure: `Bulk seed of ${big} accounts (${POSTGRES ? 'PostgreSQL' : 'SQLite'})`,
    value: `${(large.seed.ms / 1000).toFixed(1)} s`,
    latency: '–',
    ratio: '–',
    cpu: '–',
    target: 'well under 60 s',
    met: yes(met.seed),
  });
  return { rows, met };
}

// ---------------------------------------------------------------------------------------------

/** Newest modification time of the files under `dir` whose names pass `keep` (0 when none). */
function newest(dir: string, keep: (name: string) => boolean): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && keep(e.name)) t = Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs);
  }
  return t;
}

/**
 * Compiles the server (`tsc -p tsconfig.build.json`, the server half of `npm run build`; the
 * portal's assets are not measured) when a source file is newer than dist/.
 */
async function build(): Promise<string | null> {
  if (!BUILD) return null;
  const src = newest(join(ROOT, 'src'), (n) => n.endsWith('.ts') && !n.endsWith('.test.ts'));
  const dist = existsSync(join(ROOT, 'dist', 'cli', 'main.js'))
    ? newest(join(ROOT, 'dist'), (n) => n.endsWith('.js'))
    : 0;
  if (dist >= src) {
    log('dist/ is newer than every source file: no build needed');
    return null;
  }
  log('compiling the server into dist/ (tsc -p tsconfig.build.json)');
  const r = await sh(process.execPath, [
    join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    'tsconfig.build.json',
  ]);
  if (r.code !== 0) {
    // tsc still emits on type errors; the bench says so instead of measuring silently.
    const note = `tsc -p tsconfig.build.json exited ${r.code}; measuring the dist/ it emitted. First lines:\n${r.output.split('\n').slice(0, 12).join('\n')}`;
    log(note);
    return note;
  }
  return null;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? 'unknown',
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavg: os.loadavg().map((x) => +x.toFixed(2)),
  };
}

async function singleRuns(list: string[], passwordHash: string, cpuProf: boolean): Promise<void> {
  const dir = join(RESULTS, 'profiles');
  mkdirSync(dir, { recursive: true });
  const phase = phaseFor('small', SMALL, 0);
  const bare = await startBare();
  const bareRate = async () =>
    (
      await load(
        {
          kind: 'session',
          label: 'bare route',
          origin: bare.origin,
          connections: CONNECTIONS,
          auth: 'cookie',
          salt,
          accounts: phase.sessions,
          warmup: 0.5,
          duration: BARE_S,
        },
        bare.child.pid,
      )
    ).rate;
  for (const figure of list) {
    const p = figure === 'verify' ? phaseFor('large', 200_000, VERIFY_CAP_PER_S * DURATION) : phase;
    const databaseUrl = await databaseFor(`${p.label}_${figure}`);
    await seed({ databaseUrl, salt, plan: p.plan, pools: p.pools, keyring, passwordHash, now: Date.now() });
    const name = `${figure}.cpuprofile`;
    const server = await startTwofold(databaseUrl, cpuProf ? { dir, name } : undefined);
    let result: LoadResult;
    let peak = Number.NaN;
    const bareBefore = figure === 'signin' || figure === 'verify' ? Number.NaN : await bareRate();
    const loadStart = performance.now();
    let loadEnd = loadStart;
    try {
      const common = { origin: server.origin, connections: CONNECTIONS, salt };
      if (figure === 'cookie' || figure === 'bearer')
        result = await load(
          { ...common, kind: 'session', label: `profile: ${figure}`, auth: figure, accounts: p.sessions },
          server.child.pid,
        );
      else if (figure === 'signed')
        result = await load(
          { ...common, kind: 'signed', label: 'profile: signed', publicUrl: server.publicUrl, accounts: p.keys },
          server.child.pid,
        );
      else if (figure === 'signin')
        result = await load(
          {
            ...common,
            kind: 'signin',
            label: 'profile: signin',
            connections: SIGNIN_USERS,
            password: BENCH_PASSWORD,
            accounts: p.signIn,
          },
          server.child.pid,
        );
      else if (figure === 'passkey') result = await passkeyFigure(server, p, 'profile: passkey');
      else {
        const challenges = await prepareChallenges(databaseUrl, p.verify);
        result = await load(
          { ...common, kind: 'verify', label: 'profile: verify', challenges, maxRequests: challenges.length },
          server.child.pid,
        );
      }
      loadEnd = performance.now();
    } finally {
      peak = rssMiB(server.child.pid, 'VmHWM');
      await stop(server.child);
    }
    const bareAfter = Number.isNaN(bareBefore) ? Number.NaN : await bareRate();
    const ratio = Number.isNaN(bareBefore)
      ? ''
      : ` = ${(result.rate / ((bareBefore + bareAfter) / 2)).toFixed(2)}× bare (${Math.round(bareBefore)}, ${Math.round(bareAfter)})`;
    const head = `== ${figure}: ${Math.round(result.rate)} /s${ratio}, p50 ${fmtMs(result.p50)} ms, p99 ${fmtMs(result.p99)} ms, server CPU ${Math.round(result.cpuUsPerResponse ?? Number.NaN)} µs per answer, peak RSS ${peak.toFixed(0)} MiB${cpuProf ? ' (under --cpu-prof)' : ''}; ${result.notes.join('; ')}`;
    if (!cpuProf) {
      process.stdout.write(`${head}\n`);
      continue;
    }
    const summary = summariseProfile(join(dir, name), ROOT, {
      fromMs: loadStart - server.spawnedAt + WARMUP * 1000,
      toMs: loadEnd - server.spawnedAt,
    });
    writeFileSync(join(dir, `${figure}.txt`), summary);
    process.stdout.write(`\n${head}\n${summary}\n`);
  }
}

async function main(): Promise<void> {
  await sweepStale();
  const buildNote = await build();
  mkdirSync(RESULTS, { recursive: true });
  log(
    `hashing the bench password once (argon2id, m=${DEFAULT_ARGON2_PARAMS.memoryCost}, t=${DEFAULT_ARGON2_PARAMS.timeCost}, p=${DEFAULT_ARGON2_PARAMS.parallelism})`,
  );
  const passwordHash = await new Argon2Hasher().hash(BENCH_PASSWORD);
  if (ONLY) return singleRuns(ONLY, passwordHash, PROFILE !== null);

  const loadAtStart = os.loadavg()[0]!;
  const bare = await startBare();
  const small = await runPhase(phaseFor('small', SMALL, 0), passwordHash, bare);
  const large = await runPhase(phaseFor('large', LARGE, VERIFY_CAP_PER_S * DURATION * 1.2), passwordHash, bare);
  await stop(bare.child);

  const { rows, met } = buildRows(small, large);
  const runs = (p: PhaseResult) => [
    ...p.bareRuns,
    p.cookie.figure,
    p.bearer.figure,
    p.signed.figure,
    p.signin.figure,
    ...(p.passkey ? [p.passkey] : []),
    ...(p.verify ? [p.verify] : []),
  ];
  const notes = [
    ...(buildNote ? [buildNote] : []),
    'Load: autocannon in its own process on the same machine. Each request carries its own X-Forwarded-For address (100.64.0.0/10) and the server trusts 127.0.0.1 as its proxy (TWOFOLD_TRUST_PROXY): this emulates many clients behind a load balancer (from one address the per-address password throttles would refuse the sign-ins).',
    `Ratios: every figure is measured between two short runs of its ceiling (bare route ${BARE_S} s, argon2id ${CEILING_S} s; A-B-A), and divided by their mean, so that the drift of a shared machine cancels. Figures: ${WARMUP} s warm-up + ${DURATION} s measured; only what completes in the measured window counts.`,
    'Session checks rotate over 1,000 sessions spread over the whole database, request by request; signed requests over 200 access keys, 10 RFC 9421 signatures per key made just before the run and used in turn (signing in the load generator would make it, not the server, the bottleneck; the server verifies every one in full); the sign-in uses 1,000 TOTP accounts, each spending at most one 30 s step per sign-in (RFC 6238 §5.2); the passkey sign-in posts assertions made before the run (200 passkeys registered through the routes, one sign-in option per assertion, answered by a software ES256 authenticator; signing belongs to the user’s device); the TOTP verify step uses challenges written to the database beforehand exactly as POST /v1/auth/login writes them, on the large database (it needs tens of thousands of fresh account-steps).',
    `Latencies per response, measured by the load generator (a sign-in: from its login request to its verify answer), at ${CONNECTIONS} connections (sign-in: ${SIGNIN_USERS}).`,
    `Other processes share this ${os.cpus().length}-core machine (load average ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0]!.toFixed(1)} at the end): absolute figures move between runs, the ratios much less.`,
    ...[small, large].flatMap((p) => runs(p).flatMap((r) => r.notes)),
  ];
  const table = render(rows);
  const out = {
    date: startedAt.toISOString(),
    backend: POSTGRES ? 'postgresql+redis' : 'sqlite',
    quick: QUICK,
    machine: machine(),
    durations: { warmupS: WARMUP, measuredS: DURATION, bareS: BARE_S, ceilingS: CEILING_S },
    threadpool: THREADPOOL,
    small,
    large,
    met,
    allMet: Object.values(met).every(Boolean),
    table: rows,
    notes,
    totalSeconds: +((performance.now() - t0) / 1000).toFixed(1),
  };
  writeFileSync(join(RESULTS, 'latest.json'), `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(
    `\nTwofold bench — ${out.backend}, ${startedAt.toISOString()}, ${out.machine.cpus}× ${out.machine.model}, ${out.machine.node}${QUICK ? ', --quick' : ''}\n\n${table}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n\nTotal ${out.totalSeconds} s. Written to bench/results/latest.json.\n`,
  );
}

main()
  .then(() => cleanup())
  .then(() => process.exit(0))
  .catch(async (err: unknown) => {
    if (cleaning) return; // a signal or the deadline is already stopping everything
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanup();
    process.exit(1);
  });
