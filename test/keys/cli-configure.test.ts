// `twofold configure` as the first-hour user meets it (issue 14, item 9): the endpoint saved in
// the profile so later commands need neither --endpoint nor TWOFOLD_URL; the secret from stdin or
// typed without echo, never taken from the command line; the key checked with the server before
// anything is written; a file other users can read warned about; a malformed file named with its
// line; the global options before or after the subcommand.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../cluster/processes.js';
import { oneLine, startCliServer, type CliServer } from './cli-support.js';

const EMAIL = 'configure-user@example.com';
let cli: CliServer;
const file = () => join(cli.home, '.twofold', 'credentials');
/** No TWOFOLD_URL: where the endpoint comes from is what these tests are about. */
const NO_URL = { TWOFOLD_URL: '' };

before(async () => {
  cli = await startCliServer(EMAIL);
});
after(() => cli.stop());

describe('configure', { concurrency: 1 }, () => {
  test('saves the endpoint: later commands need neither --endpoint nor TWOFOLD_URL; flag > env > profile', async () => {
    const r = await cli.twofold(['configure', '--endpoint', cli.endpoint, '--access-key-id', cli.key.id], {
      input: cli.key.secret,
      env: NO_URL,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`Saved access key ${cli.key.id} \\(${EMAIL} at ${cli.endpoint}\\)`));
    assert.match(await readFile(file(), 'utf8'), new RegExp(`^TWOFOLD_URL=${cli.endpoint}$`, 'm'));
    const down = `http://127.0.0.1:${await freePort()}`;
    const [plain, envWins, flagWins] = await Promise.all([
      cli.twofold(['whoami'], { env: NO_URL }),
      cli.twofold(['whoami'], { env: { TWOFOLD_URL: down } }),
      cli.twofold(['whoami', '--endpoint', cli.endpoint], { env: { TWOFOLD_URL: down } }),
    ]);
    assert.equal(plain.stdout, `${EMAIL}\n`, plain.stderr);
    assert.equal(envWins.code, 1);
    assert.ok(oneLine(envWins).includes(`${down} is not reachable`), 'TWOFOLD_URL wins over the profile');
    assert.equal(flagWins.stdout, `${EMAIL}\n`, flagWins.stderr);
  });

  test('global options work before or after the subcommand', async () => {
    const runs = await Promise.all([
      cli.twofold(['--json', '--profile', 'default', 'whoami'], { env: NO_URL }),
      cli.twofold(['whoami', '--profile', 'default', '--json'], { env: NO_URL }),
      cli.twofold(['--endpoint', cli.endpoint, 'access-keys', '--json', 'list'], { env: { TWOFOLD_URL: 'x:' } }),
      cli.twofold(['--profile=nope', 'mfa', 'status'], { env: NO_URL }),
    ]);
    assert.equal(JSON.parse(runs[0].stdout).email, EMAIL, runs[0].stderr);
    assert.equal(JSON.parse(runs[1].stdout).email, EMAIL, runs[1].stderr);
    assert.equal((JSON.parse(runs[2].stdout) as unknown[]).length, 1, runs[2].stderr);
    assert.match(oneLine(runs[3]), /profile "nope" is not in/);
  });

  test('a refused key, an unknown key and an unreachable endpoint: exit 1, one line, nothing written', async () => {
    const before = await readFile(file(), 'utf8');
    const otherId = 'A'.repeat(20);
    const [wrongSecret, unknownKey, unreachable] = await Promise.all([
      cli.twofold(['configure', '--profile', 'p1', '--access-key-id', cli.key.id], {
        input: randomBytes(30).toString('base64'),
      }),
      cli.twofold(['configure', '--profile', 'p2', '--access-key-id', otherId], { input: cli.key.secret }),
      cli.twofold(['configure', '--profile', 'p3', '--access-key-id', cli.key.id], {
        input: cli.key.secret,
        env: { TWOFOLD_URL: `http://127.0.0.1:${await freePort()}` },
      }),
    ]);
    for (const r of [wrongSecret, unknownKey]) {
      assert.equal(r.code, 1);
      assert.match(
        oneLine(r),
        /refused access key .*the secret is wrong, or the key is unknown there or disabled.*nothing was saved/,
      );
    }
    assert.equal(unreachable.code, 1);
    assert.match(
      oneLine(unreachable),
      /^twofold: configure failed: cannot reach http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\).*nothing was saved/,
    );
    assert.equal(await readFile(file(), 'utf8'), before);
  });

  test('the secret is never taken from the command line: usage error, exit 2, nothing written', async () => {
    const before = await readFile(file(), 'utf8');
    const r = await cli.twofold(
      ['configure', '--profile', 'argv', '--access-key-id', cli.key.id, '--secret-access-key', cli.key.secret],
      { input: cli.key.secret },
    );
    assert.equal(r.code, 2);
    assert.match(oneLine(r), /--secret-access-key is refused: .*`ps`.*history.*pipe it/);
    assert.doesNotMatch(r.stderr, new RegExp(cli.key.secret.replace(/[+/]/g, '.')), 'the secret is not echoed back');
    const empty = await cli.twofold(['configure', '--access-key-id', cli.key.id]);
    assert.equal(empty.code, 2);
    assert.match(oneLine(empty), /pipe it in/);
    assert.equal(await readFile(file(), 'utf8'), before);
  });

  test('on a terminal: asks the endpoint, the id and the secret (not echoed), then saves', async () => {
    const r = await cli.onTerminal(
      ['configure', '--profile', 'typed'],
      [
        [/Endpoint \[[^\]]+\]: /, `${cli.endpoint}\r`],
        [/Access key ID: /, `${cli.key.id}\r`],
        [/Secret access key: /, `${cli.key.secret}\r`],
      ],
      { env: NO_URL },
    );
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /Saved access key .* as profile "typed"/);
    assert.equal(r.stdout.includes(cli.key.secret), false, 'the secret is not echoed on the terminal');
    assert.match(
      await readFile(file(), 'utf8'),
      /\[typed\]\nTWOFOLD_ACCESS_KEY_ID=\w+\nTWOFOLD_SECRET_ACCESS_KEY=\S+\nTWOFOLD_URL=/,
    );
  });

  test('a file other users can read: warned when read and when rewritten (then 0600)', async () => {
    await chmod(file(), 0o644);
    const who = await cli.twofold(['whoami'], { env: NO_URL });
    assert.equal(who.stdout, `${EMAIL}\n`);
    // The warning, then whoami's own note on which credentials it used (nothing else).
    const [warning, note, ...rest] = who.stderr.trimEnd().split('\n');
    assert.match(warning ?? '', /can be read or changed by other users \(mode 0644\); run `chmod 600 /);
    assert.match(note ?? '', /^twofold: signed requests with access key /);
    assert.deepEqual(rest, []);
    const r = await cli.twofold(['configure', '--access-key-id', cli.key.id], { input: cli.key.secret });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /could be read or changed by other users \(mode 0644\); it is now 0600/);
    assert.equal((await stat(file())).mode & 0o777, 0o600);
  });

  test('a malformed credentials file is named as malformed, with the path and line', async () => {
    const home = join(cli.dataDir, 'malformed-home');
    await mkdir(join(home, '.twofold'), { recursive: true, mode: 0o700 });
    const path = join(home, '.twofold', 'credentials');
    await writeFile(path, `[DEFAULT]\nTWOFOLD_ACCESS_KEY_ID=${cli.key.id}\n${cli.key.secret}\n`, { mode: 0o600 });
    const [who, conf] = await Promise.all([
      cli.twofold(['whoami'], { home }),
      cli.twofold(['configure', '--access-key-id', cli.key.id], { home, input: cli.key.secret }),
    ]);
    for (const r of [who, conf]) {
      assert.equal(r.code, 1);
      const line = oneLine(r);
      assert.ok(line.includes(`${path} is malformed: line 3: expected \`NAME=value\``), line);
      assert.equal(line.includes(cli.key.secret), false, 'the offending line is not repeated');
    }
    assert.match(await readFile(path, 'utf8'), new RegExp(`^${cli.key.secret.replace(/[+/]/g, '.')}$`, 'm'));
    await rm(home, { recursive: true });
  });
});
