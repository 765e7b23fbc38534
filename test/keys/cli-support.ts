// The `twofold` CLI as a user runs it: a child process (`node --import tsx src/cli/main.ts …`, so
// no stale build is tested) against a real server process on a free port, with HOME in a
// temporary directory; on a pipe, or on a real terminal (a pseudo-terminal from util-linux
// `script`) for what only happens at a terminal: prompts, hidden input, confirmations.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LISTENING, freePort, outputLine } from '../cluster/processes.js';
import { markVerifiedInDatabase } from '../helpers/verify-email.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src', 'cli', 'main.ts');
/** tsx resolved from here: the children run in temporary directories, where `--import tsx` would not resolve. */
const TSX = import.meta.resolve('tsx');
export const PASSWORD = 'correct horse battery staple';

/** The parent's environment without anything Twofold (a developer's own keys must not leak in). */
const BASE_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(TWOFOLD_|R3_|NODE_TEST)/.test(k) && k !== 'PORT'),
);

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  env?: Record<string, string>;
  input?: string;
  home?: string;
}

export interface CliServer {
  home: string;
  dataDir: string;
  endpoint: string;
  key: { id: string; secret: string };
  email: string;
  /** Runs `twofold ARGS` on pipes, TWOFOLD_URL set to the server unless `env` says otherwise. */
  twofold(args: string[], opts?: RunOptions): Promise<Run>;
  /** Runs `twofold ARGS` on a terminal; `answers` are typed, each once its prompt (a regexp) shows. */
  onTerminal(args: string[], answers: [RegExp, string][], opts?: RunOptions): Promise<Run>;
  api(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; json: Record<string, unknown> }>;
  stop(): Promise<void>;
}

/** Exactly one line on stderr, and no stack trace. */
export function oneLine(r: Run): string {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\bat .*\.(ts|js):\d+/, 'no stack trace');
  return lines[0] ?? '';
}

const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** A server with one account (email proven) and one access key; `strictPublicUrl` sets TWOFOLD_PUBLIC_URL to its 127.0.0.1 URL. */
export async function startCliServer(email: string, opts: { strictPublicUrl?: boolean } = {}): Promise<CliServer> {
  const home = await mkdtemp(join(tmpdir(), 'twofold-cli-home-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'twofold-cli-data-'));
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const children = new Set<ChildProcess>();

  // At most two CLI children at a time: each start-up is CPU-heavy, and more would only thrash.
  let running = 0;
  const waiting: (() => void)[] = [];
  async function slot<T>(fn: () => Promise<T>): Promise<T> {
    if (running >= 2) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  }

  function run(cmd: string, args: string[], opts: RunOptions, answers: [RegExp, string][] = []): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(cmd, args, {
        cwd: home,
        env: { ...BASE_ENV, HOME: opts.home ?? home, TWOFOLD_URL: endpoint, SHELL: '/bin/sh', ...opts.env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      children.add(child);
      let stdout = '';
      let stderr = '';
      const pending = [...answers];
      let from = 0; // each prompt is looked for after the previous one
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const next = pending[0];
        if (next && next[0].test(stdout.slice(from))) {
          pending.shift();
          from = stdout.length;
          child.stdin.write(next[1]);
        }
      });
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        children.delete(child);
        resolve({ code, stdout, stderr });
      });
      if (answers.length === 0) child.stdin.end(opts.input ?? '');
    });
  }

  const server = spawn(process.execPath, ['--import', TSX, MAIN, 'serve'], {
    cwd: dataDir,
    env: {
      ...BASE_ENV,
      PORT: String(port),
      HOST: '127.0.0.1',
      TWOFOLD_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
      HOME: home,
      TWOFOLD_SECRET_KEYS: `k1:${randomBytes(32).toString('base64')}`,
      ...(opts.strictPublicUrl ? { TWOFOLD_PUBLIC_URL: endpoint } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await outputLine({ child: server }, LISTENING, 'the server listening', 60_000);

  const api: CliServer['api'] = async (method, path, body, token) => {
    const r = await fetch(`${endpoint}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: r.status, json: (await r.json()) as Record<string, unknown> };
  };
  const signup = await api('POST', '/v1/auth/signup', { email, password: PASSWORD, client: 'app' });
  assert.equal(signup.status, 201);
  // Its mails go to a log this harness does not read: the mailbox is proven in its database.
  await markVerifiedInDatabase(`sqlite:${join(dataDir, 'twofold.db')}`, email);
  const created = await api('POST', '/v1/me/access-keys', { password: PASSWORD }, String(signup.json.token));
  assert.equal(created.status, 201);

  return {
    home,
    dataDir,
    endpoint,
    email,
    key: { id: String(created.json.id), secret: String(created.json.secret) },
    api,
    twofold: (args, opts = {}) => slot(() => run(process.execPath, ['--import', TSX, MAIN, ...args], opts)),
    onTerminal: (args, answers, opts = {}) => {
      const line = [process.execPath, '--import', TSX, MAIN, ...args].map(sh).join(' ');
      return slot(() => run('script', ['-qec', line, '/dev/null'], opts, answers));
    },
    async stop() {
      for (const c of children) c.kill('SIGKILL');
      if (server.exitCode === null) {
        const exited = new Promise((r) => server.once('exit', r));
        server.kill('SIGTERM');
        const timer = setTimeout(() => server.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      await rm(home, { recursive: true, force: true });
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
