// A passkey as the second step after a password, and "remember this device" (issue 15):
// `methods` on mfa_required, a passkey of another account refused as a wrong code, Turn Off that
// keeps passkeys unless asked, and a remembered device that skips the code until it is forgotten.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import * as kit from '../helpers/accounts.js';
import type { Harness } from '../helpers/harness.js';
import { PASSWORD, accountWithPasskey, assertProblem, bearer, passkeyHarness, post } from './support.js';

async function secondStepOptions(h: Harness, challenge: string): Promise<{ challenge: string }> {
  const r = await post(h, '/v1/auth/login/passkey/options', { challenge });
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

const answer = (h: Harness, challenge: string, response: unknown, remember = false) =>
  post(h, '/v1/auth/login/passkey', { challenge, response, remember_device: remember });

test('after a password, mfa_required lists the methods and a passkey answers the challenge', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'both@example.com');
    await kit.enableTotp(h, bearer(a.token), { nextStep: true });
    const login = await kit.login(h, a.email);
    const body = login.json<{ challenge: string; method: string; methods: string[] }>();
    assert.equal(body.method, 'totp');
    assert.deepEqual(body.methods, ['totp', 'passkey']);
    const ok = await answer(h, body.challenge, a.authenticator.assert(await secondStepOptions(h, body.challenge)));
    assert.equal(ok.statusCode, 200, ok.body);
    assert.ok(ok.json<{ token: string }>().token);
    assertProblem(
      await post(h, '/v1/auth/login/passkey/options', { challenge: body.challenge }),
      410,
      'challenge_expired',
    );
  } finally {
    await h.close();
  }
});

test('a passkey-only account is asked for its passkey; another account’s passkey counts as a wrong code', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'only@example.com');
    const b = await accountWithPasskey(h, 'other@example.com');
    const login = (await kit.login(h, a.email)).json<{ challenge: string; method: string; methods: string[] }>();
    assert.deepEqual([login.method, login.methods], ['passkey', ['passkey']]);
    assertProblem(
      await post(h, '/v1/auth/login/verify', { challenge: login.challenge, code: '123456' }),
      400,
      'bad_request',
    );
    const options = await secondStepOptions(h, login.challenge);
    for (let i = 1; i <= 4; i++) {
      const r = await answer(h, login.challenge, b.authenticator.assert(options));
      assertProblem(r, 401, 'invalid_passkey', `attempt ${i}`);
    }
    // The 5th refusal kills the challenge, as the 5th wrong code does.
    assertProblem(await answer(h, login.challenge, b.authenticator.assert(options)), 429, 'too_many_attempts');
  } finally {
    await h.close();
  }
});

test('Turn Off keeps the passkeys (2FA stays on) unless remove_passkeys is asked', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'off@example.com');
    await kit.enableTotp(h, bearer(a.token), { nextStep: true });
    const off = (payload: object) =>
      h.inject({ method: 'DELETE', url: '/v1/me/mfa', payload, headers: bearer(a.token) });
    assert.deepEqual((await off({ password: PASSWORD })).json(), { enabled: true });
    assert.equal((await kit.login(h, a.email)).json<{ method: string }>().method, 'passkey');
    assert.deepEqual((await off({ password: PASSWORD, remove_passkeys: true })).json(), { enabled: false });
    assert.equal((await kit.login(h, a.email)).json<{ status: string }>().status, 'authenticated');
  } finally {
    await h.close();
  }
});

function deviceCookie(r: LightMyRequestResponse): string {
  const c = r.cookies.find((x) => x.name === 'twofold_device');
  assert.ok(c, 'twofold_device cookie set');
  assert.equal(c.httpOnly, true);
  assert.equal(c.maxAge, 30 * 86_400);
  return `twofold_device=${c.value}`;
}

test('a remembered device skips the code on the next password sign-in, says so in the log, until forgotten', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'remember@example.com');
    // App: the token comes back as device_token and is sent back in the login body.
    const c1 = (await kit.login(h, a.email)).json<{ challenge: string }>().challenge;
    const ok = await answer(h, c1, a.authenticator.assert(await secondStepOptions(h, c1)), true);
    const deviceToken = ok.json<{ device_token: string }>().device_token;
    assert.ok(deviceToken);
    const skip = await post(h, '/v1/auth/login', {
      email: a.email,
      password: PASSWORD,
      client: 'app',
      device_token: deviceToken,
    });
    assert.equal(skip.json<{ status: string }>().status, 'authenticated', skip.body);
    const token = skip.json<{ token: string }>().token;
    const events = await h.inject({ method: 'GET', url: '/v1/me/events', headers: bearer(token) });
    assert.ok(
      events.json<{ method?: string }[]>().some((e) => e.method === 'password+remembered_device'),
      events.body,
    );
    // Web: the cookie.
    const c2 = (await kit.login(h, a.email, { client: 'web' })).json<{ challenge: string }>().challenge;
    const web = await answer(h, c2, a.authenticator.assert(await secondStepOptions(h, c2)), true);
    const cookie = deviceCookie(web);
    const webLogin = () =>
      h.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: a.email, password: PASSWORD },
        headers: { cookie },
      });
    assert.equal((await webLogin()).json<{ status: string }>().status, 'authenticated');
    const list = await h.inject({ method: 'GET', url: '/v1/me/devices', headers: bearer(token) });
    const devices = list.json<{ id: string }[]>();
    assert.equal(devices.length, 2);
    for (const d of devices) {
      const del = await h.inject({ method: 'DELETE', url: `/v1/me/devices/${d.id}`, headers: bearer(token) });
      assert.equal(del.statusCode, 204);
    }
    assert.equal((await webLogin()).json<{ status: string }>().status, 'mfa_required');
  } finally {
    await h.close();
  }
});

test('remembered devices expire after 30 days and are forgotten by a password change', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'expire@example.com');
    const remember = async () => {
      const c = (await kit.login(h, a.email)).json<{ challenge: string }>().challenge;
      const r = await answer(h, c, a.authenticator.assert(await secondStepOptions(h, c)), true);
      return r.json<{ device_token: string; token: string }>();
    };
    const login = (device_token: string) =>
      post(h, '/v1/auth/login', { email: a.email, password: PASSWORD, client: 'app', device_token });
    const first = await remember();
    h.clock.advance(30 * 86_400_000);
    assert.equal((await login(first.device_token)).json<{ status: string }>().status, 'mfa_required');
    const second = await remember();
    const change = await post(
      h,
      '/v1/me/password',
      { current_password: PASSWORD, new_password: 'another correct horse staple' },
      second.token,
    );
    assert.equal(change.statusCode, 200, change.body);
    const after = await post(h, '/v1/auth/login', {
      email: a.email,
      password: 'another correct horse staple',
      client: 'app',
      device_token: second.device_token,
    });
    assert.equal(after.json<{ status: string }>().status, 'mfa_required');
  } finally {
    await h.close();
  }
});
