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
//
// The parts: options.ts (the command line, constants, this run's identity), processes.ts (children
// and clean-up), databases.ts, servers.ts, loadgen.ts, pools.ts (accounts and sanity checks),
// phase.ts (one phase's figures), table.ts, build.ts, single-runs.ts (--only, --profile).
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Argon2Hasher, DEFAULT_ARGON2_PARAMS } from '../src/adapters/argon2-hasher.js';
import { build, machine } from './build.js';
import { sweepStale } from './databases.js';
import { BENCH_PASSWORD } from './fixtures.js';
import {
  BARE_S,
  CEILING_S,
  CONNECTIONS,
  DURATION,
  LARGE,
  log,
  ONLY,
  POSTGRES,
  PROFILE,
  QUICK,
  RESULTS,
  SIGNIN_USERS,
  SMALL,
  startedAt,
  t0,
  THREADPOOL,
  VERIFY_CAP_PER_S,
  WARMUP,
} from './options.js';
import { runPhase, type PhaseResult } from './phase.js';
import { phaseFor } from './pools.js';
import { cleaningStarted, cleanup, guard, stop } from './processes.js';
import { startBare } from './servers.js';
import { singleRuns } from './single-runs.js';
import { buildRows, render } from './table.js';

guard();

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
    if (cleaningStarted()) return; // a signal or the deadline is already stopping everything
    log(`failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    await cleanup();
    process.exit(1);
  });
