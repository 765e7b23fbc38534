// Disaster recovery as an operator does it: `twofold backup` while the server runs, the database
// lost, `twofold restore`, and the account (password + TOTP second factor) signs in again.
// SQLite always (the online backup API); PostgreSQL (pg_dump / pg_restore of the instance's own
// schema) when TWOFOLD_TEST_DATABASE_URL is set, else reported as skipped.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { privatePostgresSchema, type TestDatabase } from '../helpers/postgres.js';
import { needsPostgres, postgresUrl } from '../helpers/services.js';
import { assertProblem, enableTotp, login, signUp, totpNow, uniqueEmail, verifyAt } from './client.js';
import { Instance, killAll, newKeyring, runCli } from './processes.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'twofold-backup-'));
  dirs.push(d);
  return d;
};

interface Engine {
  /** The settings of the instance and of the CLI. */
  env: Record<string, string>;
  /** Loses the database, as a dead disk or a dropped schema would. */
  lose(): Promise<void>;
  cleanup(): Promise<void>;
}

function sqliteEngine(): Engine {
  const dataDir = tempDir();
  const db = join(dataDir, 'twofold.db');
  return {
    // No TWOFOLD_SECRET_KEYS: the key is generated into DATA_DIR/secret.key, which the operator
    // keeps apart from the database (it is not in the backup and survives the loss here).
    env: { TWOFOLD_DATA_DIR: dataDir },
    lose: async () => {
      for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
      assert.ok(readdirSync(dataDir).includes('secret.key'), 'the key file is kept apart from the database');
    },
    cleanup: async () => {},
  };
}

async function postgresEngine(base: string): Promise<Engine> {
  const db: TestDatabase = await privatePostgresSchema(base);
  const schema = /search_path=(\w+)/.exec(new URL(db.url).searchParams.get('options') ?? '')![1]!;
  return {
    env: { TWOFOLD_DATABASE_URL: db.url, TWOFOLD_SECRET_KEYS: newKeyring() },
    lose: async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
    cleanup: () => db.cleanup(),
  };
}

const engines: Array<{ name: string; skip: string | false; make: () => Promise<Engine> }> = [
  { name: 'SQLite', skip: false, make: async () => sqliteEngine() },
  { name: 'PostgreSQL', skip: needsPostgres, make: () => postgresEngine(postgresUrl!) },
];

describe('twofold backup and restore', () => {
  after(async () => {
    await killAll();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const { name, skip, make } of engines) {
    test(
      `${name}: a backup taken while serving restores an account that signs in with password and TOTP`,
      { skip },
      async (t) => {
        const engine = await make();
        const backup = join(tempDir(), 'twofold.backup');
        try {
          let server = await Instance.start('backup', engine.env);
          const email = uniqueEmail('restored');
          const { token } = await signUp(server.url, email);
          const { secret } = await enableTotp(server.url, server.url, token);

          const taken = await runCli(['backup', backup], engine.env);
          assert.equal(taken.code, 0, taken.output);
          assert.equal(statSync(backup).mode & 0o777, 0o600, 'the backup is as private as the database');
          t.diagnostic(taken.output.split('\n')[0]!);
          const again = await runCli(['backup', backup], engine.env);
          assert.equal(again.code, 1, 'an existing backup is not overwritten without --force');

          const late = uniqueEmail('after-backup');
          await signUp(server.url, late); // made after the backup: gone after the restore
          const stopped = await server.stop();
          assert.equal(stopped.code, 0, server.proc.out.text);

          await engine.lose();
          const restored = await runCli(['restore', backup], engine.env);
          assert.equal(restored.code, 0, restored.output);
          const twice = await runCli(['restore', backup], engine.env);
          assert.equal(twice.code, 1, 'a database in place is not replaced without --force');
          assert.match(twice.output, /--force/);

          server = await Instance.start('restored', engine.env);
          const first = await login(server.url, email);
          assert.equal(first.body?.status, 'mfa_required', first.text);
          const signedIn = await verifyAt(server.url, first.body.challenge, totpNow(secret, 1));
          assert.equal(signedIn.status, 200, signedIn.text);
          assertProblem(await login(server.url, late), 401, 'invalid_credentials');
          assert.equal((await server.stop()).code, 0);
        } finally {
          await engine.cleanup();
        }
      },
    );
  }

  test('restore refuses a file that is not a Twofold database, and leaves the database alone', async () => {
    const engine = sqliteEngine();
    const junk = join(tempDir(), 'not-a-backup.db');
    writeFileSync(junk, 'this is not a database');
    const r = await runCli(['restore', junk, '--force'], engine.env);
    assert.equal(r.code, 1);
    assert.match(r.output, /not a Twofold database/);
    assert.equal(existsSync(join(engine.env.TWOFOLD_DATA_DIR!, 'twofold.db')), false);
  });
});
