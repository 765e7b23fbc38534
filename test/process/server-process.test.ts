// The real program, as an operator runs it: `twofold serve` on a fresh data directory (SQLite and a
// generated key file), over real HTTP, stopped by SIGTERM; bad configuration; `--help`; `migrate`.
// Needs the build (`npm install` builds it; `npm test` rebuilds it when a source is newer).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSqlite } from '../../src/storage/sqlite-driver.js';
import pg from 'pg';
import { privatePostgresSchema } from '../helpers/postgres.js';
import { needsPostgres, postgresUrl } from '../helpers/services.js';
import { LISTENING, cleanEnv, freePort, outputLine, within } from '../cluster/processes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'bin', 'twofold.js');
const PASSWORD = 'correct horse battery staple';
const children = new Set<ChildProcess>();
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'twofold-proc-'));
  dirs.push(d);
  return d;
}

interface Run {
  child: ChildProcess;
  out: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(args: string[], env: NodeJS.ProcessEnv, cwd: string): Run {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  return { child, out, exited };
}

/** Runs a command to completion (killed after 60 s: start-up is slow on a loaded machine). */
async function runToEnd(args: string[], env: NodeJS.ProcessEnv, cwd: string) {
  const r = start(args, env, cwd);
  const { code } = await within(r.exited, 60_000, `twofold ${args.join(' ')}`);
  return { code, ...r.out };
}

async function serve(dataDir: string, port: number): Promise<Run> {
  const r = start(['serve'], cleanEnv({ PORT: String(port), TWOFOLD_DATA_DIR: dataDir, LOG_LEVEL: 'info' }), dataDir);
  await outputLine(r, LISTENING, 'twofold serve listening', 60_000);
  return r;
}

async function stop(r: Run): Promise<void> {
  r.child.kill('SIGTERM');
  const { code, signal } = await within(r.exited, 10_000, 'shutdown after SIGTERM');
  assert.equal(signal, null, `exited by signal ${signal}`);
  assert.equal(code, 0, r.out.stderr);
}

describe('the twofold program', () => {
  before(() => {
    assert.ok(
      existsSync(join(ROOT, 'dist', 'cli', 'main.js')),
      'dist/ is missing: run `npm run build` (npm install and npm test build it)',
    );
  });
  after(() => {
    for (const c of children) c.kill('SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('serve on a fresh data dir: SQLite and a 0600 key file, sign-up and /v1/me over HTTP, restart keeps both, SIGTERM exits 0', async () => {
    const dataDir = tempDir();
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let run = await serve(dataDir, port);

    const signup = await fetch(`${base}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'proc@example.com', password: PASSWORD }),
    });
    assert.equal(signup.status, 201, await signup.clone().text());
    const cookie = signup.headers
      .getSetCookie()
      .find((c) => c.startsWith('twofold_session='))
      ?.split(';')[0];
    assert.ok(cookie, 'the portal cookie over plain http');
    const me = await fetch(`${base}/v1/me`, { headers: { cookie } });
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { email: string }).email, 'proc@example.com');
    const logout = await fetch(`${base}/v1/auth/logout`, { method: 'POST', headers: { cookie, origin: base } });
    assert.equal(logout.status, 204, 'the default public URL follows PORT, so our own Origin passes CSRF');

    const keyFile = join(dataDir, 'secret.key');
    assert.ok(existsSync(keyFile), 'secret.key generated');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    assert.ok(existsSync(join(dataDir, 'twofold.db')), 'SQLite database in the data dir');
    const key = readFileSync(keyFile, 'utf8');
    await stop(run);

    run = await serve(dataDir, port);
    const again = await fetch(`${base}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'proc@example.com', password: PASSWORD, client: 'app' }),
    });
    assert.equal(again.status, 200, 'the account survived the restart');
    assert.equal(readFileSync(keyFile, 'utf8'), key, 'the key file is reused, not regenerated');
    await stop(run);
  });

  test('a bad configuration value exits 1 with one stderr line naming the variable', async () => {
    const dir = tempDir();
    const r = await runToEnd(['serve'], cleanEnv({ PORT: 'abc', TWOFOLD_DATA_DIR: dir }), dir);
    assert.equal(r.code, 1);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /PORT/);
    assert.ok(!existsSync(join(dir, 'twofold.db')), 'nothing was created');
  });

  test('a port already in use exits 1 with a one-line explanation', async () => {
    const dir = tempDir();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    try {
      const port = (blocker.address() as { port: number }).port;
      const r = await runToEnd(
        ['serve'],
        cleanEnv({ PORT: String(port), TWOFOLD_DATA_DIR: dir, LOG_LEVEL: 'silent' }),
        dir,
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`port ${port}.*in use`));
    } finally {
      await new Promise<void>((res) => blocker.close(() => res()));
    }
  });

  test('--help lists serve and migrate', async () => {
    const dir = tempDir();
    const r = await runToEnd(['--help'], cleanEnv({}), dir);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\s+serve\b/m);
    assert.match(r.stdout, /^\s+migrate\b/m);
  });

  test('migrate applies the schema to a new SQLite database once, then reports it up to date', async () => {
    const dir = tempDir();
    const env = cleanEnv({ TWOFOLD_DATABASE_URL: `sqlite:${join(dir, 'sub', 'm.db')}` });
    const first = await runToEnd(['migrate'], env, dir);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /applied: 001-accounts, 002-second-factor/);
    const db = new (loadSqlite())(join(dir, 'sub', 'm.db'), { readonly: true });
    try {
      const tables = (
        db.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]
      ).map((t) => t.name);
      for (const t of ['users', 'sessions', 'events', 'password_resets', 'mfa_factors', 'recovery_codes'])
        assert.ok(tables.includes(t), t);
    } finally {
      db.close();
    }
    const second = await runToEnd(['migrate'], env, dir);
    assert.equal(second.code, 0);
    assert.match(second.stdout, /up to date/);
  });

  test(
    'migrate applies the schema to PostgreSQL, beside other schemas that already hold Twofold tables',
    { skip: needsPostgres },
    async () => {
      const dir = tempDir();
      const [other, mine] = [await privatePostgresSchema(postgresUrl!), await privatePostgresSchema(postgresUrl!)];
      try {
        assert.equal((await runToEnd(['migrate'], cleanEnv({ TWOFOLD_DATABASE_URL: other.url }), dir)).code, 0);
        const first = await runToEnd(['migrate'], cleanEnv({ TWOFOLD_DATABASE_URL: mine.url }), dir);
        assert.equal(first.code, 0, first.stderr);
        assert.match(first.stdout, /applied: 001-accounts/);
        const c = new pg.Client({ connectionString: mine.url });
        await c.connect();
        try {
          assert.equal((await c.query('select count(*)::int as n from users')).rows[0].n, 0);
        } finally {
          await c.end();
        }
        assert.match(
          (await runToEnd(['migrate'], cleanEnv({ TWOFOLD_DATABASE_URL: mine.url }), dir)).stdout,
          /up to date/,
        );
      } finally {
        await other.cleanup();
        await mine.cleanup();
      }
    },
  );
});
