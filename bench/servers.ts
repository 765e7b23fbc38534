// The two servers measured: the ceiling (bench/bare-server.ts, a bare Fastify route) and Twofold
// itself from dist/, each on a free loopback port, and their resident memory from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BASE_REDIS, keyringSpec, POSTGRES, ROOT, tmp } from './options.js';
import { stop, track } from './processes.js';

export interface ServerHandle {
  child: ChildProcess;
  /** performance.now() when the process was spawned. */
  spawnedAt: number;
  origin: string;
  publicUrl: string;
  output: () => string;
}

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

export async function startBare(): Promise<ServerHandle> {
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

export async function startTwofold(
  databaseUrl: string,
  cpuProfile?: { dir: string; name: string },
): Promise<ServerHandle> {
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

/** VmRSS (now) or VmHWM (peak so far) of a process, in MiB (/proc/<pid>/status). */
export function rssMiB(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  if (pid === undefined) return Number.NaN;
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}
