// Turn On with an authenticator app: what the set-up answers (secret, otpauth URI, a QR code an
// independent decoder reads back to exactly that URI), that nothing is on before a current code
// confirms it, every way a confirmation is refused, and what a confirmation does (recovery code,
// other sessions ended, events and a notice that carry no secret).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ORIGIN } from '../helpers/harness.js';
import { decodeQrSvg } from './qr-decode.js';
import {
  PASSWORD,
  STEP_MS,
  assertProblem,
  get,
  login,
  phoneCode,
  post,
  signup,
  startHarness,
  startSetup,
  wrongCode,
} from './support.js';
import { withHarness } from '../helpers/harness.js';

const RECOVERY_FORMAT = /^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{5}(-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{5}){3}$/;

test('the set-up answers a base32 secret, the exact otpauth URI, and a QR code that decodes to that URI', () =>
  withHarness(async (h) => {
    const email = 'ann+mfa@example.com';
    const { token } = await signup(h, email);
    const before = h.clock.now();
    const r = await post(h, '/v1/me/mfa/setup', { method: 'totp', password: PASSWORD }, token);
    assert.equal(r.statusCode, 201, r.body);
    const s = r.json();
    assert.equal(typeof s.setup_id, 'string');
    assert.ok(s.setup_id.length >= 16);
    assert.equal(s.method, 'totp');
    assert.match(s.secret, /^[A-Z2-7]{32}$/, '20 random bytes in RFC 4648 base32, no padding');
    assert.equal(
      s.otpauth_uri,
      `otpauth://totp/Twofold:${encodeURIComponent(email)}?secret=${s.secret}&issuer=Twofold`,
    );
    assert.equal(s.otpauth_uri, `otpauth://totp/Twofold:ann%2Bmfa%40example.com?secret=${s.secret}&issuer=Twofold`);
    assert.equal(Date.parse(s.expires_at), before + 15 * 60_000);

    assert.match(s.qr_svg, /^<svg[\s>]/);
    assert.equal(decodeQrSvg(s.qr_svg), s.otpauth_uri, 'a phone scanning the QR code gets exactly the otpauth URI');

    // The URI parses as a phone app parses it.
    const u = new URL(s.otpauth_uri);
    assert.equal(u.protocol, 'otpauth:');
    assert.equal(u.host, 'totp');
    assert.equal(decodeURIComponent(u.pathname.slice(1)), `Twofold:${email}`);
    assert.equal(u.searchParams.get('secret'), s.secret);
    assert.equal(u.searchParams.get('issuer'), 'Twofold');
    for (const p of ['algorithm', 'digits', 'period'])
      assert.equal(u.searchParams.has(p), false, `${p} is left at its default`);
  }));

test('an issuer with a space and an ampersand is URL-encoded alike in the label and the issuer parameter', async () => {
  const h = await startHarness({ env: { TWOFOLD_ISSUER: 'Acme & Co' } });
  try {
    const { token } = await signup(h, 'zed@example.com');
    const s = await startSetup(h, token);
    assert.equal(
      s.otpauth_uri,
      `otpauth://totp/Acme%20%26%20Co:zed%40example.com?secret=${s.secret}&issuer=Acme%20%26%20Co`,
    );
    assert.equal(decodeQrSvg(s.qr_svg), s.otpauth_uri);
    assert.equal(new URL(s.otpauth_uri).searchParams.get('issuer'), 'Acme & Co');
  } finally {
    await h.close();
  }
});

test('nothing is on before the set-up is confirmed: status off, and the password alone still signs in', () =>
  withHarness(async (h) => {
    const { token } = await signup(h, 'bob@example.com');
    await startSetup(h, token);
    const st = await get(h, '/v1/me/mfa', token);
    assert.equal(st.statusCode, 200);
    assert.deepEqual(st.json(), { enabled: false, method: null });
    const me = await get(h, '/v1/me', token);
    assert.equal(me.json().mfa.enabled, false);
    const l = await login(h, 'bob@example.com');
    assert.equal(l.statusCode, 200, l.body);
    assert.equal(l.json().status, 'authenticated');
    assert.equal(typeof l.json().token, 'string');
  }));

test('a wrong code is 401 invalid_code and changes nothing; the right code then confirms', () =>
  withHarness(async (h) => {
    const { token } = await signup(h, 'cy@example.com');
    const s = await startSetup(h, token);
    for (const code of [wrongCode(h, s.secret), '12345', 'abcdef', '']) {
      assertProblem(
        await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code }, token),
        401,
        'invalid_code',
      );
    }
    assert.equal((await get(h, '/v1/me/mfa', token)).json().enabled, false);
    const ok = await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: phoneCode(h, s.secret) }, token);
    assert.equal(ok.statusCode, 200, ok.body);
  }));

test('a set-up expires after 15 minutes: 410 setup_expired, even with a current code', () =>
  withHarness(async (h) => {
    const { token } = await signup(h, 'dee@example.com');
    const s = await startSetup(h, token);
    h.clock.advance(15 * 60_000);
    assertProblem(
      await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: phoneCode(h, s.secret) }, token),
      410,
      'setup_expired',
    );
    assert.equal((await get(h, '/v1/me/mfa', token)).json().enabled, false);
  }));

test('a set-up confirms once: the same setup_id again is 410, even with a fresh code', () =>
  withHarness(async (h) => {
    const { token } = await signup(h, 'eve@example.com');
    const s = await startSetup(h, token);
    const first = await post(
      h,
      '/v1/me/mfa/setup/verify',
      { setup_id: s.setup_id, code: phoneCode(h, s.secret) },
      token,
    );
    assert.equal(first.statusCode, 200, first.body);
    h.clock.advance(STEP_MS);
    assertProblem(
      await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: phoneCode(h, s.secret) }, token),
      410,
      'setup_expired',
    );
    assertProblem(
      await post(h, '/v1/me/mfa/setup/verify', { setup_id: 'no-such-setup', code: '123456' }, token),
      410,
      'setup_expired',
    );
  }));

test("another account's setup_id is 410 and leaves that set-up usable by its owner", () =>
  withHarness(async (h) => {
    const owner = await signup(h, 'owner@example.com');
    const thief = await signup(h, 'thief@example.com');
    const s = await startSetup(h, owner.token);
    assertProblem(
      await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: phoneCode(h, s.secret) }, thief.token),
      410,
      'setup_expired',
    );
    assert.equal((await get(h, '/v1/me/mfa', thief.token)).json().enabled, false);
    const ok = await post(
      h,
      '/v1/me/mfa/setup/verify',
      { setup_id: s.setup_id, code: phoneCode(h, s.secret) },
      owner.token,
    );
    assert.equal(ok.statusCode, 200, ok.body);
  }));

test('the set-up needs the password (403 reauthentication_failed) and a signed-in session', () =>
  withHarness(async (h) => {
    const { token } = await signup(h, 'fay@example.com');
    const bad = await post(h, '/v1/me/mfa/setup', { method: 'totp', password: 'not the password' }, token);
    assertProblem(bad, 403, 'reauthentication_failed');
    assert.equal(bad.body.includes('secret'), false);
    assertProblem(await post(h, '/v1/me/mfa/setup', { method: 'totp', password: PASSWORD }), 401, 'unauthorized');
    assertProblem(
      await post(h, '/v1/me/mfa/setup', { method: 'totp', password: PASSWORD }, 'not-a-token'),
      401,
      'unauthorized',
    );

    // A bearer session (app) works, and so does the portal's cookie session with a same-origin Origin.
    assert.equal((await post(h, '/v1/me/mfa/setup', { method: 'totp', password: PASSWORD }, token)).statusCode, 201);
    const web = await login(h, 'fay@example.com', 'web');
    const cookie = web.cookies.find((c) => c.name === 'twofold_session');
    assert.ok(cookie);
    const viaCookie = await h.inject({
      method: 'POST',
      url: '/v1/me/mfa/setup',
      payload: { method: 'totp', password: PASSWORD },
      cookies: { twofold_session: cookie.value },
      headers: { origin: ORIGIN },
    });
    assert.equal(viaCookie.statusCode, 201, viaCookie.body);
  }));

test('confirming answers a recovery code, ends every other session, keeps this one, logs events and mails a notice without secrets', () =>
  withHarness(async (h) => {
    const email = 'gus@example.com';
    const { token } = await signup(h, email);
    const otherApp = (await login(h, email)).json().token as string;
    const web = await login(h, email, 'web');
    const webCookie = web.cookies.find((c) => c.name === 'twofold_session')!.value;
    assert.equal((await get(h, '/v1/me/sessions', token)).json().length, 3);

    const s = await startSetup(h, token);
    const r = await post(h, '/v1/me/mfa/setup/verify', { setup_id: s.setup_id, code: phoneCode(h, s.secret) }, token);
    assert.equal(r.statusCode, 200, r.body);
    const body = r.json();
    assert.equal(body.enabled, true);
    assert.equal(body.method, 'totp');
    assert.match(body.recovery_code, RECOVERY_FORMAT);

    // Only the confirming session is left.
    assert.equal((await get(h, '/v1/me', token)).statusCode, 200);
    assertProblem(await get(h, '/v1/me', otherApp), 401, 'unauthorized');
    assert.equal(
      (await h.inject({ method: 'GET', url: '/v1/me', cookies: { twofold_session: webCookie } })).statusCode,
      401,
    );
    const sessions = (await get(h, '/v1/me/sessions', token)).json();
    assert.equal(sessions.length, 1);
    assert.equal(sessions[0].current, true);

    const st = (await get(h, '/v1/me/mfa', token)).json();
    assert.equal(st.enabled, true);
    assert.equal(st.method, 'totp');
    assert.ok(!Number.isNaN(Date.parse(st.enabled_at)));
    assert.equal((await get(h, '/v1/me', token)).json().mfa.method, 'totp');

    const events = await get(h, '/v1/me/events', token);
    const types = events.json().map((e: { type: string }) => e.type);
    assert.ok(types.includes('mfa.setup_started'), types.join());
    assert.ok(types.includes('mfa.enabled'), types.join());
    const recoveryBare = body.recovery_code.replace(/-/g, '');
    for (const secretish of [s.secret, body.recovery_code, recoveryBare, s.otpauth_uri]) {
      assert.equal(events.body.includes(secretish), false, 'the security log carries no secret');
    }

    const mails = h.mailer.to(email);
    assert.equal(mails.length, 1);
    assert.match(mails[0]!.subject, /two-factor authentication is on/i);
    const text = `${mails[0]!.subject}\n${mails[0]!.text}`;
    for (const secretish of [s.secret, s.secret.toLowerCase(), body.recovery_code, recoveryBare]) {
      assert.equal(text.includes(secretish), false, 'the notice carries no secret');
    }
    // Later answers never show the secret again.
    for (const url of ['/v1/me', '/v1/me/mfa', '/v1/me/sessions']) {
      assert.equal((await get(h, url, token)).body.includes(s.secret), false, url);
    }
  }));
