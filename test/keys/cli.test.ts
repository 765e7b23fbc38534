// The `twofold` CLI as a user runs it: a child process (`node --import tsx src/cli/main.ts …`,
// so no stale build is tested) against a real server process on a free port, with HOME in a
// temporary directory. Covers configure (file and modes), whoami, access-keys, mfa, sessions,
// events, --json, profiles and environment credentials, and the one-line failures with their exit
// codes: a bad secret, no credentials, a server that is down, a usage mistake.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../cluster/processes.js';
import { PASSWORD, oneLine, startCliServer, type CliServer, type Run } from './cli-support.js';

const EMAIL = 'cli-user@example.com';
let cli: CliServer;
let home = '';
let dataDir = '';
let endpoint = '';
let key = { id: '', secret: '' };
const twofold: CliServer['twofold'] = (args, opts) => cli.twofold(args, opts);

before(async () => {
  cli = await startCliServer(EMAIL);
  ({ home, dataDir, endpoint, key } = cli);
});

after(() => cli.stop());

test('configure writes ~/.twofold/credentials (0600 in a 0700 directory) under [DEFAULT], secret from stdin', async () => {
  const r = await twofold(['configure', '--access-key-id', key.id], { input: `${key.secret}\n` });
  assert.equal(r.code, 0, r.stderr);
  const path = join(home, '.twofold', 'credentials');
  assert.match(r.stdout, new RegExp(`Saved access key ${key.id}`));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal((await stat(join(home, '.twofold'))).mode & 0o777, 0o700);
  assert.equal(
    await readFile(path, 'utf8'),
    `[DEFAULT]\nTWOFOLD_ACCESS_KEY_ID=${key.id}\nTWOFOLD_SECRET_ACCESS_KEY=${key.secret}\nTWOFOLD_URL=${endpoint}\n`,
  );
});

// Commands that change nothing run side by side (each child pays the CLI's start-up).
describe('read-only commands and failures', { concurrency: 4 }, () => {
  test('whoami prints the email, and --json the user', async () => {
    const [r, j] = await Promise.all([
      twofold(['whoami']),
      twofold(['whoami', '--json', '--endpoint', endpoint], { env: { TWOFOLD_URL: 'http://127.0.0.1:1' } }),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `${EMAIL}\n`);
    // Which way the profile authenticates goes to stderr (stdout stays the email for scripts).
    assert.match(r.stderr, new RegExp(`^twofold: signed requests with access key ${key.id} from profile "DEFAULT"`));
    assert.equal(j.code, 0, `--endpoint wins over TWOFOLD_URL: ${j.stderr}`);
    assert.equal(JSON.parse(j.stdout).email, EMAIL);
  });

  test('access-keys list: an aligned table, and --json that parses, never with a secret; mfa status', async () => {
    const [t, j, mfa] = await Promise.all([
      twofold(['access-keys', 'list']),
      twofold(['access-keys', 'list', '--json']),
      twofold(['mfa', 'status']),
    ]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /^ID {20}STATUS {3}CREATED {15}LAST USED/);
    assert.match(t.stdout, new RegExp(`\n${key.id}  enabled  `));
    assert.equal(j.code, 0, j.stderr);
    const list = JSON.parse(j.stdout) as { id: string }[];
    assert.deepEqual(
      list.map((k) => k.id),
      [key.id],
    );
    assert.equal(j.stdout.includes(key.secret) || t.stdout.includes(key.secret), false);
    assert.equal(mfa.stdout, 'Two-factor authentication: off\n', mfa.stderr);
  });

  test('a bad secret: exit 1, one line naming a wrong or disabled key and the clock; R3_ names work', async () => {
    const [r, r3] = await Promise.all([
      twofold(['whoami'], {
        env: { TWOFOLD_ACCESS_KEY_ID: key.id, TWOFOLD_SECRET_ACCESS_KEY: randomBytes(30).toString('base64') },
      }),
      twofold(['whoami'], { env: { R3_ACCESS_KEY_ID: key.id, R3_SECRET_ACCESS_KEY: key.secret }, home: dataDir }),
    ]);
    assert.equal(r.code, 1);
    const line = oneLine(r);
    assert.match(line, /^twofold: whoami failed: /);
    assert.match(line, /wrong or disabled/);
    assert.match(line, /clock/);
    assert.equal(r.stdout, '');
    assert.equal(r3.stdout, `${EMAIL}\n`, `R3_ names in the environment work: ${r3.stderr}`);
  });

  test('no credentials: exit 1, one line saying to run twofold configure', async () => {
    const r = await twofold(['whoami'], { home: dataDir });
    assert.equal(r.code, 1);
    assert.match(oneLine(r), /run `twofold configure`/);
  });

  test('usage mistakes exit 2: an unknown command or option, a bad id, limit or endpoint, create without a password', async () => {
    const runs = await Promise.all(
      [
        ['no-such-command'],
        ['whoami', '--no-such-option'],
        ['access-keys', 'enable', 'not-an-id'],
        ['events', '--limit', '0'],
        ['whoami', '--endpoint', 'not a url'],
        ['access-keys', 'create'],
      ].map((args) => twofold(args)),
    );
    for (const r of runs) assert.equal(r.code, 2, r.stderr);
    assert.match(oneLine(runs[5] as Run), /--password-stdin/);
  });

  test('the server is down: exit 1, one line saying the server at URL is not reachable', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const r = await twofold(['whoami', '--endpoint', down]);
    assert.equal(r.code, 1);
    const line = oneLine(r);
    assert.ok(line.includes(`the Twofold server at ${down} is not reachable`), line);
    assert.match(line, /ECONNREFUSED/);
  });
});

test('access-keys create --password-stdin prints the new pair once; a profile holds it; disable, enable, delete', async () => {
  const bad = await twofold(['access-keys', 'create', '--password-stdin'], { input: 'wrong password\n' });
  assert.equal(bad.code, 1);
  assert.match(oneLine(bad), /password is not correct/);
  const r = await twofold(['access-keys', 'create', '--password-stdin'], { input: `${PASSWORD}\n` });
  assert.equal(r.code, 0, r.stderr);
  const id = /^TWOFOLD_ACCESS_KEY_ID=([A-Z2-7]{20})$/m.exec(r.stdout)?.[1] ?? '';
  const secret = /^TWOFOLD_SECRET_ACCESS_KEY=(\S+)$/m.exec(r.stdout)?.[1] ?? '';
  assert.equal(Buffer.from(secret, 'base64').length, 30);
  assert.match(r.stderr, /only time the secret/);

  const saved = await twofold(['configure', '--profile', 'ci'], { input: r.stdout }); // the printed lines, piped
  assert.equal(saved.code, 0, saved.stderr);
  const file = await readFile(join(home, '.twofold', 'credentials'), 'utf8');
  assert.match(file, /^\[DEFAULT\]\n/);
  assert.match(file, new RegExp(`\n\\[ci\\]\nTWOFOLD_ACCESS_KEY_ID=${id}\n`));
  const [who, off] = [await twofold(['whoami', '--profile', 'CI']), await twofold(['access-keys', 'disable', id])];
  assert.equal(who.stdout, `${EMAIL}\n`, `profile names are case-insensitive: ${who.stderr}`);
  assert.equal(off.stdout, `Access key ${id} is disabled.\n`, off.stderr);
  const [refused, on] = [
    await twofold(['whoami', '--profile', 'ci']),
    await twofold(['access-keys', 'enable', id.toLowerCase(), '--json']),
  ];
  assert.equal(refused.code, 1);
  assert.match(oneLine(refused), /disabled/);
  assert.equal(JSON.parse(on.stdout).enabled, true);
  const del = await twofold(['access-keys', 'delete', id, '--json', '--yes']);
  assert.deepEqual(JSON.parse(del.stdout), { id, deleted: true });
  const gone = await twofold(['access-keys', 'delete', id, '-y']);
  assert.equal(gone.code, 1);
  assert.match(oneLine(gone), /no access key/);
});

test('sessions list and end; events --limit 3 shows ids and pages with --before', async () => {
  const [s, table] = await Promise.all([twofold(['sessions', 'list', '--json']), twofold(['sessions', 'list'])]);
  assert.equal(s.code, 0, s.stderr);
  const sessions = JSON.parse(s.stdout) as { id: string }[];
  assert.equal(sessions.length, 1, 'the sign-up session');
  assert.match(table.stdout, /^ID\s+CLIENT\s+CREATED\s+LAST SEEN\s+IP\s+USER AGENT\n/);
  assert.equal((await twofold(['sessions', 'end', sessions[0]?.id ?? ''])).code, 0);

  const [after, ev, j] = await Promise.all([
    twofold(['sessions', 'list', '--json']),
    twofold(['events', '--limit', '3']),
    twofold(['events', '--limit', '3', '--json']),
  ]);
  assert.deepEqual(JSON.parse(after.stdout), []);
  assert.equal(ev.code, 0, ev.stderr);
  const lines = ev.stdout.trimEnd().split('\n');
  assert.match(lines[0] ?? '', /^ID\s+AT\s+TYPE\s+IP\s+DETAILS$/);
  assert.equal(lines.length, 4, ev.stdout);
  // A full page says how to get the next one, by the ID column's last id.
  const lastId = /^(\d+)\s/.exec(lines[3] ?? '')?.[1];
  assert.equal(ev.stderr, `twofold: older events: twofold events --before ${lastId}\n`);
  const older = await twofold(['events', '--before', lastId ?? '', '--json']);
  assert.ok(
    (JSON.parse(older.stdout) as { id: number }[]).every((e) => e.id < Number(lastId)),
    older.stdout,
  );
  const events = JSON.parse(j.stdout) as { type: string }[];
  assert.equal(events.length, 3);
  assert.equal(events[0]?.type, 'session.ended');
});
