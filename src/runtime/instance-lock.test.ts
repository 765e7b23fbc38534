// The lock beside an embedded database (issue 14): one server per SQLite file, a second refused
// naming the first's pid and PostgreSQL, a dead holder's lock taken over with a warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireInstanceLock, pidIsAlive } from './instance-lock.js';
import { StartupError } from './startup-error.js';

function scratch(): { db: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-lock-'));
  return { db: join(dir, 'twofold.db'), done: () => rmSync(dir, { recursive: true, force: true }) };
}

const quiet = { warn: () => {} };

test('the lock file holds the pid, a second server is refused naming it and PostgreSQL, release removes it', () => {
  const s = scratch();
  try {
    const first = acquireInstanceLock(s.db, quiet, { pid: 4242, isAlive: () => true });
    assert.equal(readFileSync(`${s.db}.lock`, 'utf8'), '4242\n');
    assert.throws(
      () => acquireInstanceLock(s.db, quiet, { pid: 4343, isAlive: () => true }),
      (e: unknown) => e instanceof StartupError && /pid 4242/.test(e.message) && /PostgreSQL/.test(e.message),
    );
    assert.equal(readFileSync(`${s.db}.lock`, 'utf8'), '4242\n', 'the refused server left the lock alone');
    first.release();
    assert.ok(!existsSync(`${s.db}.lock`));
    first.release(); // twice is harmless
    acquireInstanceLock(s.db, quiet, { pid: 4343, isAlive: () => true }).release();
  } finally {
    s.done();
  }
});

test('a lock left by a dead process, by our own pid (a restarted container) or unreadable is taken over with a warning', () => {
  const s = scratch();
  try {
    for (const content of ['999999\n', `${process.pid}\n`, 'garbage']) {
      writeFileSync(`${s.db}.lock`, content);
      const warnings: object[] = [];
      const lock = acquireInstanceLock(
        s.db,
        { warn: (o: object) => warnings.push(o) },
        {
          isAlive: (pid) => pid !== 999999,
        },
      );
      assert.equal(readFileSync(`${s.db}.lock`, 'utf8'), `${process.pid}\n`, content);
      assert.equal(warnings.length, 1, content);
      lock.release();
    }
  } finally {
    s.done();
  }
});

test('release leaves a lock that another server has taken meanwhile', () => {
  const s = scratch();
  try {
    const lock = acquireInstanceLock(s.db, quiet, { pid: 4242, isAlive: () => true });
    writeFileSync(`${s.db}.lock`, '5151\n');
    lock.release();
    assert.equal(readFileSync(`${s.db}.lock`, 'utf8'), '5151\n');
  } finally {
    s.done();
  }
});

test('pidIsAlive: this process is, a pid beyond the kernel limit is not', () => {
  assert.equal(pidIsAlive(process.pid), true);
  assert.equal(pidIsAlive(2 ** 22 + 1), false);
});
