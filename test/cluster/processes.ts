// Real `twofold serve` processes for the cluster tests (the build when it is fresh, else the
// TypeScript source through tsx), plus the small local services the tests put
// beside them: a private redis-server and a TCP proxy in front of PostgreSQL that can be cut.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer as createTcpServer, connect, type Server, type Socket } from 'node:net';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_MAIN = join(ROOT, 'src', 'cli', 'main.ts');
const BUILT_MAIN = join(ROOT, 'dist', 'cli', 'main.js');
/** tsx's loader as a file URL, so the child can run from any working directory. */
const TSX = import.meta.resolve('tsx');

/** True when no source file changed since dist/ was built (tsc rewrites every output on a build). */
function buildIsFresh(): boolean {
  if (!existsSync(BUILT_MAIN)) return false;
  const built = statSync(BUILT_MAIN).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) => {
      const p = join(dir, e.name);
      return e.isDirectory()
        ? newer(p)
        : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && statSync(p).mtimeMs > built;
    });
  return !newer(join(ROOT, 'src'));
}

/**
 * How to run `twofold`: the build when it is fresh (half the start-up CPU: `npm test` builds
 * first), else the TypeScript source through tsx, so a stale dist/ is never what gets tested.
 */
export const TWOFOLD: string[] = buildIsFresh() ? [BUILT_MAIN] : ['--import', TSX, SOURCE_MAIN];
const START_TIMEOUT_MS = 120_000;

const children = new Set<ChildProcess>();

/** The parent's environment without any Twofold setting, so only what a test passes applies. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(TWOFOLD_|PORT$|HOST$|LOG_LEVEL$|NODE_ENV$)/.test(k)) env[k] = v;
  return { ...env, ...extra };
}

export async function freePort(): Promise<number> {
  const s = createTcpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export const newKeyring = () => `k1:${randomBytes(32).toString('base64')}`;
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** `p`, or a failure naming `what` after `ms` (a deadline for an event, not a pause). */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  );
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Proc {
  child: ChildProcess;
  out: { text: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns a child that every test file's `after` can kill (killAll). */
export function spawnTracked(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd = tmpdir()): Proc {
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const out = { text: '' };
  const keep = (d: Buffer) => (out.text = (out.text + d.toString()).slice(-20_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, out, exited };
}

/** The line `twofold serve` logs (level info) once it listens, migrations done: the server is ready. */
export const LISTENING = /Twofold is listening on /;

/**
 * Resolves when the process writes a line matching `pattern` (stdout or stderr) after this call;
 * rejects when it exits first or after `ms` (a deadline, not a pause: the line is the event).
 */
export function outputLine(p: { child: ChildProcess }, pattern: RegExp, what: string, ms = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const streams = [p.child.stdout!, p.child.stderr!];
    const finish = (err: Error | undefined, line?: string) => {
      clearTimeout(timer);
      for (const s of streams) s.off('data', onData);
      p.child.off('exit', onExit);
      if (err) reject(err);
      else resolve(line!);
    };
    const onData = (d: Buffer) => {
      seen += d.toString();
      const line = seen.split('\n').find((l) => pattern.test(l));
      if (line !== undefined) finish(undefined, line);
    };
    const onExit = () => finish(new Error(`the process exited before ${what}:\n${seen.slice(-20_000)}`));
    const timer = setTimeout(() => finish(new Error(`${what}: not within ${ms} ms:\n${seen.slice(-20_000)}`)), ms);
    for (const s of streams) s.on('data', onData);
    p.child.once('exit', onExit);
  });
}

/** `twofold ARGS` from the source; answers when it exits. */
export async function runCli(
  args: string[],
  env: Record<string, string>,
  cwd = tmpdir(),
): Promise<{ code: number | null; output: string }> {
  const p = spawnTracked(process.execPath, [...TWOFOLD, ...args], cleanEnv(env), cwd);
  const { code } = await p.exited;
  return { code, output: p.out.text };
}

/** The database each started instance serves, by its URL: tests prove sign-ups' mailboxes there. */
export const databaseOf = new Map<string, string>();

export class Instance {
  private constructor(
    readonly name: string,
    readonly port: number,
    readonly proc: Proc,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }
  get pid(): number {
    return this.proc.child.pid!;
  }

  /** `twofold serve` on a free port with the given settings; resolves once it logs that it listens. */
  static async start(name: string, env: Record<string, string>, port?: number): Promise<Instance> {
    const p = port ?? (await freePort());
    // Level info (unless the test asks for more), so that the "listening" line is logged.
    const proc = spawnTracked(
      process.execPath,
      [...TWOFOLD, 'serve'],
      cleanEnv({ LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env, PORT: String(p) }),
    );
    const listening = outputLine(proc, LISTENING, `instance ${name} listening`, START_TIMEOUT_MS);
    const instance = new Instance(name, p, proc);
    const database =
      env.TWOFOLD_DATABASE_URL ??
      (env.TWOFOLD_DATA_DIR ? `sqlite:${join(env.TWOFOLD_DATA_DIR, 'twofold.db')}` : undefined);
    if (database) databaseOf.set(instance.url, database);
    await listening;
    return instance;
  }

  /** SIGTERM, as an orchestrator stops an instance; answers how it exited and how long that took. */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> {
    const start = performance.now();
    this.proc.child.kill('SIGTERM');
    const exit = await this.proc.exited;
    return { ...exit, ms: performance.now() - start };
  }

  /** SIGKILL: no drain, no cleanup, like a machine that loses power. */
  async kill(): Promise<void> {
    this.proc.child.kill('SIGKILL');
    await this.proc.exited;
  }
}

/** Kills every child still running (for `after`). */
export async function killAll(): Promise<void> {
  const waits = [...children].map(
    (c) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r()))),
  );
  for (const c of children) c.kill('SIGKILL');
  await Promise.all(waits);
}

/** A redis-server of our own (never the machine's), without persistence; killed and restarted at will. */
export class PrivateRedis {
  private proc: Proc | undefined;
  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  static async start(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.up();
    return r;
  }

  async up(): Promise<void> {
    this.proc = spawnTracked(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      cleanEnv({}),
    );
    await outputLine(this.proc, /Ready to accept connections/, 'redis-server ready', 15_000);
    assert.ok(await redisPing(this.port), 'redis-server answers PING');
  }

  async down(): Promise<void> {
    if (!this.proc) return;
    this.proc.child.kill('SIGKILL');
    await this.proc.exited;
    this.proc = undefined;
  }
}

function redisPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(500, () => done(false));
    s.once('error', () => done(false));
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** A TCP proxy on a fixed local port; cut() refuses and drops every connection, restore() listens again. */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const p = new TcpProxy(await freePort(), target);
    await p.restore();
    return p;
  }

  async restore(): Promise<void> {
    const server = createTcpServer((client) => {
      const upstream = connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.once('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => server.listen(this.port, '127.0.0.1', r));
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }
}
