// The audited support reset (docs/admin.md): nothing is removed at once; the owner is mailed a
// cancel link at once and before the end; the link, the owner's session or a second-factor
// sign-in cancels it, and a cancelled reset does nothing; one left to run removes the factor,
// recovery code and sessions exactly once however many sweepers race; every step is in the
// account's security log and the admin audit log.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness.js';
import { assertProblem } from '../helpers/problems.js';
import { bearer, challengeFor, enableTotp, login, signup, totpCode } from '../helpers/accounts.js';
import { adminKey, auditRows, signed, type Key } from './support.js';

const HOUR = 3_600_000;
let h: Harness;
let admin: Key;
before(async () => {
  h = await startHarness();
  admin = await adminKey(h, 'support desk');
});
after(async () => {
  await h?.close();
});

let n = 0;
async function withTotp() {
  const email = `reset${++n}@example.com`;
  const { token, userId } = await signup(h, email);
  const { secret } = await enableTotp(h, bearer(token), { nextStep: true });
  return { email, userId, secret };
}
const start = (userId: string) =>
  signed(h, admin, 'POST', `/v1/admin/users/${userId}/mfa-reset`, { reason: 'lost phone and code', ticket: 'T-100' });
const linkIn = (text: string) => /\/support-reset\/cancel\?token=([A-Za-z0-9_-]+)/.exec(text)?.[1];
const events = async (userId: string) =>
  (await h.runtime.storage.events.list(userId, { limit: 100 })).map((e) => e.type);
const factor = (userId: string) => h.runtime.storage.factors.getFactor(userId);

test('starting it removes nothing, mails the owner a cancel link, and a second start is refused', async () => {
  const { email, userId } = await withTotp();
  const r = await start(userId);
  assert.equal(r.statusCode, 202, r.body);
  assert.equal(r.json().state, 'pending');
  assert.equal(Date.parse(r.json().due_at) - Date.parse(r.json().requested_at), 72 * HOUR);
  assert.ok(await factor(userId));
  const mail = h.mailer.to(email).at(-1)!;
  assert.match(mail.subject, /support/i);
  assert.ok(linkIn(mail.text));
  assertProblem(await start(userId), 409, 'support_reset_pending');
  assert.ok((await events(userId)).includes('mfa.support_reset_started'));
  const { userId: plain } = await signup(h, `plain${n}@example.com`);
  assertProblem(await start(plain), 409, 'mfa_not_enabled');
  assertProblem(
    await signed(h, admin, 'POST', `/v1/admin/users/${userId}/mfa-reset`, { reason: 'no ticket' }),
    400,
    'validation_failed',
  );
});

test('cancelled by the mailed link, it does nothing when its time comes; the link works once', async () => {
  const { email, userId } = await withTotp();
  await start(userId);
  const token = linkIn(h.mailer.to(email).at(-1)!.text)!;
  const cancel = () => h.inject({ method: 'POST', url: '/v1/auth/support-reset/cancel', payload: { token } });
  assert.equal((await cancel()).statusCode, 200);
  assertProblem(await cancel(), 410, 'token_expired');
  h.clock.advance(73 * HOUR);
  await h.runtime.services.admin.supportResets.sweep();
  assert.ok(await factor(userId), 'the factor stays');
  assert.ok((await events(userId)).includes('mfa.support_reset_cancelled'));
  assert.equal((await events(userId)).includes('mfa.support_reset_done'), false);
});

test("cancelled by the owner's signed-in session, shown to it first", async () => {
  const { email, userId, secret } = await withTotp();
  await start(userId);
  const challenge = await challengeFor(h, email);
  // Cancelled by this very sign-in with the second factor: the owner has it after all.
  const v = await h.inject({
    method: 'POST',
    url: '/v1/auth/login/verify',
    payload: { challenge, code: totpCode(secret, h.clock.now()) },
  });
  assert.equal(v.statusCode, 200, v.body);
  const session = v.json().token as string;
  const shown = await h.inject({ method: 'GET', url: '/v1/me/support-reset', headers: bearer(session) });
  assert.equal(shown.json().pending, null, 'a second-factor sign-in cancelled it');
  const audit = (await auditRows(h)).filter((a) => a.targetUserId === userId).map((a) => [a.action, a.keyName]);
  assert.deepEqual(audit.at(-1), ['support_reset.cancelled', '(sign_in)']);

  await start(userId);
  const again = await h.inject({ method: 'GET', url: '/v1/me/support-reset', headers: bearer(session) });
  assert.equal(again.json().pending.state, 'pending');
  const del = await h.inject({ method: 'DELETE', url: '/v1/me/support-reset', headers: bearer(session) });
  assert.equal(del.statusCode, 204);
  assertProblem(
    await h.inject({ method: 'DELETE', url: '/v1/me/support-reset', headers: bearer(session) }),
    404,
    'not_found',
  );
  h.clock.advance(73 * HOUR);
  await h.runtime.services.admin.supportResets.sweep();
  assert.ok(await factor(userId));
});

test('left to run: a reminder before the end, then factor, recovery code and sessions removed exactly once by racing sweepers', async () => {
  const { email, userId } = await withTotp();
  const session = (await signup(h, `other${n}@example.com`)).token; // an unrelated account keeps its session
  await start(userId);
  const sweeper = h.runtime.services.admin.supportResets;
  h.clock.advance(47 * HOUR);
  assert.deepEqual(await sweeper.sweep(), { reminded: 0, done: 0 });
  h.clock.advance(2 * HOUR);
  const reminders = await Promise.all([sweeper.sweep(), sweeper.sweep(), sweeper.sweep()]);
  assert.equal(
    reminders.reduce((s, r) => s + r.reminded, 0),
    1,
    'one reminder',
  );
  const reminder = h.mailer.to(email).at(-1)!;
  assert.match(reminder.subject, /soon/);
  assert.ok(linkIn(reminder.text), 'the reminder has its own cancel link');

  h.clock.advance(24 * HOUR);
  const runs = await Promise.all(Array.from({ length: 6 }, () => sweeper.sweep()));
  assert.equal(
    runs.reduce((s, r) => s + r.done, 0),
    1,
    'done exactly once',
  );
  assert.equal(await factor(userId), null);
  assert.equal(await h.runtime.storage.recoveryCodes.getRecoveryCode(userId), null);
  assert.equal((await h.runtime.storage.sessions.listForUser(userId)).length, 0);
  assert.equal((await events(userId)).filter((t) => t === 'mfa.support_reset_done').length, 1);
  assert.equal(h.mailer.to(email).filter((m) => /removed by support/.test(m.subject)).length, 1);
  const r = await login(h, email);
  assert.equal(r.json().status, 'authenticated', 'signs in with the password alone now');
  assert.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(session) })).statusCode, 200);
  const steps = (await auditRows(h)).filter((a) => a.targetUserId === userId).map((a) => a.action);
  assert.deepEqual(steps, ['POST /v1/admin/users/:id/mfa-reset', 'support_reset.reminded', 'support_reset.done']);
});
