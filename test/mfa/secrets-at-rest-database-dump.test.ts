// A stolen database dump must not give away a second factor: no TOTP secret (in base32, hex,
// base64 or as raw bytes) and no recovery code (as shown or normalised) may appear in any row of
// any table, while a set-up is pending, once it is on, after a renewal and after a re-configure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode } from '../../src/core/base32.js';
import type { Harness } from '../helpers/harness.js';
import { PASSWORD, STEP_MS, dumpAllTables, phoneCode, post, signup, startHarness, startSetup } from './support.js';

/** Every spelling of a secret that a careless implementation might store. */
function spellings(secretBase32: string, recoveryCodes: string[]): { text: string[]; bytes: Buffer[] } {
  const raw = Buffer.from(base32Decode(secretBase32));
  const text = [
    secretBase32,
    secretBase32.toLowerCase(),
    raw.toString('hex'),
    raw.toString('hex').toUpperCase(),
    raw.toString('base64'),
    raw.toString('base64url'),
    raw.toString('latin1'),
  ];
  for (const code of recoveryCodes)
    text.push(code, code.replace(/-/g, ''), code.toLowerCase(), code.replace(/-/g, '').toLowerCase());
  return { text, bytes: [raw] };
}

/** Searches every value of every row, and the JSON text of the whole dump, for any spelling. */
async function assertNotInDatabase(
  h: Harness,
  what: string,
  secretBase32: string,
  recoveryCodes: string[],
): Promise<void> {
  const dump = await dumpAllTables(h, ['mfa_factors', 'mfa_setups']);
  const { text, bytes } = spellings(secretBase32, recoveryCodes);
  const json = JSON.stringify(dump);
  for (const t of text) assert.equal(json.includes(t), false, `${what}: a spelling of a secret is in the dump's JSON`);
  let values = 0;
  for (const [table, rows] of Object.entries(dump)) {
    for (const row of rows) {
      for (const [column, v] of Object.entries(row)) {
        values++;
        const where = `${what}: ${table}.${column}`;
        if (typeof v === 'string') {
          for (const t of text) assert.equal(v.includes(t), false, `${where} holds a secret in plain text`);
          const asBytes = Buffer.from(v, 'latin1');
          for (const b of bytes) assert.equal(asBytes.includes(b), false, `${where} holds the raw secret bytes`);
        } else if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
          const buf = Buffer.from(v);
          for (const b of bytes) assert.equal(buf.includes(b), false, `${where} holds the raw secret bytes`);
          for (const t of text) assert.equal(buf.includes(Buffer.from(t, 'utf8')), false, `${where} holds a secret`);
        }
      }
    }
  }
  assert.ok(values > 20, `${what}: the dump has rows (${values} values)`);
  // What the dump does hold: envelopes (v1.<kid>.…) and a keyed hash that names its key.
  assert.ok(dump.mfa_setups!.length >= 1);
  for (const s of dump.mfa_setups!) {
    // A pending set-up holds its secret sealed; a confirmed one holds nothing (the factor has it).
    if (s.used_at === null) assert.match(String(s.secret_enc), /^v1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    else assert.equal(s.secret_enc, null, `${what}: a confirmed set-up still holds its secret`);
  }
  for (const f of dump.mfa_factors!) assert.match(String(f.secret_enc), /^v1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  for (const rc of dump.recovery_codes!) {
    assert.match(String(rc.code_hash), /^[0-9a-f]{64}$/);
    assert.equal(rc.kid, 'k1');
  }
}

test('no TOTP secret or recovery code is stored in any table, in any spelling', async () => {
  const h = await startHarness();
  try {
    const { token, userId } = await signup(h, 'yan@example.com');
    await signup(h, 'bystander@example.com');

    const s = await startSetup(h, token);
    await assertNotInDatabase(h, 'pending set-up', s.secret, []);

    const v = await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: phoneCode(h, s.secret) }, token);
    assert.equal(v.statusCode, 200, v.body);
    const first = v.json().recovery_code as string;
    await assertNotInDatabase(h, 'after turning on', s.secret, [first]);

    const renewed = (await post(h, '/v1/me/mfa/recovery-code', { password: PASSWORD }, token)).json()
      .recovery_code as string;
    await assertNotInDatabase(h, 'after a renewal', s.secret, [first, renewed]);

    h.clock.advance(STEP_MS);
    const s2 = await startSetup(h, token);
    await assertNotInDatabase(h, 'a second set-up pending', s2.secret, [first, renewed]);
    const v2 = await post(
      h,
      '/v1/me/mfa/setup/verify',
      { setup_id: s2.setup_id, code: phoneCode(h, s2.secret) },
      token,
    );
    assert.equal(v2.statusCode, 200, v2.body);
    await assertNotInDatabase(h, 'after re-configure (new secret)', s2.secret, [
      first,
      renewed,
      v2.json().recovery_code,
    ]);
    await assertNotInDatabase(h, 'after re-configure (old secret)', s.secret, []);

    // Nor in the mails sent along the way.
    const mail = JSON.stringify(h.mailer.sent);
    for (const t of [
      ...spellings(s.secret, [first, renewed]).text,
      ...spellings(s2.secret, [v2.json().recovery_code]).text,
    ]) {
      assert.equal(mail.includes(t), false, 'a mail holds a secret');
    }

    // The search itself works: a row that leaks the secret as hex, or as raw bytes, is caught.
    const raw = Buffer.from(base32Decode(s2.secret));
    for (const leak of [raw.toString('hex'), `x${raw.toString('latin1')}y`]) {
      if (h.engine === 'postgres' && leak.includes('\u0000')) continue; // PostgreSQL text cannot hold NUL
      await h.runtime.db.db
        .insertInto('events')
        .values({ user_id: userId, type: 'probe', at: 0, ip: null, user_agent: null, data: leak })
        .execute();
      await assert.rejects(assertNotInDatabase(h, 'probe', s2.secret, []), /holds|dump's JSON/);
      await h.runtime.db.db.deleteFrom('events').where('type', '=', 'probe').execute();
    }
  } finally {
    await h.close();
  }
});
