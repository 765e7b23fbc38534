// `twofold admin webhooks list|replay` as an operator runs it on the server host: a child process
// against the database (a SQLite file here) holding an outbox with a delivered and a failed row.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { openDatabase } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createStorage } from '../../src/storage/storage.js';
import { TWOFOLD, cleanEnv, newKeyring } from '../cluster/processes.js';
import { temporarySqliteFile } from '../helpers/databases.js';

const run = promisify(execFile);

async function twofold(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [...TWOFOLD, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('list shows the outbox by state, replay --failed puts failed deliveries back to pending', async () => {
  const file = temporarySqliteFile();
  try {
    const db = openDatabase(file.url);
    await migrateToLatest(db);
    const outbox = createStorage(db).webhooks;
    const t = Date.now();
    const payload = (id: string) => JSON.stringify({ id, type: 'signin.succeeded' });
    await outbox.enqueue({ id: 'event-1', type: 'signin.succeeded', payload: payload('event-1'), createdAt: t });
    await outbox.enqueue({ id: 'event-2', type: 'mfa.disabled', payload: payload('event-2'), createdAt: t + 1 });
    const held = await outbox.claim('test', t + 10, t + 60_000, 10);
    assert.equal(held.length, 2);
    assert.ok(await outbox.markDelivered('event-1', 'test', t + 20));
    assert.ok(await outbox.markFailed('event-2', 'test', 'HTTP 503'));
    await db.close();

    const env = cleanEnv({ TWOFOLD_DATABASE_URL: file.url, TWOFOLD_SECRET_KEYS: newKeyring(), LOG_LEVEL: 'silent' });
    const failed = await twofold(['admin', 'webhooks', 'list', '--state', 'failed', '--json'], env);
    assert.equal(failed.code, 0, failed.stderr);
    const rows = JSON.parse(failed.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      rows.map((r) => [r.id, r.state, r.attempts, r.last_error]),
      [['event-2', 'failed', 1, 'HTTP 503']],
    );
    assert.ok(!('payload' in rows[0]!), 'the CLI never prints a payload');

    const table = await twofold(['admin', 'webhooks', 'list'], env);
    assert.match(table.stdout, /event-1\s+signin\.succeeded\s+delivered/);

    const bad = await twofold(['admin', 'webhooks', 'list', '--state', 'lost'], env);
    assert.notEqual(bad.code, 0);
    const neither = await twofold(['admin', 'webhooks', 'replay'], env);
    assert.equal(neither.code, 2);

    const replay = await twofold(['admin', 'webhooks', 'replay', '--failed'], env);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stdout, /1 delivery back to pending/);
    const pending = JSON.parse(
      (await twofold(['admin', 'webhooks', 'list', '--state', 'pending', '--json'], env)).stdout,
    );
    assert.deepEqual(
      (pending as { id: string }[]).map((r) => r.id),
      ['event-2'],
    );
    const unknown = await twofold(['admin', 'webhooks', 'replay', '--id', 'event-99'], env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no webhook delivery event-99/);
  } finally {
    await file.cleanup();
  }
});
