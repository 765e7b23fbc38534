// Real `twofold serve` processes for the cluster tests (the build when it is fresh, else the
// TypeScript source through tsx), plus the small local services the tests put
// beside them: a private redis-server and a TCP proxy in front of PostgreSQL that can be cut.
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
      return e.isDirectory() ? newer(p) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && statSync(p).mtimeMs > built;
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
  for (const [k, v] of Object.entries(process.env)) if (!/^(TWOFOLD_|PORT$|HOST$|LOG_LEVEL$|NODE_ENV$)/.test(k)) env[k] = v;
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
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, out, exited };
}

/** `twofold ARGS` from the source; answers when it exits. */
export async function runCli(args: string[], env: Record<string, string>, cwd = tmpdir()): Promise<{ code: number | null; output: string }> {
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

  /** `twofold serve` on a free port with the given settings; resolves once /readyz answers 200. */
  static async start(name: string, env: Record<string, string>, port?: number): Promise<Instance> {
    const p = port ?? (await freePort());
    const proc = spawnTracked(process.execPath, [...TWOFOLD, 'serve'], cleanEnv({ LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env, PORT: String(p) }));
    const instance = new Instance(name, p, proc);
    const database = env.TWOFOLD_DATABASE_URL ?? (env.TWOFOLD_DATA_DIR ? `sqlite:${join(env.TWOFOLD_DATA_DIR, 'twofold.db')}` : undefined);
    if (database) databaseOf.set(instance.url, database);
    const deadline = Date.now() + START_TIMEOUT_MS;
    let gone = false;
    void proc.exited.then(() => (gone = true));
    for (;;) {
      if (gone) throw new Error(`instance ${name} exited during start-up:\n${proc.out.text}`);
      const ok = await fetch(`${instance.url}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ok) return instance;
      if (Date.now() > deadline) throw new Error(`instance ${name} was not ready after ${START_TIMEOUT_MS} ms:\n${proc.out.text}`);
      await sleep(100);
    }
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
  const waits = [...children].map((c) => new Promise<void>((r) => (c.exitCode !== null || c.signalCode !== null ? r() : c.once('exit', () => r()))));
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
    this.proc = spawnTracked('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], cleanEnv({}));
    const deadline = Date.now() + 15_000;
    while (!(await redisPing(this.port))) {
      if (this.proc.child.exitCode !== null) throw new Error(`redis-server exited: ${this.proc.out.text}`);
      if (Date.now() > deadline) throw new Error('redis-server did not answer PING');
      await sleep(50);
    }
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
