// The SQLite files hold password hashes, session digests and encrypted secrets: another local user
// must not be able to read them or the data folder, whatever the umask, and files left looser by an
// older version are tightened with a warning.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { sql } from 'kysely';
import type { Logger } from '../../src/core/ports/logger.js';
import { resolveKeyring } from '../../src/runtime/keyring-file.js';
import { openDatabase } from '../../src/storage/database.js';

const root = mkdtempSync(join(tmpdir(), 'twofold-modes-'));
after(() => rmSync(root, { recursive: true, force: true }));

const modeOf = (p: string): number => statSync(p).mode & 0o777;

function capturingLogger(): Logger & { warnings: { obj: object; msg?: string }[] } {
  const warnings: { obj: object; msg?: string }[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    error() {},
    warn: (obj, msg) => void warnings.push({ obj, ...(msg ? { msg } : {}) }),
  };
}

/** Opens the database, writes a row (so the WAL and its index exist) and answers the handle. */
async function openAndWrite(file: string, logger: Logger) {
  const handle = openDatabase(`sqlite:${file}`, { logger });
  await sql`CREATE TABLE IF NOT EXISTS t (x INTEGER)`.execute(handle.db);
  await sql`INSERT INTO t (x) VALUES (1)`.execute(handle.db);
  return handle;
}

test('other local users cannot read the database, its WAL and index, or the folder the server created', async () => {
  const previous = process.umask(0o022); // the common default: new files would be 0644
  try {
    const dir = join(root, 'fresh', 'data');
    const file = join(dir, 'twofold.db');
    const logger = capturingLogger();
    const handle = await openAndWrite(file, logger);
    try {
      for (const p of [file, `${file}-wal`, `${file}-shm`]) assert.equal(modeOf(p).toString(8), '600', p);
      assert.equal(modeOf(dir).toString(8), '700');
      assert.equal(modeOf(join(root, 'fresh')).toString(8), '700');
      assert.deepEqual(logger.warnings, [], 'a fresh database needs no warning');
    } finally {
      await handle.close();
    }
  } finally {
    process.umask(previous);
  }
});

test('database files left readable by others are tightened to 0600, with one warning', async () => {
  const file = join(root, 'loose', 'twofold.db');
  const first = await openAndWrite(file, capturingLogger());
  // An older version (or an operator) left the files world-readable while the server was running.
  for (const p of [file, `${file}-wal`, `${file}-shm`]) chmodSync(p, 0o644);
  const logger = capturingLogger();
  const second = await openAndWrite(file, logger);
  try {
    for (const p of [file, `${file}-wal`, `${file}-shm`]) assert.equal(modeOf(p).toString(8), '600', p);
    assert.equal(logger.warnings.length, 1, JSON.stringify(logger.warnings));
    assert.deepEqual((logger.warnings[0]!.obj as { files: string[] }).files, [file, `${file}-wal`, `${file}-shm`]);
  } finally {
    await second.close();
    await first.close();
  }
});

test('the generated key file is 0600 in a data folder created 0700', () => {
  const dataDir = join(root, 'keyring', 'data');
  resolveKeyring({ secretKeys: undefined, dataDir }, capturingLogger());
  assert.equal(modeOf(join(dataDir, 'secret.key')).toString(8), '600');
  assert.equal(modeOf(dataDir).toString(8), '700');
});
