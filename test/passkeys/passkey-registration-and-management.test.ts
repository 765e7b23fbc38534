// Adding, listing, renaming and removing passkeys (issue 15): bound one-time challenges, the
// relying party checked, a recovery code with the first passkey, and the IP-address refusal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as kit from '../helpers/accounts.js';
import { startHarness } from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';
import {
  PASSKEY_URL,
  PASSWORD,
  RP_ID,
  accountWithPasskey,
  addPasskey,
  assertProblem,
  bearer,
  passkeyHarness,
  post,
  registrationOptions,
} from './support.js';

test('the first passkey is added, listed with its name, brings a recovery code, and turns 2FA on', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'first@example.com');
    assert.match(a.recoveryCode ?? '', /^[A-Z0-9]{5}(-[A-Z0-9]{5}){3}$/);
    const list = await h.inject({ method: 'GET', url: '/v1/me/passkeys', headers: bearer(a.token) });
    assert.equal(list.statusCode, 200);
    const [p] = list.json<{ id: string; name: string; last_used_at: null; backed_up: boolean }[]>();
    assert.deepEqual(Object.keys(p!).sort(), ['backed_up', 'created_at', 'id', 'last_used_at', 'name']);
    assert.equal(p!.name, 'Laptop');
    const me = await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(a.token) });
    assert.deepEqual(me.json<{ mfa: unknown }>().mfa, { enabled: true, method: 'passkey', methods: ['passkey'] });
    const second = await addPasskey(h, a.token, a.authenticator, 'Phone');
    assert.equal(second.statusCode, 201, second.body);
    assert.equal(second.json<{ recovery_code?: string }>().recovery_code, undefined, 'a recovery code already exists');
    assert.ok(h.mailer.to('first@example.com').some((m) => m.subject.includes('A passkey was added')));
  } finally {
    await h.close();
  }
});

test('a registration challenge is single-use: the same response again is refused with 400 invalid_passkey', async () => {
  const h = await passkeyHarness();
  try {
    const { token } = await kit.signup(h, 'replay@example.com');
    const a = new SoftAuthenticator(PASSKEY_URL, RP_ID);
    const response = a.register(await registrationOptions(h, token));
    assert.equal((await post(h, '/v1/me/passkeys', { name: 'A', response }, token)).statusCode, 201);
    assertProblem(await post(h, '/v1/me/passkeys', { name: 'B', response }, token), 400, 'invalid_passkey');
  } finally {
    await h.close();
  }
});

test('a registration made for another origin or relying party is refused and stores nothing', async () => {
  const h = await passkeyHarness();
  try {
    const { token } = await kit.signup(h, 'phish@example.com');
    for (const tamper of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
      const a = new SoftAuthenticator(PASSKEY_URL, RP_ID);
      const response = a.register(await registrationOptions(h, token), tamper);
      assertProblem(await post(h, '/v1/me/passkeys', { name: 'X', response }, token), 400, 'invalid_passkey');
    }
    const list = await h.inject({ method: 'GET', url: '/v1/me/passkeys', headers: bearer(token) });
    assert.deepEqual(list.json(), []);
  } finally {
    await h.close();
  }
});

test('an unproven mailbox cannot add a passkey, and a wrong password gets 403', async () => {
  const h = await passkeyHarness();
  try {
    const { token } = await kit.signup(h, 'unproven@example.com', { prove: false });
    assertProblem(await post(h, '/v1/me/passkeys/options', { password: PASSWORD }, token), 403, 'email_unverified');
    const proven = await kit.signup(h, 'proven@example.com');
    const wrong = await post(h, '/v1/me/passkeys/options', { password: 'not the password' }, proven.token);
    assertProblem(wrong, 403, 'reauthentication_failed');
  } finally {
    await h.close();
  }
});

test('an account holds at most 10 passkeys: the 11th is refused with 409 passkey_limit', async () => {
  const h = await passkeyHarness();
  try {
    const { token } = await kit.signup(h, 'many@example.com');
    const a = new SoftAuthenticator(PASSKEY_URL, RP_ID);
    for (let i = 0; i < 10; i++) assert.equal((await addPasskey(h, token, a, `Key ${i}`)).statusCode, 201);
    assertProblem(await post(h, '/v1/me/passkeys/options', { password: PASSWORD }, token), 409, 'passkey_limit');
  } finally {
    await h.close();
  }
});

test('rename, and removal with the password; removing the last passkey turns 2FA off', async () => {
  const h = await passkeyHarness();
  try {
    const a = await accountWithPasskey(h, 'manage@example.com');
    const [p] = (await h.inject({ method: 'GET', url: '/v1/me/passkeys', headers: bearer(a.token) })).json<
      { id: string }[]
    >();
    const renamed = await h.inject({
      method: 'PATCH',
      url: `/v1/me/passkeys/${p!.id}`,
      payload: { name: 'Work laptop' },
      headers: bearer(a.token),
    });
    assert.equal(renamed.json<{ name: string }>().name, 'Work laptop');
    const del = (password: string) =>
      h.inject({ method: 'DELETE', url: `/v1/me/passkeys/${p!.id}`, payload: { password }, headers: bearer(a.token) });
    assertProblem(await del('wrong password'), 403, 'reauthentication_failed');
    assert.equal((await del(PASSWORD)).statusCode, 204);
    assertProblem(await del(PASSWORD), 404, 'not_found');
    const me = await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(a.token) });
    assert.deepEqual(me.json<{ mfa: unknown }>().mfa, { enabled: false, method: null });
  } finally {
    await h.close();
  }
});

test('with the public URL on an IP address, passkey routes answer 409 passkeys_unavailable naming localhost', async () => {
  const h = await startHarness({ publicUrl: 'http://127.0.0.1:8080' });
  try {
    const r = await post(h, '/v1/auth/passkey/options', {});
    assertProblem(r, 409, 'passkeys_unavailable');
    assert.match(r.json<{ detail: string }>().detail, /localhost/);
  } finally {
    await h.close();
  }
});
