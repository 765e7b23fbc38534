// `twofold serve` refuses to start, in one stderr line naming what to change, before it writes
// anything (issue 14): a schema missing, behind or ahead of the code; a second server on one SQLite
// database (migrate, backup and keys still run beside the first); bad PORT/HOST; a missing SQLite
// folder; an unreachable PostgreSQL; a taken port. A dead server's lock is taken over; production
// warns about the development stand-ins. The real binary (bin/twofold.js), built by `npm test`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSqlite } from '../../src/storage/sqlite-driver.js';
import {
  LISTENING,
  ROOT,
  cleanEnv,
  freePort,
  killAll,
  outputLine,
  spawnTracked,
  within,
} from '../cluster/processes.js';
import { MIGRATION_NAMES } from '../../src/storage/migrate.js';

const BIN = join(ROOT, 'bin', 'twofold.js');
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'twofold-start-'));
  dirs.push(d);
  return d;
}

function twofold(args: string[], env: Record<string, string>, cwd: string) {
  return spawnTracked(process.execPath, [BIN, ...args], cleanEnv(env), cwd);
}

/** Runs a command to its end: exit code and everything it printed (stdout and stderr). */
async function run(args: string[], env: Record<string, string>, cwd: string) {
  const p = twofold(args, env, cwd);
  const { code } = await within(p.exited, 60_000, `twofold ${args.join(' ')}`);
  return { code, output: p.out.text };
}

/** A refusal: exit 1, and its one `twofold:` line (the logger may have written JSON before it). */
async function refusal(args: string[], env: Record<string, string>, cwd: string): Promise<string> {
  const r = await run(args, env, cwd);
  assert.equal(r.code, 1, r.output);
  const lines = r.output.split('\n').filter((l) => l.startsWith('twofold:'));
  assert.equal(lines.length, 1, r.output);
  return lines[0]!;
}

async function serveUntilListening(env: Record<string, string>, cwd: string) {
  const p = twofold(['serve'], { LOG_LEVEL: 'info', PORT: String(await freePort()), ...env }, cwd);
  await outputLine(p, LISTENING, 'twofold serve listening', 60_000);
  return p;
}

async function sigterm(p: ReturnType<typeof twofold>): Promise<void> {
  p.child.kill('SIGTERM');
  const { code } = await within(p.exited, 15_000, 'shutdown after SIGTERM');
  assert.equal(code, 0, p.out.text);
}

describe('twofold serve start-up checks', () => {
  before(() => assert.ok(existsSync(join(ROOT, 'dist', 'cli', 'main.js')), 'dist/ is missing: run `npm run build`'));
  after(async () => {
    await killAll();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('TWOFOLD_AUTO_MIGRATE=false: no schema or an older one is refused with `twofold migrate`; a newer one is refused always', async () => {
    const dir = tempDir();
    const env = { TWOFOLD_DATA_DIR: dir, TWOFOLD_AUTO_MIGRATE: 'false', PORT: String(await freePort()) };
    assert.match(await refusal(['serve'], env, dir), /no Twofold schema: run `twofold migrate`/);
    assert.deepEqual(readdirSync(dir), [], 'no database and no key file were created');

    assert.equal((await run(['migrate'], env, dir)).code, 0);
    const db = new (loadSqlite())(join(dir, 'twofold.db'));
    const last = MIGRATION_NAMES.at(-1)!;
    db.prepare('delete from twofold_migrations where name = ?').run(last);
    assert.match(
      await refusal(['serve'], env, dir),
      new RegExp(`older than this version.*${last}.*run \`twofold migrate\``),
    );
    db.prepare('insert into twofold_migrations (name, timestamp) values (?, ?), (?, ?)').run(
      last,
      new Date().toISOString(),
      '999-from-the-future',
      new Date().toISOString(),
    );
    db.close();
    const newer = await refusal(['serve'], { ...env, TWOFOLD_AUTO_MIGRATE: 'true' }, dir);
    assert.match(newer, /schema is newer than this version.*999-from-the-future/);
  });

  test('a second serve on one SQLite database is refused naming the first pid and PostgreSQL; migrate, backup and keys run beside it, restore waits; SIGTERM releases the lock', async () => {
    const dir = tempDir();
    const env = { TWOFOLD_DATA_DIR: dir };
    const first = await serveUntilListening(env, dir);
    const lockFile = join(dir, 'twofold.db.lock');
    assert.equal(readFileSync(lockFile, 'utf8').trim(), String(first.child.pid));

    const second = await refusal(['serve'], { ...env, PORT: String(await freePort()) }, dir);
    assert.match(second, new RegExp(`another twofold serve \\(pid ${first.child.pid}\\)`));
    assert.match(second, /PostgreSQL/);

    const migrate = await run(['migrate'], env, dir);
    assert.equal(migrate.code, 0, migrate.output);
    assert.match(migrate.output, /up to date/);
    const backup = await run(['backup', join(dir, 'copy.db')], env, dir);
    assert.equal(backup.code, 0, backup.output);
    assert.ok(existsSync(join(dir, 'copy.db')));
    const restore = await refusal(['restore', join(dir, 'copy.db'), '--force'], env, dir);
    assert.match(restore, new RegExp(`twofold serve \\(pid ${first.child.pid}\\) is using .*stop it before restoring`));
    const rotate = await run(['keys', 'rotate'], env, dir);
    assert.equal(rotate.code, 0, rotate.output);
    assert.equal(readFileSync(lockFile, 'utf8').trim(), String(first.child.pid), 'the commands left the lock alone');

    await sigterm(first);
    assert.ok(!existsSync(lockFile), 'released on graceful shutdown');
  });

  test('a lock left by a dead server is taken over with a warning; production warns about console SMS and log-only mail', async () => {
    const dir = tempDir();
    const dead = spawnTracked(process.execPath, ['-e', ''], process.env);
    await dead.exited;
    writeFileSync(join(dir, 'twofold.db.lock'), `${dead.child.pid}\n`);
    const p = await serveUntilListening({ TWOFOLD_DATA_DIR: dir, NODE_ENV: 'production' }, dir);
    assert.match(p.out.text, /taking over a lock left by a server that is no longer running/);
    assert.match(p.out.text, /TWOFOLD_SMS_PROVIDER is console/);
    assert.match(p.out.text, /TWOFOLD_MAIL_URL is not set/);
    assert.equal(readFileSync(join(dir, 'twofold.db.lock'), 'utf8').trim(), String(p.child.pid));
    await sigterm(p);
  });

  const noScript = existsSync('/usr/bin/script') ? false : 'needs script(1) from util-linux for a terminal';
  test('logs are pretty in a terminal (script(1) gives it one) and JSON when piped', { skip: noScript }, async () => {
    const dir = tempDir();
    // An empty database without auto-migrate: the lock takeover logs one warning, then serve refuses.
    writeFileSync(join(dir, 'twofold.db'), '');
    const env = { TWOFOLD_DATA_DIR: dir, TWOFOLD_AUTO_MIGRATE: 'false', PORT: String(await freePort()) };
    writeFileSync(join(dir, 'twofold.db.lock'), '999999999\n');
    const inTerminal = spawnTracked(
      'script',
      ['-qec', `${process.execPath} ${BIN} serve`, '/dev/null'],
      cleanEnv({ ...env, TERM: 'dumb' }),
      dir,
    );
    assert.equal((await within(inTerminal.exited, 60_000, 'serve in a terminal')).code, 1);
    assert.match(inTerminal.out.text, /WARN.*taking over a lock/);
    assert.doesNotMatch(inTerminal.out.text, /"level":/);

    writeFileSync(join(dir, 'twofold.db.lock'), '999999999\n');
    const piped = await run(['serve'], env, dir);
    const line = piped.output.split('\n').find((l) => l.includes('taking over a lock'));
    assert.equal((JSON.parse(line!) as { level: number }).level, 40);
  });

  test('bad PORT, HOST, SQLite folder, PostgreSQL or a taken port: one line naming the variable, nothing created', async () => {
    const dir = tempDir();
    const data = join(dir, 'data');
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const port = String(await freePort());
    try {
      const lines = await Promise.all([
        refusal(['serve'], { TWOFOLD_DATA_DIR: data, PORT: 'abc' }, dir),
        refusal(['serve'], { TWOFOLD_DATA_DIR: data, HOST: '0.0.0.0:80' }, dir),
        refusal(
          ['serve'],
          { TWOFOLD_DATA_DIR: data, PORT: port, TWOFOLD_DATABASE_URL: 'sqlite:/nonexistent/dir/x.db' },
          dir,
        ),
        refusal(
          ['serve'],
          { TWOFOLD_DATA_DIR: data, PORT: port, TWOFOLD_DATABASE_URL: 'postgres://twofold:pw-not-shown@127.0.0.1:1/x' },
          dir,
        ),
        refusal(['serve'], { TWOFOLD_DATA_DIR: data, PORT: String(taken) }, dir),
      ]);
      assert.match(lines[0], /PORT: must be a port number/);
      assert.match(lines[1], /HOST: must be a host name or an IP address, without a port/);
      assert.match(lines[2], /TWOFOLD_DATABASE_URL: the folder \/nonexistent\/dir does not exist/);
      assert.match(lines[3], /TWOFOLD_DATABASE_URL: cannot connect to 127\.0\.0\.1:1 \(ECONNREFUSED\)/);
      assert.doesNotMatch(lines[3], /pw-not-shown/);
      assert.match(lines[4], new RegExp(`PORT: port ${taken} on 127\\.0\\.0\\.1 is in use`));
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
    assert.ok(!existsSync(data), 'no data folder, key file or database was created');
    assert.ok(!existsSync('/nonexistent'));
  });
});
