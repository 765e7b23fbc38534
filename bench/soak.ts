// Soak: a real `twofold serve` under a steady mixed load for a fixed time, to see errors and
// memory growth that only show over minutes.
//
//   node --import tsx bench/soak.ts [--minutes 10] [--database URL] [--redis URL]
//
// 1. starts the server on a free loopback port (SQLite in a temporary directory unless
//    --database is given; production argon2 parameters) and seeds accounts with TOTP and keys;
// 2. measures capacity for 5 s: closed loop, 16 workers, the same mix (a sign-in there is a
//    password sign-in of an account without a second factor: the same argon2 work);
// 3. runs the mix open-loop at HALF that rate for the given minutes: 50% session checks (bearer),
//    25% signed GETs, 15% signed PATCHes (replay-guarded writes), 10% sign-ins (password, then a
//    TOTP code; each account can use one code per 30 s step, so the pool is sized for the rate);
// 4. reports requests, errors (goal 0), latency and the server's RSS growth from the end of the
//    first minute (warm-up) to the end (goal < 10%); stops the server and removes its data.
// Loopback only; bounded by --minutes (at most 60) and by at most 512 requests in flight.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MIX, PASSWORD, PUBLIC_URL, accounts, call, run, target, type Op, type World } from './soak-client.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const MINUTES = Math.min(60, Math.max(0.5, Number(arg('minutes') ?? 10)));
const MAX_IN_FLIGHT = 512;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The build when no source changed since it was made, else the source through tsx. */
function command(): string[] {
  const built = join(ROOT, 'dist', 'cli', 'main.js');
  const newer = (dir: string, t: number): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory()
        ? newer(join(dir, e.name), t)
        : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && statSync(join(dir, e.name)).mtimeMs > t,
    );
  if (existsSync(built) && !newer(join(ROOT, 'src'), statSync(built).mtimeMs)) return [built];
  return ['--import', import.meta.resolve('tsx'), join(ROOT, 'src', 'cli', 'main.ts')];
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

const rssOf = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024;
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
const pct = (xs: number[], p: number) =>
  xs.length ? xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!.toFixed(1) : '-';

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'twofold-soak-'));
  const port = await freePort();
  target.base = `http://127.0.0.1:${port}`;
  target.databaseUrl = arg('database') ?? `sqlite:${join(dataDir, 'twofold.db')}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    TWOFOLD_DATA_DIR: dataDir,
    TWOFOLD_PUBLIC_URL: PUBLIC_URL,
    // The soak stands behind a load balancer on loopback, so its sign-ups can come from many
    // clients (X-Forwarded-For): one address may make only 20 an hour.
    TWOFOLD_TRUST_PROXY: '127.0.0.1',
    TWOFOLD_SECRET_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    ...(arg('database') ? { TWOFOLD_DATABASE_URL: arg('database') } : {}),
    ...(arg('redis') ? { TWOFOLD_REDIS_URL: arg('redis') } : {}),
  };
  const server: ChildProcess = spawn(process.execPath, [...command(), 'serve'], {
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const cleanup = () => {
    if (server.exitCode === null) server.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  // The server never outlives the soak: not on a signal, not on a crash (e.g. stdout closed).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  process.once('exit', cleanup);
  try {
    for (
      let t = Date.now();
      !(await fetch(`${target.base}/readyz`).then(
        (r) => r.ok,
        () => false,
      ));
      await sleep(100)
    ) {
      if (Date.now() - t > 120_000 || server.exitCode !== null) throw new Error('the server did not start');
    }
    console.log(
      `soak: server pid ${server.pid} on ${target.base} (${arg('database') ? 'the given database' : 'SQLite'}${arg('redis') ? ' + Redis' : ''}), ${MINUTES} min`,
    );
    const keyed = await accounts(8, false);
    for (const a of keyed) {
      const k = await call('POST', '/v1/me/access-keys', { token: a.token, json: { password: PASSWORD } });
      a.key = { id: k.json.id as string, secret: k.json.secret as string };
    }
    const plain = await accounts(8, false, 100);
    const w: World = { users: [...keyed, ...plain], keyed, plain, pool: [] };

    // Capacity: closed loop, 16 workers, 5 s.
    let done = 0;
    const until = Date.now() + 5000;
    await Promise.all(
      Array.from({ length: 16 }, async (_, k) => {
        for (let n = k; Date.now() < until; n += 16) {
          await run(MIX[n % MIX.length]!, w, true);
          done++;
        }
      }),
    );
    const capacity = done / 5;
    const rate = capacity / 2;
    const signinRate = (rate * MIX.filter((o) => o === 'signin').length) / MIX.length;
    const poolSize = Math.min(3000, Math.ceil(signinRate * 30 * 1.3) + 8);
    console.log(
      `soak: capacity ${capacity.toFixed(0)} ops/s; target ${rate.toFixed(1)} ops/s (${signinRate.toFixed(1)} TOTP sign-ins/s); seeding ${poolSize} TOTP accounts`,
    );
    w.pool = await accounts(poolSize, true, 1000);
    w.users.push(...w.pool);

    // The soak: open loop at the target rate.
    const start = Date.now();
    const end = start + MINUTES * 60_000;
    const warmAt = start + Math.min(60_000, (end - start) / 5);
    const lat = new Map<Op, number[]>();
    const errors = new Map<string, number>();
    let requests = 0;
    let launched = 0;
    let inFlight = 0;
    let late = 0;
    let warmRss = 0;
    let maxRss = rssOf(server.pid!);
    const pending = new Set<Promise<void>>();
    const samples: string[] = [];
    let nextSample = start;
    while (Date.now() < end) {
      const now = Date.now();
      if (now >= nextSample) {
        const rss = rssOf(server.pid!);
        maxRss = Math.max(maxRss, rss);
        if (!warmRss && now >= warmAt) warmRss = rss;
        samples.push(`${((now - start) / 1000).toFixed(0)}s ${mib(rss)}`);
        nextSample += 15_000;
      }
      const due = Math.floor(((now - start) / 1000) * rate) - launched;
      for (let k = 0; k < due; k++, launched++) {
        if (inFlight >= MAX_IN_FLIGHT) {
          late++;
          continue;
        }
        const op = MIX[launched % MIX.length]!;
        const t0 = performance.now();
        inFlight++;
        const p: Promise<void> = run(op, w, false)
          .then((n) => {
            requests += n;
            (lat.get(op) ?? lat.set(op, []).get(op)!).push(performance.now() - t0);
          })
          .catch((e: Error) => {
            requests++;
            errors.set(e.message, (errors.get(e.message) ?? 0) + 1);
          })
          .finally(() => {
            inFlight--;
            pending.delete(p);
          });
        pending.add(p);
      }
      await sleep(5);
    }
    await Promise.all(pending);
    const endRss = rssOf(server.pid!);
    maxRss = Math.max(maxRss, endRss);
    warmRss ||= endRss;
    const seconds = (Date.now() - start) / 1000;
    const errorCount = [...errors.values()].reduce((a, b) => a + b, 0);
    console.log(`soak: RSS samples: ${samples.join(', ')}, end ${mib(endRss)}`);
    console.log(
      `soak: ${launched} operations, ${requests} requests in ${seconds.toFixed(0)} s (${(requests / seconds).toFixed(1)} req/s); errors ${errorCount}${late ? `; ${late} operations not sent (in-flight cap)` : ''}`,
    );
    for (const [m, n] of errors) console.log(`soak:   error ×${n}: ${m}`);
    for (const [op, xs] of lat)
      console.log(
        `soak:   ${op.padEnd(7)} ${String(xs.length).padStart(7)} ops, latency p50 ${pct(xs, 0.5)} ms, p99 ${pct(xs, 0.99)} ms`,
      );
    const growth = ((endRss - warmRss) / warmRss) * 100;
    console.log(
      `soak: RSS after warm-up ${mib(warmRss)}, at the end ${mib(endRss)}, max ${mib(maxRss)}: growth ${growth.toFixed(1)}% (goal < 10%)`,
    );
    server.kill('SIGTERM');
    const code = await new Promise<number | null>((r) => {
      const t = setTimeout(() => (server.kill('SIGKILL'), r(null)), 15_000);
      server.once('exit', (c) => (clearTimeout(t), r(c)));
    });
    console.log(`soak: server stopped by SIGTERM with exit code ${code}`);
    process.exitCode = errorCount === 0 && late === 0 && growth < 10 ? 0 : 1;
  } finally {
    cleanup();
  }
}

await main();
