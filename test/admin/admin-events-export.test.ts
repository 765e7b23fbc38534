// `twofold admin events --since … --format jsonl` (docs/admin.md): the security log of every
// account and the admin audit log, one JSON object a line, oldest first, from the given time, run
// as an operator runs it (a child process against the database file), across pages.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseSince } from '../../src/cli/admin-events-command.js';
import { openDatabase, type DatabaseHandle } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createStorage } from '../../src/storage/storage.js';
import { temporarySqliteFile } from '../helpers/databases.js';

const MAIN = join(fileURLToPath(new URL('../..', import.meta.url)), 'src', 'cli', 'main.ts');
const TSX = import.meta.resolve('tsx');
const file = temporarySqliteFile();
let db: DatabaseHandle;
const T0 = Date.parse('2026-07-01T00:00:00Z');

before(async () => {
  db = openDatabase(file.url);
  await migrateToLatest(db);
  const s = createStorage(db);
  await s.users.create({ id: 'u1', email: 'a@example.com', passwordHash: null, createdAt: T0, emailVerifiedAt: null });
  // More than one page (500) of events, half of them before --since.
  for (let i = 0; i < 1200; i++)
    await s.events.append({
      userId: 'u1',
      type: 'signin.succeeded',
      at: T0 + i * 60_000,
      ip: '192.0.2.1',
      userAgent: null,
      data: { n: i },
    });
  await s.admin.appendAudit({
    at: T0 + 700 * 60_000,
    keyId: 'K',
    keyName: 'alice',
    action: 'POST /v1/admin/users/:id/lock',
    targetUserId: 'u1',
    reason: 'fraud',
    ticket: 'T-1',
    status: 200,
    ip: '127.0.0.1',
    userAgent: null,
  });
  await db.close();
});
after(async () => {
  await file.cleanup();
});

test('--since takes a date, a time or a duration back; anything else is refused', () => {
  assert.equal(parseSince('2026-07-01', 0), T0);
  assert.equal(parseSince('24h', T0), T0 - 86_400_000);
  assert.equal(parseSince('yesterday', T0), null);
});

test('every security event and audit entry since the time, as JSON lines, across pages', async () => {
  const since = new Date(T0 + 600 * 60_000).toISOString();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', TSX, MAIN, 'admin', 'events', '--since', since, '--format', 'jsonl'],
    { env: { ...process.env, TWOFOLD_DATABASE_URL: file.url, LOG_LEVEL: 'silent' }, maxBuffer: 10 << 20 },
  );
  const lines = stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const security = lines.filter((l) => l.log === 'security');
  const admin = lines.filter((l) => l.log === 'admin');
  assert.equal(security.length, 600);
  assert.deepEqual(security[0]!.data, { n: 600 });
  assert.equal(security.at(-1)!.at, new Date(T0 + 1199 * 60_000).toISOString());
  assert.equal(admin.length, 1);
  assert.equal(admin[0]!.reason, 'fraud');
  assert.equal(admin[0]!.key_name, 'alice');
});
