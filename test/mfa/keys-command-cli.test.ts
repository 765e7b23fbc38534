// The operator's commands: `twofold keys generate` prints a keyring entry; `twofold keys rotate`
// re-seals stored secrets under the first key, says how many, warns about recovery codes still
// made under older keys, and answers config errors and unreadable rows with one line and exit 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseKeyring } from '../../src/core/envelope.js';
import { harnessOn, newKey, sharedDatabase } from './shared-database.js';
import { STEP_MS, challengeFor, enableTotp, phoneCode, signup, startSetup, verify } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function twofold(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      // Only what the command needs: no TWOFOLD_* of the calling shell leaks in.
      {
        cwd: ROOT,
        timeout: 180_000,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: process.env.HOME ?? '',
          LOG_LEVEL: 'silent',
          TWOFOLD_DATA_DIR: '/nonexistent/twofold-test',
          ...env,
        },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('keys generate prints a fresh kid:base64 entry that parses as a 32-byte key', async () => {
  const [a, b, bad, help] = await Promise.all([
    twofold(['keys', 'generate'], {}),
    twofold(['keys', 'generate', '--kid', 'k2027'], {}),
    twofold(['keys', 'generate', '--kid', 'not a kid!'], {}),
    twofold(['--help'], {}),
  ]);
  assert.equal(a.code, 0, a.stderr);
  const entry = a.stdout.trim();
  assert.match(entry, /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/]{43}=$/);
  assert.equal(parseKeyring(entry).keys[0]!.key.length, 32);
  assert.match(a.stderr, /first in TWOFOLD_SECRET_KEYS/);
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stdout, /^k2027:[A-Za-z0-9+/]{43}=\n$/);
  assert.notEqual(entry.split(':')[1], b.stdout.trim().split(':')[1]);

  assert.equal(bad.code, 1);
  assert.equal(bad.stdout, '');
  assert.equal(bad.stderr.trim().split('\n').length, 1);

  assert.match(help.stdout, /\bkeys\b/);
});

test('keys rotate re-seals under the first key, warns about old recovery codes, and refuses what it cannot read', async () => {
  const db = await sharedDatabase();
  const K1 = `k1:${newKey()}`;
  const K2 = `k2:${newKey()}`;
  try {
    const a = await harnessOn(db, K1);
    let secret: string;
    let at: number;
    try {
      ({ secret } = await enableTotp(a, (await signup(a, 'fin@example.com')).token));
      await startSetup(a, (await signup(a, 'gil@example.com')).token);
      at = a.clock.now();
    } finally {
      await a.close();
    }

    // A config error: one line, exit 1, nothing touched. k1 gone from the keyring before any
    // rotation: stop at the row, name it, exit 1. (Neither writes, so they run side by side.)
    const [badKeys, badUrl, lost] = await Promise.all([
      twofold(['keys', 'rotate'], { TWOFOLD_DATABASE_URL: db.url, TWOFOLD_SECRET_KEYS: 'k2:c2hvcnQ=' }),
      twofold(['keys', 'rotate'], { TWOFOLD_DATABASE_URL: 'mysql://x', TWOFOLD_SECRET_KEYS: K2 }),
      twofold(['keys', 'rotate'], { TWOFOLD_DATABASE_URL: db.url, TWOFOLD_SECRET_KEYS: `k3:${newKey()}` }),
    ]);
    assert.equal(badKeys.code, 1);
    assert.equal(badKeys.stdout, '');
    assert.match(badKeys.stderr, /^twofold: configuration error: TWOFOLD_SECRET_KEYS: .*32\n$/);
    assert.equal(badUrl.code, 1);
    assert.match(badUrl.stderr, /^twofold: configuration error: TWOFOLD_DATABASE_URL: [^\n]*\n$/);
    assert.equal(lost.code, 1, lost.stderr);
    assert.match(
      lost.stderr,
      /^twofold: key rotation stopped at mfa_factors row of user \S+ \(secret_enc\): it is sealed under key "k1"[^\n]*\n$/,
    );
    assert.equal(lost.stderr.includes(secret), false);

    const r = await twofold(['keys', 'rotate'], { TWOFOLD_DATABASE_URL: db.url, TWOFOLD_SECRET_KEYS: `${K2},${K1}` });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      're-encrypted 1 factor secrets, 1 pending set-ups, 0 access keys and 0 admin keys under key k2\n',
    );
    assert.match(r.stderr, /1 recovery code\(s\) were made under older keys \(k1: 1\)/);
    assert.equal(r.stderr.includes(K1.slice(3)) || r.stderr.includes(K2.slice(3)), false, 'no key material printed');

    const again = await twofold(['keys', 'rotate'], {
      TWOFOLD_DATABASE_URL: db.url,
      TWOFOLD_SECRET_KEYS: `${K2},${K1}`,
    });
    assert.equal(again.code, 0, again.stderr);
    assert.equal(
      again.stdout,
      're-encrypted 0 factor secrets, 0 pending set-ups, 0 access keys and 0 admin keys under key k2\n',
    );

    // With k2 alone the authenticator app still signs in.
    const c = await harnessOn(db, K2, at);
    try {
      c.clock.advance(STEP_MS);
      const ok = await verify(c, await challengeFor(c, 'fin@example.com'), phoneCode(c, secret));
      assert.equal(ok.statusCode, 200, ok.body);
    } finally {
      await c.close();
    }
  } finally {
    await db.drop();
  }
});
