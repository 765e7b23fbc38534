// The SQLite driver for each Node.js line (issue 14, item 7): better-sqlite3 12 on Node 20,
// 13 (Node-API) from Node 22. The threat: on Node 24, 12 aborts the whole server when the
// garbage collector frees a prepared statement, which a busy server does all the time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { loadSqlite, sqliteLoadFailure, sqlitePackageFor } from './sqlite-driver.js';

test('Node 20 takes better-sqlite3 12, Node 22 and later the Node-API build (13)', () => {
  assert.equal(sqlitePackageFor('20.19.0'), 'better-sqlite3');
  assert.equal(sqlitePackageFor('20.20.2'), 'better-sqlite3');
  for (const v of ['22.13.0', '24.21.0', '26.10.0']) assert.equal(sqlitePackageFor(v), 'better-sqlite3-napi');
});

test('the driver loaded is the one for the running Node, and it works', () => {
  const require = createRequire(import.meta.url);
  const expected = require(sqlitePackageFor(process.versions.node)) as unknown;
  const SQLite = loadSqlite();
  assert.equal(SQLite, expected);
  const db = new SQLite(':memory:');
  try {
    const row = db.prepare('select sqlite_version() as v, ? + 1 as n').get(41) as { v: string; n: number };
    assert.match(row.v, /^3\.\d+/);
    assert.equal(row.n, 42);
  } finally {
    db.close();
  }
});

test('statements freed by the garbage collector do not abort the process', () => {
  // 20,000 statements prepared and dropped, then collected: with better-sqlite3 12 on Node 24
  // this ends in `Assertion failed: (env) != nullptr` and exit 134.
  const driver = fileURLToPath(new URL('./sqlite-driver.ts', import.meta.url));
  const script = `
    const { loadSqlite } = await import(${JSON.stringify(driver)});
    const db = new (loadSqlite())(':memory:');
    db.exec('create table t (a)');
    for (let i = 0; i < 20000; i++) db.prepare('insert into t values (' + i + ')').run();
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 50));
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 50));
    console.log(db.prepare('select count(*) as n from t').get().n);
    db.close();`;
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `exit ${r.status} ${r.signal ?? ''}\n${r.stderr.slice(0, 400)}`);
  assert.equal(r.stdout.trim(), '20000');
});

test('a missing or mismatched driver is named with the command that fixes it', () => {
  const missing = Object.assign(new Error("Cannot find module 'better-sqlite3-napi'"), { code: 'MODULE_NOT_FOUND' });
  assert.match(
    sqliteLoadFailure('better-sqlite3-napi', '24.21.0', missing).message,
    /^SQLite driver: better-sqlite3-napi \(better-sqlite3 13, needed on Node 24\.21\.0\) is not installed.*run `npm install` again with this Node/,
  );
  const abi = new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 137.');
  assert.match(
    sqliteLoadFailure('better-sqlite3', '20.20.2', abi).message,
    /built for another Node\.js than 20\.20\.2: run `npm rebuild better-sqlite3`/,
  );
  const other = sqliteLoadFailure('better-sqlite3', '20.20.2', new Error('boom\nstack'));
  assert.match(other.message, /could not be loaded on Node 20\.20\.2 \(boom\)/);
  assert.equal((other.cause as Error).message, 'boom\nstack');
});
