// A text column that holds one of a few words (a factor's method, a session's or challenge's
// client, a mailed token's purpose) is checked as it is read: a corrupt row stops the read with
// an error naming its table and column, and never reaches a service typed as something it is not.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Storage } from '../../src/core/ports/stores.js';
import { clientColumn, emailTokenPurposeColumn, mfaMethodColumn, oneOf } from '../../src/storage/column-values.js';
import { openDatabase, type DatabaseHandle } from '../../src/storage/database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { createStorage } from '../../src/storage/storage.js';
import { databaseTargets, type TestDatabase } from '../helpers/databases.js';

test('a known value passes through; anything else throws naming the table and column, not the value', () => {
  assert.equal(mfaMethodColumn('totp', 'mfa_factors', 'method'), 'totp');
  assert.equal(mfaMethodColumn('sms', 'mfa_factors', 'method'), 'sms');
  assert.equal(clientColumn('app', 'sessions', 'client'), 'app');
  assert.equal(emailTokenPurposeColumn('change', 'email_tokens', 'purpose'), 'change');
  for (const bad of [
    '',
    'TOTP',
    'hotp',
    ' totp',
    'totp\u0000',
    'constructor',
    '__proto__',
    'toString',
    'JBSWY3DPEHPK3PXP',
  ]) {
    assert.throws(
      () => mfaMethodColumn(bad, 'mfa_setups', 'method'),
      (e: Error) => {
        assert.match(e.message, /^mfa_setups\.method holds a value that is not one of totp, sms/);
        return true;
      },
    );
  }
  assert.throws(
    () => mfaMethodColumn('JBSWY3DPEHPK3PXP', 'mfa_factors', 'method'),
    (e: Error) => !e.message.includes('JBSWY3DPEHPK3PXP'),
    'the corrupt value is not repeated',
  );
  assert.throws(() => clientColumn('desktop', 'mfa_challenges', 'client'), /^Error: mfa_challenges\.client holds/);
  assert.throws(
    () => emailTokenPurposeColumn('reset', 'email_tokens', 'purpose'),
    /^Error: email_tokens\.purpose holds/,
  );
  const color = oneOf<'red' | 'blue'>({ red: true, blue: true });
  assert.equal(color('blue', 't', 'c'), 'blue');
  assert.throws(() => color('green', 't', 'c'), /^Error: t\.c holds a value that is not one of red, blue/);
});

for (const target of databaseTargets()) {
  describe(`a corrupt row is refused as it is read, on ${target.name}`, { skip: target.skip }, () => {
    let db: TestDatabase;
    let handle: DatabaseHandle;
    let s: Storage;
    before(async () => {
      db = await target.create();
      handle = openDatabase(db.url);
      await migrateToLatest(handle);
      s = createStorage(handle);
    });
    after(async () => {
      await s.close();
      await db.cleanup();
    });

    test('a factor, a set-up, a challenge, a session and an email token', async () => {
      const now = Date.UTC(2099, 0, 1);
      await s.users.create({
        id: 'u1',
        email: 'u1@example.com',
        passwordHash: null,
        createdAt: now,
        emailVerifiedAt: null,
      });
      const raw = handle.db;
      await raw
        .insertInto('mfa_factors')
        .values({
          user_id: 'u1',
          method: 'hotp',
          secret_enc: null,
          phone_enc: null,
          phone_hint: null,
          last_step: null,
          enabled_at: now,
        })
        .execute();
      await assert.rejects(s.factors.getFactor('u1'), /^Error: mfa_factors\.method holds/);
      await assert.rejects(s.factors.listFactors(null, 10), /^Error: mfa_factors\.method holds/);

      await raw
        .insertInto('mfa_setups')
        .values({
          id: 'st1',
          user_id: 'u1',
          method: 'email',
          secret_enc: null,
          phone_enc: null,
          phone_hint: null,
          created_at: now,
          expires_at: now + 1,
          used_at: null,
        })
        .execute();
      await assert.rejects(s.setups.getSetup('st1'), /^Error: mfa_setups\.method holds/);

      const challenge = {
        id_hash: 'c1',
        user_id: 'u1',
        method: 'totp',
        client: 'web',
        via: 'password',
        created_at: now,
        expires_at: now + 1,
        failures: 0,
        closed_at: null,
      };
      await raw
        .insertInto('mfa_challenges')
        .values({ ...challenge, client: 'desktop' })
        .execute();
      await assert.rejects(s.challenges.getChallenge('c1'), /^Error: mfa_challenges\.client holds/);
      await assert.rejects(
        s.principals.byChallengeIdHash('c1'),
        /^Error: mfa_challenges\.client holds|^Error: mfa_factors\.method holds/,
      );

      await raw
        .insertInto('sessions')
        .values({
          id: 's1',
          user_id: 'u1',
          token_hash: 'h1',
          client: 'tv',
          created_at: now,
          last_seen_at: now,
          absolute_expires_at: now + 1,
          ip: null,
          user_agent: null,
        })
        .execute();
      await assert.rejects(s.sessions.findByTokenHash('h1'), /^Error: sessions\.client holds/);

      await raw
        .insertInto('email_tokens')
        .values({
          token_hash: 't1',
          user_id: 'u1',
          purpose: 'reset',
          email: 'u1@example.com',
          created_at: now,
          expires_at: now + 1,
          used_at: null,
        })
        .execute();
      await assert.rejects(s.emailTokens.spend('t1', now), /^Error: email_tokens\.purpose holds/);
    });
  });
}
