// Signing in with a passkey alone (issue 15): a new session, and every refusal a sign-in owes: a
// replayed challenge, another origin or relying party, no user verification, a counter gone
// back, a locked account; refusals count as wrong codes, and parallel assertions on one
// challenge sign in exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kit from '../helpers/accounts.js';
import { accountWithPasskey, assertProblem, bearer, passkeyHarness, signInOptions, signInWith } from './support.js';

test('a passkey alone signs in: a bearer token for apps, the session cookie for the portal, logged', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'alone@example.com');
    const app = await signInWith(h, a.authenticator.assert(await signInOptions(h)), 'app');
    assert.equal(app.statusCode, 200, app.body);
    const body = app.json<{ token: string; user: { email: string } }>();
    assert.equal(body.user.email, 'alone@example.com');
    assert.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(body.token) })).statusCode, 200);
    const web = await signInWith(h, a.authenticator.assert(await signInOptions(h)), 'web');
    assert.equal(web.statusCode, 200, web.body);
    assert.ok(kit.sessionCookie(web));
    assert.equal(web.body.includes('token'), false);
    const events = await h.inject({ method: 'GET', url: '/v1/me/events', headers: bearer(body.token) });
    const signIns = events.json<{ type: string; method?: string }[]>().filter((e) => e.type === 'signin.succeeded');
    assert.ok(
      signIns.some((e) => e.method === 'passkey'),
      events.body,
    );
  } finally {
    await h.close();
  }
});

test('a replayed challenge, another origin, another relying party or no user verification is refused', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'refusals@example.com');
    const options = await signInOptions(h);
    const first = a.authenticator.assert(options);
    assert.equal((await signInWith(h, first)).statusCode, 200);
    assertProblem(await signInWith(h, first), 401, 'invalid_passkey', 'the same assertion again');
    assertProblem(await signInWith(h, a.authenticator.assert(options)), 401, 'invalid_passkey', 'a spent challenge');
    for (const tamper of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }, { uv: false }]) {
      const r = await signInWith(h, a.authenticator.assert(await signInOptions(h), undefined, tamper));
      assertProblem(r, 401, 'invalid_passkey', JSON.stringify(tamper));
    }
  } finally {
    await h.close();
  }
});

test('a counter that goes back is refused and logged as a possible clone', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'clone@example.com');
    assert.equal(
      (await signInWith(h, a.authenticator.assert(await signInOptions(h), undefined, { counter: 7 }))).statusCode,
      200,
    );
    const back = await signInWith(h, a.authenticator.assert(await signInOptions(h), undefined, { counter: 3 }));
    assertProblem(back, 401, 'invalid_passkey');
    const events = await h.inject({ method: 'GET', url: '/v1/me/events', headers: bearer(a.token) });
    assert.ok(
      events.json<{ type: string }[]>().some((e) => e.type === 'passkey.counter_regressed'),
      events.body,
    );
  } finally {
    await h.close();
  }
});

test('refused assertions count as wrong codes: the 10th locks the account, and then even a good one gets 429', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'locked@example.com');
    for (let i = 1; i <= 10; i++) {
      const bad = a.authenticator.assert(await signInOptions(h), undefined, { origin: 'https://evil.example' });
      assertProblem(await signInWith(h, bad), 401, 'invalid_passkey', `attempt ${i}`);
    }
    const good = await signInWith(h, a.authenticator.assert(await signInOptions(h)));
    assertProblem(good, 429, 'too_many_attempts');
    assert.ok(Number(good.headers['retry-after']) > 0);
    h.clock.advance(16 * 60_000);
    assert.equal((await signInWith(h, a.authenticator.assert(await signInOptions(h)))).statusCode, 200);
  } finally {
    await h.close();
  }
});

test('of 10 parallel assertions on one challenge exactly one signs in', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'race@example.com');
    const options = await signInOptions(h);
    const responses = Array.from({ length: 10 }, () => a.authenticator.assert(options));
    const answers = await Promise.all(responses.map((r) => signInWith(h, r)));
    assert.equal(answers.filter((r) => r.statusCode === 200).length, 1, answers.map((r) => r.statusCode).join());
    for (const r of answers.filter((x) => x.statusCode !== 200)) assertProblem(r, 401, 'invalid_passkey');
  } finally {
    await h.close();
  }
});

test('an unknown credential is refused, and a deleted account’s passkey no longer signs in', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'gone@example.com');
    const options = await signInOptions(h);
    const response = a.authenticator.assert(options);
    const del = await h.inject({
      method: 'DELETE',
      url: '/v1/me',
      payload: { password: kit.PASSWORD, code: a.recoveryCode },
      headers: bearer(a.token),
    });
    assert.equal(del.statusCode, 204, del.body);
    assertProblem(await signInWith(h, response), 401, 'invalid_passkey');
    assertProblem(
      await signInWith(h, { id: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30' } }),
      401,
      'invalid_passkey',
    );
  } finally {
    await h.close();
  }
});
