// Issue 18: a support reset left to run removes the factor exactly once when two instances race
// the timer. The real servers sweep once a minute on their own timer, which a test cannot fire, so
// this runs two runtimes (createRuntime twice, each with its own app, clock and mailer) over one
// PostgreSQL schema with the same secret keys, and makes both sweep at once, several times each:
// the conditional UPDATE (pending → done) must let exactly one of them act, mail and log.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness.js';
import { privatePostgresSchema, type TestDatabase } from '../helpers/postgres.js';
import { needsPostgres, postgresUrl } from '../helpers/services.js';
import { bearer, enableTotp, login, signup } from '../helpers/accounts.js';
import { adminKey, auditRows, signed } from './support.js';

const HOUR = 3_600_000;

describe('two instances over one PostgreSQL racing the support-reset timer', { skip: needsPostgres }, () => {
  let db: TestDatabase;
  let a: Harness;
  let b: Harness;
  before(async () => {
    db = await privatePostgresSchema(postgresUrl!);
    const env = { TWOFOLD_DATABASE_URL: db.url, TWOFOLD_SECRET_KEYS: `k1:${randomBytes(32).toString('base64')}` };
    // allowPostgres: false keeps the harness from making a schema of its own; env names the shared one.
    a = await startHarness({ env, allowPostgres: false });
    b = await startHarness({ env, allowPostgres: false });
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await db?.cleanup();
  });

  const both = () => [a, b];
  const advance = (ms: number) => both().forEach((h) => h.clock.advance(ms));
  /** Every instance sweeps `times` times, all at once. */
  const race = (times: number) =>
    Promise.all(
      both().flatMap((h) => Array.from({ length: times }, () => h.runtime.services.admin.supportResets.sweep())),
    );
  const mailsTo = (email: string, subject: RegExp) =>
    both().flatMap((h) => h.mailer.to(email).filter((m) => subject.test(m.subject)));

  test('one reminder, then one removal, one mail and one security-log entry, whichever instance wins', async () => {
    // The second instance sees the account and the reset the first one made: one database.
    const email = 'raced@example.com';
    const { token, userId } = await signup(a, email);
    await enableTotp(a, bearer(token), { nextStep: true });
    const admin = await adminKey(a, 'support desk');
    const started = await signed(a, admin, 'POST', `/v1/admin/users/${userId}/mfa-reset`, {
      reason: 'lost phone and recovery code',
      ticket: 'T-race',
    });
    assert.equal(started.statusCode, 202, started.body);
    assert.equal((await b.runtime.services.admin.supportResets.pending(userId))?.state, 'pending');

    advance(49 * HOUR);
    const reminded = await race(3);
    assert.equal(
      reminded.reduce((s, r) => s + r.reminded, 0),
      1,
      'one reminder between both instances',
    );
    assert.equal(mailsTo(email, /soon/).length, 1);
    assert.ok(await a.runtime.storage.factors.getFactor(userId), 'nothing removed before the end');

    advance(24 * HOUR);
    const runs = await race(4);
    assert.equal(
      runs.reduce((s, r) => s + r.done, 0),
      1,
      'removed exactly once',
    );
    assert.equal(await b.runtime.storage.factors.getFactor(userId), null);
    assert.equal(await b.runtime.storage.recoveryCodes.getRecoveryCode(userId), null);
    assert.equal((await b.runtime.storage.sessions.listForUser(userId)).length, 0, 'every session ended');
    assert.equal(mailsTo(email, /removed by support/).length, 1, 'one mail to the owner');
    const log = await a.runtime.storage.events.list(userId, { limit: 100 });
    assert.equal(log.filter((e) => e.type === 'mfa.support_reset_done').length, 1, 'one security-log entry');
    const steps = (await auditRows(a)).filter((r) => r.targetUserId === userId).map((r) => r.action);
    assert.deepEqual(steps, ['POST /v1/admin/users/:id/mfa-reset', 'support_reset.reminded', 'support_reset.done']);

    // Later passes on either instance find nothing left to do.
    advance(HOUR);
    assert.deepEqual(
      (await race(2)).reduce((s, r) => s + r.done + r.reminded, 0),
      0,
    );
    assert.equal((await login(b, email)).json().status, 'authenticated', 'the password alone signs in now');
  });
});
