// src/cli/credentials-file.ts: the INI of ~/.twofold/credentials (profiles case-insensitive,
// R3_ names read too, other lines kept on update), its file modes, and the resolution order
// environment → profile.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile, chmod, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CredentialsError,
  credentialsPath,
  isAccessKeyId,
  isAccessKeySecret,
  isProfileName,
  parseCredentials,
  readProfile,
  resolveCredentials,
  saveProfile,
  setProfile,
} from '../../src/cli/credentials-file.js';

const ID1 = 'ABCDEFGHIJKLMNOPQRS2';
const ID2 = 'ZYXWVUTSRQPONMLKJI77';
const SECRET1 = randomBytes(30).toString('base64');
const SECRET2 = randomBytes(30).toString('base64');

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'twofold-cred-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('validation', () => {
  test('access key ids are 20 characters of A-Z2-7', () => {
    assert.equal(isAccessKeyId(ID1), true);
    for (const bad of [
      '',
      'abcdefghijklmnopqrs2',
      'ABCDEFGHIJKLMNOPQRS1',
      'ABCDEFGHIJKLMNOPQRS',
      'ABCDEFGHIJKLMNOPQRS22',
      `${ID1}\n`,
    ]) {
      assert.equal(isAccessKeyId(bad), false, JSON.stringify(bad));
    }
  });
  test('secrets are standard base64 of exactly 30 bytes', () => {
    assert.equal(isAccessKeySecret(SECRET1), true);
    for (const bad of [
      '',
      randomBytes(29).toString('base64'),
      randomBytes(31).toString('base64'),
      randomBytes(30)
        .toString('base64url')
        .replace(/[A-Za-z0-9]/g, '-'),
      `${SECRET1}=`,
      SECRET1.slice(1),
    ]) {
      assert.equal(isAccessKeySecret(bad), false, JSON.stringify(bad));
    }
  });
  test('profile names', () => {
    for (const ok of ['DEFAULT', 'work', 'ci-prod', 'a.b_c@d']) assert.equal(isProfileName(ok), true, ok);
    for (const bad of ['', ' work', 'a]b', 'a b', 'x'.repeat(65), '-lead'])
      assert.equal(isProfileName(bad), false, bad);
  });
});

describe('parsing', () => {
  test('sections per profile, case-insensitive names and keys, comments, quotes and spaces', () => {
    const text = [
      '# Twofold credentials',
      '[default]',
      `twofold_access_key_id = ${ID1}`,
      `TWOFOLD_SECRET_ACCESS_KEY="${SECRET1}"`,
      '',
      '; the CI key',
      '[ Work ]',
      `R3_ACCESS_KEY_ID=${ID2}   # inline comment`,
      `R3_SECRET_ACCESS_KEY: ${SECRET2}`,
    ].join('\r\n');
    assert.deepEqual(readProfile(text, 'DEFAULT'), { keyId: ID1, secret: SECRET1 });
    assert.deepEqual(readProfile(text, 'work'), { keyId: ID2, secret: SECRET2 }, 'R3_ names are read');
    assert.deepEqual(readProfile(text, 'WORK'), { keyId: ID2, secret: SECRET2 });
    assert.equal(readProfile(text, 'other'), null);
    assert.deepEqual(
      [...parseCredentials(text).values()].map((p) => p.name),
      ['default', 'Work'],
    );
  });
  test('TWOFOLD_ names win over R3_ names in one profile; keys before any section are DEFAULT', () => {
    const text = `R3_ACCESS_KEY_ID=${ID2}\nR3_SECRET_ACCESS_KEY=${SECRET2}\nTWOFOLD_ACCESS_KEY_ID=${ID1}\n`;
    assert.deepEqual(readProfile(text, 'default'), { keyId: ID1, secret: SECRET2 });
  });
  test('an empty or comment-only file has no profile', () => {
    assert.equal(readProfile('', 'DEFAULT'), null);
    assert.equal(readProfile('# nothing\n', 'DEFAULT'), null);
    assert.deepEqual(readProfile('[DEFAULT]\n', 'DEFAULT'), {});
  });
});

describe('updating', () => {
  test('a new file gets a [DEFAULT] section with the two keys', () => {
    assert.equal(
      setProfile('', 'DEFAULT', { keyId: ID1, secret: SECRET1 }),
      `[DEFAULT]\nTWOFOLD_ACCESS_KEY_ID=${ID1}\nTWOFOLD_SECRET_ACCESS_KEY=${SECRET1}\n`,
    );
  });
  test('updating one profile keeps the others, comments and order; R3_ lines of that profile are replaced', () => {
    const text = [
      '# keep me',
      '[default]',
      `R3_ACCESS_KEY_ID=${ID2}`,
      `R3_SECRET_ACCESS_KEY=${SECRET2}`,
      'region=eu',
      '',
      '[work]',
      `TWOFOLD_ACCESS_KEY_ID=${ID2}`,
      `TWOFOLD_SECRET_ACCESS_KEY=${SECRET2}`,
      '',
    ].join('\n');
    const next = setProfile(text, 'DEFAULT', { keyId: ID1, secret: SECRET1 });
    assert.equal(
      next,
      [
        '# keep me',
        '[default]',
        `TWOFOLD_ACCESS_KEY_ID=${ID1}`,
        `TWOFOLD_SECRET_ACCESS_KEY=${SECRET1}`,
        'region=eu',
        '',
        '[work]',
        `TWOFOLD_ACCESS_KEY_ID=${ID2}`,
        `TWOFOLD_SECRET_ACCESS_KEY=${SECRET2}`,
        '',
      ].join('\n'),
    );
    assert.deepEqual(readProfile(next, 'default'), { keyId: ID1, secret: SECRET1 });
    assert.deepEqual(readProfile(next, 'work'), { keyId: ID2, secret: SECRET2 });
  });
  test('a new profile is appended; a profile named in another case updates the existing section', () => {
    const one = setProfile('', 'DEFAULT', { keyId: ID1, secret: SECRET1 });
    const two = setProfile(one, 'Work', { keyId: ID2, secret: SECRET2 });
    assert.equal(two, `${one}\n[Work]\nTWOFOLD_ACCESS_KEY_ID=${ID2}\nTWOFOLD_SECRET_ACCESS_KEY=${SECRET2}\n`);
    const three = setProfile(two, 'WORK', { keyId: ID1, secret: SECRET1 });
    assert.equal((three.match(/\[work\]/gi) ?? []).length, 1);
    assert.deepEqual(readProfile(three, 'work'), { keyId: ID1, secret: SECRET1 });
    assert.deepEqual(readProfile(three, 'default'), { keyId: ID1, secret: SECRET1 });
  });
  test('keys written before any section (implicit DEFAULT) are replaced, not duplicated', () => {
    const next = setProfile(`TWOFOLD_ACCESS_KEY_ID=${ID2}\nTWOFOLD_SECRET_ACCESS_KEY=${SECRET2}\n`, 'default', {
      keyId: ID1,
      secret: SECRET1,
    });
    assert.deepEqual(readProfile(next, 'DEFAULT'), { keyId: ID1, secret: SECRET1 });
    assert.equal(next.includes(ID2), false);
  });
});

describe('the file', () => {
  test('credentialsPath is $HOME/.twofold/credentials', () => {
    assert.equal(credentialsPath('/home/ann'), '/home/ann/.twofold/credentials');
  });
  test('saveProfile creates the directory 0700 and the file 0600, tightens looser modes, and keeps other profiles', () =>
    withTmp(async (home) => {
      const path = credentialsPath(home);
      await saveProfile(path, 'DEFAULT', { keyId: ID1, secret: SECRET1 });
      assert.equal((await stat(join(home, '.twofold'))).mode & 0o777, 0o700);
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      await chmod(path, 0o644);
      await chmod(join(home, '.twofold'), 0o755);
      await saveProfile(path, 'ci', { keyId: ID2, secret: SECRET2 });
      assert.equal((await stat(path)).mode & 0o777, 0o600);
      assert.equal((await stat(join(home, '.twofold'))).mode & 0o777, 0o700);
      const text = await readFile(path, 'utf8');
      assert.deepEqual(readProfile(text, 'DEFAULT'), { keyId: ID1, secret: SECRET1 });
      assert.deepEqual(readProfile(text, 'CI'), { keyId: ID2, secret: SECRET2 });
    }));
});

describe('resolution: environment first, then the profile', () => {
  test('TWOFOLD_ env wins over the file, R3_ env is read, the file is used otherwise', () =>
    withTmp(async (home) => {
      const path = credentialsPath(home);
      await saveProfile(path, 'DEFAULT', { keyId: ID1, secret: SECRET1 });
      await saveProfile(path, 'work', { keyId: ID2, secret: SECRET2 });
      const env = { TWOFOLD_ACCESS_KEY_ID: ID2, TWOFOLD_SECRET_ACCESS_KEY: SECRET2 };
      assert.deepEqual(await resolveCredentials({ env, path }), {
        keyId: ID2,
        secret: SECRET2,
        source: 'the environment',
      });
      assert.equal(
        (await resolveCredentials({ env: { R3_ACCESS_KEY_ID: ID2, R3_SECRET_ACCESS_KEY: SECRET2 }, path })).keyId,
        ID2,
      );
      const fromFile = await resolveCredentials({ env: {}, path });
      assert.deepEqual([fromFile.keyId, fromFile.secret], [ID1, SECRET1]);
      assert.match(fromFile.source, /profile "DEFAULT"/);
      assert.equal(
        (await resolveCredentials({ env: {}, path, profile: 'WORK' })).keyId,
        ID2,
        'profile names are case-insensitive',
      );
      assert.equal((await resolveCredentials({ env: { TWOFOLD_PROFILE: 'work' }, path })).keyId, ID2);
    }));
  test('failures say what to do', () =>
    withTmp(async (home) => {
      const path = credentialsPath(home);
      await assert.rejects(
        resolveCredentials({ env: {}, path }),
        (e: Error) => e instanceof CredentialsError && /twofold configure/.test(e.message),
      );
      await assert.rejects(
        resolveCredentials({ env: { TWOFOLD_ACCESS_KEY_ID: ID1 }, path }),
        /sets only TWOFOLD_ACCESS_KEY_ID/,
      );
      await assert.rejects(
        resolveCredentials({ env: { TWOFOLD_ACCESS_KEY_ID: 'nope', TWOFOLD_SECRET_ACCESS_KEY: SECRET1 }, path }),
        /access key id .* not valid/,
      );
      await saveProfile(path, 'DEFAULT', { keyId: ID1, secret: SECRET1 });
      await assert.rejects(
        resolveCredentials({ env: {}, path, profile: 'ci' }),
        /profile "ci" is not in .*twofold configure --profile ci/,
      );
      await mkdir(join(home, '.twofold'), { recursive: true });
      await writeFile(path, `[DEFAULT]\nTWOFOLD_ACCESS_KEY_ID=${ID1}\n`);
      await assert.rejects(resolveCredentials({ env: {}, path }), /has no secret access key; run `twofold configure`/);
      await writeFile(path, `[DEFAULT]\nTWOFOLD_ACCESS_KEY_ID=${ID1}\nTWOFOLD_SECRET_ACCESS_KEY=short\n`);
      await assert.rejects(
        resolveCredentials({ env: {}, path }),
        /secret access key in profile "DEFAULT" .* is not valid/,
      );
    }));
});
