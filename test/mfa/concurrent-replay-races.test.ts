// Races on single-use things: one TOTP code sent to 20 sign-ins at once, and the one recovery code
// sent to 20 sign-ins at once. Exactly one may win; the database's conditional UPDATEs decide, on
// SQLite and on PostgreSQL (run with TWOFOLD_TEST_DATABASE_URL set for the latter).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from '../helpers/harness.js';
import { PASSWORD, enableTotp, get, phoneCode, post, signup, startHarness } from './support.js';

const N = 20;

async function challenges(h: Harness, email: string): Promise<string[]> {
  // From N addresses: N right passwords at once from ONE address would each be counted before
  // hashing, and the per-address limit (10) refuses the rest before knowing they are right.
  const answers = await Promise.all(
    Array.from({ length: N }, (_, i) =>
      h.inject({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress: `198.51.100.${i + 1}`,
        payload: { email, password: PASSWORD, client: 'app' },
      }),
    ),
  );
  for (const r of answers) {
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().status, 'mfa_required');
  }
  const list = answers.map((r) => r.json().challenge as string);
  assert.equal(new Set(list).size, N, 'every sign-in gets its own challenge');
  return list;
}

function tally(answers: LightMyRequestResponse[]): Record<string, number> {
  const t: Record<string, number> = {};
  for (const r of answers) {
    const key = r.statusCode === 200 ? '200' : `${r.statusCode} ${r.json().code}`;
    t[key] = (t[key] ?? 0) + 1;
  }
  return t;
}

test(`one TOTP code sent to ${N} sign-ins at once signs in exactly one of them`, async () => {
  const h = await startHarness();
  try {
    const email = 'race-totp@example.com';
    const { token } = await signup(h, email);
    const { secret } = await enableTotp(h, token);
    const list = await challenges(h, email);
    const code = phoneCode(h, secret);
    const answers = await Promise.all(list.map((challenge) => post(h, '/v1/auth/login/verify', { challenge, code })));
    const t = tally(answers);
    assert.equal(t['200'], 1, `${h.engine}: ${JSON.stringify(t)}`);
    for (const [k, v] of Object.entries(t)) {
      if (k === '200') continue;
      // The losers saw a used code (401); once 10 refusals in a row lock the account, late ones see 429.
      assert.ok(k === '401 invalid_code' || k === '429 too_many_attempts', `${h.engine}: unexpected ${k} ×${v}`);
    }
    const winner = answers.find((r) => r.statusCode === 200)!;
    assert.equal((await get(h, '/v1/me', winner.json().token)).statusCode, 200);
    const sessions = (await get(h, '/v1/me/sessions', winner.json().token)).json();
    assert.equal(sessions.length, 2, 'the enabling session and exactly one new one');
  } finally {
    await h.close();
  }
});

test(`the one recovery code sent to ${N} sign-ins at once signs in exactly one of them`, async () => {
  const h = await startHarness();
  try {
    const email = 'race-recovery@example.com';
    const { token } = await signup(h, email);
    const { recoveryCode } = await enableTotp(h, token);
    const list = await challenges(h, email);
    const answers = await Promise.all(
      list.map((challenge) => post(h, '/v1/auth/login/recover', { challenge, recovery_code: recoveryCode })),
    );
    const t = tally(answers);
    assert.equal(t['200'], 1, `${h.engine}: ${JSON.stringify(t)}`);
    for (const [k, v] of Object.entries(t)) {
      if (k === '200') continue;
      // A loser found the code spent (401) or its challenge killed by the winner's recovery (410).
      assert.ok(
        ['401 invalid_recovery_code', '410 challenge_expired', '429 too_many_attempts'].includes(k),
        `${h.engine}: unexpected ${k} ×${v}`,
      );
    }
    const winner = answers.find((r) => r.statusCode === 200)!;
    assert.equal(winner.json().mfa_disabled, true);
    const wt = winner.json().token as string;
    assert.deepEqual((await get(h, '/v1/me/mfa', wt)).json(), { enabled: false, method: null });
    const sessions = (await get(h, '/v1/me/sessions', wt)).json();
    assert.equal(sessions.length, 1, 'only the winner is signed in');
    assert.equal(h.mailer.to(email).filter((m) => /recovery code was used/i.test(m.subject)).length, 1, 'one notice');
  } finally {
    await h.close();
  }
});
