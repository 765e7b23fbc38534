// The device grant's one-time and limited steps under parallel requests (the normal attack):
// a token issued once of many parallel polls, one decision of many parallel approvals/denials,
// at most 5 wrong user codes checked a minute per session, a code looked up on the wrong account
// left untouched, a locked account refused, and CSRF on the approval.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ORIGIN, withHarness } from '../helpers/harness.js';
import { assertProblem } from '../helpers/problems.js';
import { LOCK_PLAN } from '../../src/services/attempt-guard.js';
import { bearer, webUser } from '../http/http-helpers.js';
import { assertOAuthError, decide, lookup, poll, startGrant } from './support.js';

const race = <T>(n: number, fn: (i: number) => Promise<T>) => Promise.all(Array.from({ length: n }, (_, i) => fn(i)));

describe('device grant under parallel requests', () => {
  test('30 parallel polls of an approved grant: exactly one token, the rest slow_down or invalid_grant', () =>
    withHarness(async (h) => {
      const u = await webUser(h, 'race-poll@example.com');
      const g = await startGrant(h);
      assert.equal((await decide(h, u.auth, g.user_code, true)).statusCode, 200);
      const answers = await race(30, () => poll(h, g.device_code));
      const tokens = answers.filter((r) => r.statusCode === 200);
      assert.equal(tokens.length, 1, answers.map((r) => r.body).join('\n'));
      for (const r of answers.filter((x) => x.statusCode !== 200))
        assert.ok(['slow_down', 'invalid_grant'].includes(r.json().error), r.body);
      const sessions = (await h.inject({ method: 'GET', url: '/v1/me/sessions', headers: u.auth })).json();
      assert.equal(sessions.filter((s: { client: string }) => s.client === 'cli').length, 1);
      h.clock.advance(60_000);
      assertOAuthError(await poll(h, g.device_code), 400, 'invalid_grant');
    }));

  test('20 parallel approvals and denials: exactly one decides, and the grant follows it', () =>
    withHarness(async (h) => {
      const u = await webUser(h, 'race-decide@example.com');
      const g = await startGrant(h);
      const answers = await race(20, (i) => decide(h, u.auth, g.user_code, i % 2 === 0));
      const won = answers.filter((r) => r.statusCode === 200);
      assert.equal(won.length, 1, answers.map((r) => r.statusCode).join(','));
      // The others lost the race (404), or were held by the wrong-code limit, which counts every
      // look-up before it is checked and gives a right code's place back only afterwards (429).
      for (const r of answers.filter((x) => x.statusCode !== 200)) assert.ok([404, 429].includes(r.statusCode), r.body);
      const res = await poll(h, g.device_code);
      if (won[0]!.json().status === 'approved') assert.equal(res.statusCode, 200, res.body);
      else assertOAuthError(res, 400, 'access_denied');
    }));

  test('guessed user codes: of 20 parallel wrong codes at most 5 are checked a minute per session, then 429', () =>
    withHarness(async (h) => {
      const u = await webUser(h, 'race-guess@example.com');
      const g = await startGrant(h);
      const answers = await race(20, (i) => lookup(h, u.auth, `BCDF-GHJ${'KLMNPQRSTVWXZ'[i % 13]}`));
      const checked = answers.filter((r) => r.statusCode === 404).length;
      const refused = answers.filter((r) => r.statusCode === 429);
      assert.equal(checked, 5, answers.map((r) => r.statusCode).join(','));
      for (const r of refused) assertProblem(r, 429, 'too_many_attempts');
      assert.ok(refused[0]!.headers['retry-after']);
      // Even the right code waits out the minute, then works; the right code costs nothing.
      assertProblem(await lookup(h, u.auth, g.user_code), 429, 'too_many_attempts');
      h.clock.advance(60_000);
      for (let i = 0; i < 6; i++) assert.equal((await lookup(h, u.auth, g.user_code)).statusCode, 200);
    }));

  test('a code looked up while signed in to the wrong account changes nothing: the right account approves it', () =>
    withHarness(async (h) => {
      const wrong = await webUser(h, 'wrong-account@example.com');
      const right = await webUser(h, 'right-account@example.com');
      const g = await startGrant(h);
      const seen = await lookup(h, wrong.auth, g.user_code);
      assert.equal(seen.statusCode, 200);
      assert.deepEqual(Object.keys(seen.json()).sort(), ['client_id', 'ip', 'requested_at', 'user_agent']);
      assertOAuthError(await poll(h, g.device_code), 400, 'authorization_pending');
      assert.equal((await decide(h, right.auth, g.user_code, true)).statusCode, 200);
      h.clock.advance(5_000);
      const t = (await poll(h, g.device_code)).json();
      const me = await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(t.access_token) });
      assert.equal(me.json().email, 'right-account@example.com');
    }));

  test('approval with the cookie needs our Origin (CSRF), and a device’s own token cannot approve devices', () =>
    withHarness(async (h) => {
      const u = await webUser(h, 'csrf-device@example.com');
      const g = await startGrant(h);
      const forged = await decide(h, { cookie: u.cookie, origin: 'https://evil.example' }, g.user_code, true);
      assertProblem(forged, 403, 'csrf_failed');
      assert.equal((await decide(h, { cookie: u.cookie, origin: ORIGIN }, g.user_code, true)).statusCode, 200);
      const t = (await poll(h, g.device_code)).json();
      const g2 = await startGrant(h);
      assertProblem(await decide(h, bearer(t.access_token), g2.user_code, true), 403, 'session_required');
    }));

  test('a locked account cannot approve, and an approved grant is denied when the account is locked at poll time', () =>
    withHarness(async (h) => {
      const u = await webUser(h, 'locked-device@example.com');
      const g = await startGrant(h);
      assert.equal((await decide(h, u.auth, g.user_code, true)).statusCode, 200);
      // 10 wrong second-factor codes in a row lock the account's second-factor step for 15 minutes.
      for (let i = 0; i < 10; i++)
        await h.runtime.storage.attempts.reserveAccountAttempt(u.id, h.clock.now(), LOCK_PLAN);
      assert.ok(((await h.runtime.storage.attempts.getAttempts(u.id)).lockedUntil ?? 0) > h.clock.now());
      assertOAuthError(await poll(h, g.device_code), 400, 'access_denied');
      const g2 = await startGrant(h);
      assertProblem(await decide(h, u.auth, g2.user_code, true), 429, 'too_many_attempts');
    }));
});
