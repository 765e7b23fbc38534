// Issue 13: the confirmation link is a single-use secret (one conditional UPDATE decides, so of
// 20 parallel uses one wins), it dies after 24 hours or when a new one is sent, and resends are
// counted before anything is sent: once a minute, ten a day, whatever runs in parallel.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, type Harness } from '../helpers/harness.js';
import { assertProblem } from '../http/http-helpers.js';
import { linkToken, me, resend, unprovenUser, useLink } from './support.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.close();
});

const MINUTE = 60_000;
const links = (email: string) => h.mailer.to(email).filter((m) => m.text.includes('/verify-email?token='));

test('a verify link used 20 times in parallel is accepted exactly once', async () => {
  const email = 'race@example.com';
  const { auth } = await unprovenUser(h, email);
  const token = linkToken(h, email);
  const answers = await Promise.all(Array.from({ length: 20 }, () => useLink(h, token)));
  assert.equal(answers.filter((r) => r.statusCode === 200).length, 1, answers.map((r) => r.statusCode).join());
  for (const r of answers.filter((x) => x.statusCode !== 200)) assertProblem(r, 410, 'token_expired');
  assert.equal((await me(h, auth)).json().email_verified, true);
  assertProblem(await useLink(h, token), 410, 'token_expired');
});

test('an expired link answers 410 token_expired and proves nothing; so does an unknown one', async () => {
  const email = 'late@example.com';
  const { auth } = await unprovenUser(h, email);
  const token = linkToken(h, email);
  h.clock.advance(24 * 60 * MINUTE + 1);
  assertProblem(await useLink(h, token), 410, 'token_expired');
  assertProblem(await useLink(h, 'A'.repeat(43)), 410, 'token_expired');
  assertProblem(await useLink(h, 'not a token'), 410, 'token_expired');
  assert.equal((await me(h, auth)).json().email_verified, false);
});

test('a resend kills the previous link; within 60 s it answers 429 resend_too_soon with Retry-After; once proven 409 already_verified', async () => {
  const email = 'resend@example.com';
  const { auth } = await unprovenUser(h, email);
  const first = linkToken(h, email);
  const soon = await resend(h, auth);
  assertProblem(soon, 429, 'resend_too_soon');
  assert.ok(
    Number(soon.headers['retry-after']) >= 1 && Number(soon.headers['retry-after']) <= 60,
    String(soon.headers['retry-after']),
  );
  h.clock.advance(MINUTE + 1);
  const r = await resend(h, auth);
  assert.equal(r.statusCode, 202, r.body);
  const second = linkToken(h, email);
  assert.notEqual(second, first);
  assertProblem(await useLink(h, first), 410, 'token_expired');
  assert.equal((await useLink(h, second)).statusCode, 200);
  h.clock.advance(MINUTE + 1);
  assertProblem(await resend(h, auth), 409, 'already_verified');
});

test('parallel resends never pass the limits: one per minute, ten a day', async () => {
  const email = 'flood@example.com';
  const { auth } = await unprovenUser(h, email);
  for (let round = 1; round <= 10; round++) {
    h.clock.advance(MINUTE + 1);
    const answers = await Promise.all(Array.from({ length: 8 }, () => resend(h, auth)));
    const codes = answers.map((a) => a.statusCode);
    assert.equal(codes.filter((c) => c === 202).length, 1, `round ${round}: ${codes.join()}`);
    for (const a of answers.filter((x) => x.statusCode !== 202)) assertProblem(a, 429, 'resend_too_soon');
  }
  h.clock.advance(MINUTE + 1);
  const answers = await Promise.all(Array.from({ length: 8 }, () => resend(h, auth)));
  for (const a of answers) assertProblem(a, 429, 'too_many_requests');
  assert.ok(Number(answers[0]!.headers['retry-after']) > 60);
  assert.equal(links(email).length, 1 + 10, 'the sign-up link and ten resends, no more');
  // Only the newest link works.
  assert.equal((await useLink(h, linkToken(h, email))).statusCode, 200);
});
