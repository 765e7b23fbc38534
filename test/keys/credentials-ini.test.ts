// The credentials file beyond the key pair: the endpoint a profile saves, members this version
// does not know kept as written (a later CLI may store a session token there), a malformed file
// named with its line and never half-read, and a file other users can read warned about.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MalformedCredentials, parseCredentials, readProfile, setProfile } from '../../src/cli/credentials-ini.js';
import {
  CredentialsError,
  credentialsPath,
  resolveCredentials,
  resolveProfileToken,
  saveProfile,
} from '../../src/cli/credentials-file.js';

const ID = 'ABCDEFGHIJKLMNOPQRS2';
const SECRET = randomBytes(30).toString('base64');
const URL1 = 'http://localhost:8080';

describe('the profile holds the endpoint and keeps what it does not know', () => {
  test('written after the pair, read back; updating one member keeps the others; null removes', () => {
    const text = setProfile('', 'DEFAULT', { keyId: ID, secret: SECRET, endpoint: URL1 });
    assert.equal(
      text,
      `[DEFAULT]\nTWOFOLD_ACCESS_KEY_ID=${ID}\nTWOFOLD_SECRET_ACCESS_KEY=${SECRET}\nTWOFOLD_URL=${URL1}\n`,
    );
    assert.deepEqual(readProfile(text, 'default'), { keyId: ID, secret: SECRET, endpoint: URL1 });
    const moved = setProfile(text, 'DEFAULT', { endpoint: 'https://auth.example.com' });
    assert.deepEqual(readProfile(moved, 'DEFAULT'), {
      keyId: ID,
      secret: SECRET,
      endpoint: 'https://auth.example.com',
    });
    assert.deepEqual(readProfile(setProfile(moved, 'DEFAULT', { endpoint: null }), 'DEFAULT'), {
      keyId: ID,
      secret: SECRET,
    });
  });

  test('a member this version does not know stays when the profile is updated', () => {
    const text = `[work]\nTWOFOLD_FUTURE=abc\nTWOFOLD_ACCESS_KEY_ID=${ID}\n`;
    const next = setProfile(text, 'work', { keyId: ID, secret: SECRET });
    assert.match(next, /^TWOFOLD_FUTURE=abc$/m);
    assert.equal(parseCredentials(next).get('work')?.values.get('TWOFOLD_FUTURE'), 'abc');
  });

  test('the token of `twofold login` is a member: updating the key keeps it, null removes it', () => {
    const text = `[work]\nTWOFOLD_TOKEN=abc\nTWOFOLD_ACCESS_KEY_ID=${ID}\n`;
    const next = setProfile(text, 'work', { keyId: ID, secret: SECRET });
    assert.equal(readProfile(next, 'work')?.token, 'abc');
    assert.doesNotMatch(setProfile(next, 'work', { token: null }), /TWOFOLD_TOKEN/);
  });

  test('a BOM and CRLF line ends are read', () => {
    const text = `\uFEFF[DEFAULT]\r\nTWOFOLD_ACCESS_KEY_ID=${ID}\r\nTWOFOLD_SECRET_ACCESS_KEY=${SECRET}\r\n`;
    assert.deepEqual(readProfile(text, 'DEFAULT'), { keyId: ID, secret: SECRET });
  });
});

describe('a malformed file', () => {
  for (const [what, text, line] of [
    ['a pasted secret on a line of its own', `[DEFAULT]\nTWOFOLD_ACCESS_KEY_ID=${ID}\n${SECRET}\n`, 3],
    ['an unterminated section header', '# mine\n[work\n', 2],
    ['a section name that is no profile name', '[my work]\n', 1],
    ['an empty section name', '\n\n[]\n', 3],
  ] as const) {
    test(`${what}: line ${line}, and the line itself is not repeated`, () => {
      assert.throws(
        () => parseCredentials(text),
        (e: unknown) => e instanceof MalformedCredentials && e.line === line && !e.message.includes(SECRET),
      );
    });
  }

  test('every command names the file and the line; nothing is rewritten', async () => {
    const home = await mkdtemp(join(tmpdir(), 'twofold-ini-'));
    try {
      const path = credentialsPath(home);
      await mkdir(join(home, '.twofold'), { recursive: true });
      const bad = `[DEFAULT]\nTWOFOLD_ACCESS_KEY_ID=${ID}\noops\n`;
      await writeFile(path, bad, { mode: 0o600 });
      const named = (e: unknown) =>
        e instanceof CredentialsError && e.message.startsWith(`${path} is malformed: line 3: expected \`NAME=value\``);
      await assert.rejects(resolveCredentials({ env: {}, path }), named);
      await assert.rejects(saveProfile(path, 'other', { keyId: ID, secret: SECRET }), named);
      assert.equal(await readFile(path, 'utf8'), bad);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});

test('resolution gives the profile endpoint, and warns about a file other users can read', async () => {
  const home = await mkdtemp(join(tmpdir(), 'twofold-ini-'));
  try {
    const path = credentialsPath(home);
    await saveProfile(path, 'DEFAULT', { keyId: ID, secret: SECRET, endpoint: URL1 });
    const warnings: string[] = [];
    const onWarning = (l: string) => warnings.push(l);
    const got = await resolveCredentials({ env: {}, path, onWarning });
    assert.equal(got.endpoint, URL1);
    assert.deepEqual(warnings, [], 'a 0600 file is quiet');
    await chmod(path, 0o640);
    await resolveCredentials({ env: {}, path, onWarning });
    assert.deepEqual(warnings, [
      `${path} can be read or changed by other users (mode 0640); run \`chmod 600 ${path}\``,
    ]);
    const fromEnv = await resolveCredentials({
      env: { TWOFOLD_ACCESS_KEY_ID: ID, TWOFOLD_SECRET_ACCESS_KEY: SECRET },
      path,
      onWarning,
    });
    assert.equal(fromEnv.endpoint, undefined, 'a key from the environment does not read the file');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('the token of `twofold login` is used unless the environment names an access key; logout removes only it', async () => {
  const home = await mkdtemp(join(tmpdir(), 'twofold-ini-'));
  try {
    const path = credentialsPath(home);
    await saveProfile(path, 'work', { keyId: ID, secret: SECRET });
    assert.equal(await resolveProfileToken({ env: {}, profile: 'work', path }), null, 'no token yet');
    await saveProfile(path, 'work', { token: 'tok', endpoint: URL1 });
    assert.deepEqual(await resolveProfileToken({ env: {}, profile: 'WORK', path }), {
      token: 'tok',
      source: `profile "WORK" of ${path}`,
      endpoint: URL1,
    });
    for (const name of ['TWOFOLD_ACCESS_KEY_ID', 'R3_SECRET_ACCESS_KEY'])
      assert.equal(await resolveProfileToken({ env: { [name]: 'x' }, profile: 'work', path }), null, name);
    await saveProfile(path, 'work', { token: null });
    assert.deepEqual(readProfile(await readFile(path, 'utf8'), 'work'), { keyId: ID, secret: SECRET, endpoint: URL1 });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});
