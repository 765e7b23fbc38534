// A stolen database must not hand over credentials: after sign-up, sign-ins, password resets, TOTP
// set-up, an access key and a second-factor sign-in, no password, session token, reset token,
// challenge, TOTP secret, recovery code or access-key secret appears in any row — nor, for a
// SQLite file, anywhere in the bytes on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { temporarySqliteFile } from '../helpers/databases.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { PASSWORD, appUser, bearer, enableTotp, eventually, login, sessionCookie } from './http-helpers.js';

const EMAIL = 'rest@example.com';
const NEW_PASSWORD = 'the second long passphrase';

interface Secrets {
  text: string[];
  raw: Buffer[];
}

function totpSpellings(base32: string, into: Secrets): void {
  const raw = Buffer.from(base32Decode(base32));
  into.raw.push(raw);
  into.text.push(
    base32,
    base32.toLowerCase(),
    raw.toString('hex'),
    raw.toString('hex').toUpperCase(),
    raw.toString('base64'),
    raw.toString('base64url'),
  );
}

async function resetToken(h: Harness, n: number): Promise<string> {
  assert.equal(
    (await h.inject({ method: 'POST', url: '/v1/auth/password/forgot', payload: { email: EMAIL } })).statusCode,
    202,
  );
  const mail = await eventually(
    () => h.mailer.to(EMAIL).filter((m) => /reset-password\?token=/.test(m.text))[n],
    'the reset mail',
  );
  return /reset-password\?token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
}

/** Drives an account through every flow that handles a secret; answers what must not be stored. */
async function everyFlow(h: Harness): Promise<Secrets> {
  const s: Secrets = { text: [PASSWORD, NEW_PASSWORD], raw: [] };
  s.text.push((await appUser(h, EMAIL)).token);
  s.text.push(sessionCookie(await login(h, EMAIL, PASSWORD, 'web')).split('=')[1]!);
  s.text.push((await login(h, EMAIL)).json().token);

  const used = await resetToken(h, 0);
  assert.equal(
    (
      await h.inject({
        method: 'POST',
        url: '/v1/auth/password/reset',
        payload: { token: used, password: NEW_PASSWORD },
      })
    ).statusCode,
    200,
  );
  const token = (await login(h, EMAIL, NEW_PASSWORD)).json().token;
  s.text.push(used, token, await resetToken(h, 1));

  const { secret, recoveryCode } = await enableTotp(h, bearer(token), NEW_PASSWORD);
  totpSpellings(secret, s);
  s.text.push(recoveryCode, recoveryCode.replace(/-/g, ''), recoveryCode.toLowerCase());
  const pending = await h.inject({
    method: 'POST',
    url: '/v1/me/mfa/setup',
    headers: bearer(token),
    payload: { method: 'totp', password: NEW_PASSWORD },
  });
  assert.equal(pending.statusCode, 201);
  totpSpellings(pending.json().secret, s);

  const key = await h.inject({
    method: 'POST',
    url: '/v1/me/access-keys',
    headers: bearer(token),
    payload: { password: NEW_PASSWORD },
  });
  assert.equal(key.statusCode, 201, key.body);
  s.text.push(key.json().secret);
  s.raw.push(Buffer.from(key.json().secret, 'base64'));

  const challenge = (await login(h, EMAIL, NEW_PASSWORD)).json();
  assert.equal(challenge.status, 'mfa_required');
  h.clock.advance(30_000);
  const code = totpAt(base32Decode(secret), h.clock.now());
  const verified = await h.inject({
    method: 'POST',
    url: '/v1/auth/login/verify',
    payload: { challenge: challenge.challenge, code },
  });
  assert.equal(verified.statusCode, 200, verified.body);
  s.text.push(challenge.challenge, verified.json().token);
  return s;
}

async function dump(h: Harness): Promise<Record<string, Record<string, unknown>[]>> {
  const db = h.runtime.db.db;
  const names =
    h.runtime.db.dialect === 'sqlite'
      ? await sql<{
          name: string;
        }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db)
      : await sql<{
          name: string;
        }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(
          db,
        );
  const out: Record<string, Record<string, unknown>[]> = {};
  for (const { name } of names.rows)
    out[name] = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db)).rows;
  return out;
}

function assertAbsent(haystack: Buffer, secrets: Secrets, where: string): void {
  for (const t of secrets.text)
    assert.equal(
      haystack.includes(Buffer.from(t, 'utf8')),
      false,
      `${where} holds a secret (${t.length} chars) in plain text`,
    );
  for (const r of secrets.raw) assert.equal(haystack.includes(r), false, `${where} holds raw secret bytes`);
}

test('no table row holds a password, token, reset link, challenge, TOTP secret, recovery code or access-key secret', async () => {
  const h = await startHarness();
  try {
    const secrets = await everyFlow(h);
    const tables = await dump(h);
    for (const t of [
      'users',
      'sessions',
      'password_resets',
      'mfa_factors',
      'mfa_setups',
      'recovery_codes',
      'mfa_challenges',
      'events',
    ]) {
      assert.ok((tables[t] ?? []).length > 0, `${t} has rows to inspect`);
    }
    const everything = JSON.stringify(tables);
    assert.ok(everything.includes(EMAIL), 'the dump is real: it holds the account');
    for (const [table, rows] of Object.entries(tables)) {
      for (const row of rows) {
        for (const [column, v] of Object.entries(row)) {
          const bytes = Buffer.isBuffer(v)
            ? v
            : Buffer.from(
                typeof v === 'string' ? v : JSON.stringify(v ?? null),
                typeof v === 'string' ? 'latin1' : 'utf8',
              );
          assertAbsent(bytes, secrets, `${table}.${column}`);
          if (typeof v === 'string') assertAbsent(Buffer.from(v, 'utf8'), secrets, `${table}.${column}`);
        }
      }
    }
    for (const u of tables.users!) assert.match(String(u.password_hash), /^\$argon2id\$/);
  } finally {
    await h.close();
  }
});

test('the SQLite file on disk (database and WAL) holds none of those secrets either', async () => {
  const file = temporarySqliteFile();
  try {
    const h = await startHarness({ allowPostgres: false, env: { TWOFOLD_DATABASE_URL: file.url } });
    let secrets: Secrets;
    const readAll = () => Buffer.concat(readdirSync(file.dir).map((f) => readFileSync(join(file.dir, f))));
    try {
      secrets = await everyFlow(h);
      const live = readAll();
      assert.ok(live.includes(Buffer.from(EMAIL)), 'the files hold the account');
      assertAbsent(live, secrets, 'the live database files');
    } finally {
      await h.close();
    }
    assertAbsent(readAll(), secrets, 'the closed database file');
  } finally {
    await file.cleanup();
  }
});
