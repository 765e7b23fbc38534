// Google Sign-In as a new user would try it (issue 6), against a real local OpenID provider:
// a new account, the second sign-in to the same account, linking to an existing account by a
// verified email, our own second factor still asked, and the refusals (unverified email, refused
// consent, forged state, replayed callback).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import {
  PASSWORD,
  assertProblem,
  enableTotp,
  eventually,
  login,
  sessionCookie,
  web,
  webUser,
} from '../http/http-helpers.js';
import { OAUTH_COOKIE, callback, cookiePair, googleSignIn, redirectOf, setCookies, startGoogle } from './flow.js';
import { startLocalProvider, type LocalProvider } from './local-provider.js';

let idp: LocalProvider;
let h: Harness;
let n = 0;
/** A fresh Google account (sub and address) per test, so tests never see each other's rows. */
const person = (verified: boolean | string = true) => {
  n += 1;
  return {
    sub: `10${n}${Date.now()}`,
    email: `person${n}.${Date.now()}@Example.com`,
    email_verified: verified,
    name: `Person ${n}`,
  };
};

before(async () => {
  idp = await startLocalProvider();
  h = await startHarness({ env: idp.env });
});
after(async () => {
  await h?.close();
  await idp?.close();
});

const me = (session: string) => h.inject({ method: 'GET', url: '/v1/me', headers: { cookie: session } });
const events = async (session: string) =>
  (await h.inject({ method: 'GET', url: '/v1/me/events', headers: { cookie: session } })).json<
    Array<Record<string, unknown>>
  >();

describe('starting a Google sign-in', () => {
  test('GET /v1/auth/providers says Google is offered when a client id is configured', async () => {
    const r = await h.inject({ method: 'GET', url: '/v1/auth/providers' });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { google: true });
  });

  test('redirects to the provider with scope openid email profile, state, nonce and PKCE S256', async () => {
    const { authorizationUrl } = await startGoogle(h);
    const u = new URL(authorizationUrl);
    assert.equal(u.origin, idp.issuer);
    const q = u.searchParams;
    assert.equal(q.get('client_id'), idp.clientId);
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('redirect_uri'), 'http://127.0.0.1:8080/v1/auth/google/callback');
    assert.deepEqual(q.get('scope')?.split(' ').sort(), ['email', 'openid', 'profile']);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((q.get('state') ?? '').length >= 22, 'state carries at least 128 bits');
    assert.ok((q.get('nonce') ?? '').length >= 22, 'nonce carries at least 128 bits');
    assert.notEqual(q.get('state'), q.get('nonce'));
  });

  test('the state travels in a signed, HttpOnly, SameSite=Lax cookie for /v1/auth/google that lives 10 minutes', async () => {
    const { res, authorizationUrl } = await startGoogle(h);
    const line = setCookies(res).find((c) => c.startsWith(`${OAUTH_COOKIE}=`))!;
    assert.match(line, /;\s*HttpOnly/i);
    assert.match(line, /;\s*SameSite=Lax/i);
    assert.match(line, /;\s*Path=\/v1\/auth\/google(;|$)/i);
    assert.match(line, /;\s*Max-Age=600(;|$)/i);
    // Signed: a value and an HMAC; and never the raw state in the clear as the whole value.
    const value = decodeURIComponent(line.split(';')[0]!.split('=').slice(1).join('='));
    assert.match(value, /^[A-Za-z0-9_-]+\.[A-Za-z0-9+/]+$/);
    assert.ok(!value.startsWith(new URL(authorizationUrl).searchParams.get('state')!));
  });

  test('each start has its own state, nonce and verifier', async () => {
    const a = new URL((await startGoogle(h)).authorizationUrl).searchParams;
    const b = new URL((await startGoogle(h)).authorizationUrl).searchParams;
    for (const k of ['state', 'nonce', 'code_challenge']) assert.notEqual(a.get(k), b.get(k), k);
  });
});

describe('new and returning Google users', () => {
  test('a new Google user gets an account without a password, google_linked true, and a session', async () => {
    const p = person();
    const before = await h.runtime.storage.users.count();
    const run = await googleSignIn(h, idp, p);
    assert.equal(run.to.pathname, '/');
    assert.equal(run.to.search, '');
    assert.ok(run.session, 'a session cookie is set');
    assert.equal(await h.runtime.storage.users.count(), before + 1);
    const user = (await me(run.session)).json();
    assert.equal(user.email, p.email.toLowerCase(), 'the email is stored in its normal form');
    assert.equal(user.google_linked, true);
    assert.deepEqual(user.mfa, { enabled: false, method: null });
    const stored = await h.runtime.storage.users.findById(user.id);
    assert.equal(stored?.passwordHash, null, 'no password was invented');
    // The OAuth cookie is spent: the callback clears it.
    const cleared = setCookies(run.res).find((c) => c.startsWith(`${OAUTH_COOKIE}=`));
    assert.ok(
      cleared && /Expires=Thu, 01 Jan 1970|Max-Age=0/i.test(cleared),
      `the oauth cookie is cleared: ${cleared}`,
    );
    const types = (await events(run.session)).map((e) => e.type);
    assert.ok(types.includes('account.created'));
    const signin = (await events(run.session)).find((e) => e.type === 'signin.succeeded');
    assert.equal(signin?.method, 'google');
  });

  test('the second sign-in with the same Google account opens the same account, with a new session', async () => {
    const p = person();
    const first = await googleSignIn(h, idp, p);
    const count = await h.runtime.storage.users.count();
    const second = await googleSignIn(h, idp, p);
    assert.equal(second.to.pathname, '/');
    assert.equal(await h.runtime.storage.users.count(), count, 'no second account');
    assert.notEqual(second.session, first.session, 'a new session token at every sign-in');
    assert.equal((await me(second.session!)).json().id, (await me(first.session!)).json().id);
  });

  test('accounts are keyed on the Google subject, not the email: a changed address still opens the same account', async () => {
    const p = person();
    const first = await googleSignIn(h, idp, p);
    const changed = await googleSignIn(h, idp, { ...p, email: `renamed.${p.email}` });
    assert.equal((await me(changed.session!)).json().id, (await me(first.session!)).json().id);
  });

  test('a Google account whose email is unverified opens, creates and links nothing', async () => {
    const p = person(false);
    const count = await h.runtime.storage.users.count();
    const run = await googleSignIn(h, idp, p);
    assert.equal(run.to.pathname, '/login');
    assert.equal(run.to.searchParams.get('error'), 'google_unverified_email');
    assert.equal(run.session, undefined);
    assert.equal(await h.runtime.storage.users.count(), count);
    // Without an email claim at all: the same.
    const none = await googleSignIn(h, idp, { sub: `${p.sub}-x` });
    assert.equal(none.to.searchParams.get('error'), 'google_unverified_email');
    assert.equal(await h.runtime.storage.users.count(), count);
  });

  test('email_verified sent as the string "true" (Google\'s older form) counts as verified', async () => {
    const run = await googleSignIn(h, idp, person('true'));
    assert.equal(run.to.pathname, '/');
    assert.ok(run.session);
  });
});

describe('linking to an existing account', () => {
  test('a verified Google email links to the existing password account of that email (any case) and mails a notice', async () => {
    const email = `owner.${Date.now()}@example.com`;
    const owner = await webUser(h, email);
    const mailsBefore = h.mailer.to(email).length;
    const run = await googleSignIn(h, idp, {
      sub: `link-${Date.now()}`,
      email: email.toUpperCase(),
      email_verified: true,
    });
    assert.equal(run.to.pathname, '/');
    const user = (await me(run.session!)).json();
    assert.equal(user.id, owner.id, 'the existing account, not a new one');
    assert.equal(user.google_linked, true);
    const notice = h.mailer
      .to(email)
      .slice(mailsBefore)
      .find((m) => /Google account was linked/i.test(m.subject));
    assert.ok(notice, 'the owner is told by mail');
    assert.ok(!/code=|state=|token/i.test(notice.text), 'the notice carries no secret');
    assert.ok((await events(run.session!)).some((e) => e.type === 'google.linked'));
    // The password still works.
    const pw = await login(h, email);
    assert.equal(pw.statusCode, 200, pw.body);
  });

  test('an unverified Google email is not linked to the account of that email', async () => {
    const email = `victim.${Date.now()}@example.com`;
    const victim = await webUser(h, email);
    const run = await googleSignIn(h, idp, { sub: `attacker-${Date.now()}`, email, email_verified: false });
    assert.equal(run.to.searchParams.get('error'), 'google_unverified_email');
    assert.equal(run.session, undefined);
    assert.equal((await me(victim.cookie)).json().google_linked, false);
    assert.ok(
      (await events(victim.cookie)).some((e) => e.type === 'signin.failed' && e.reason === 'google_unverified_email'),
    );
  });
});

describe('our second factor is still asked', () => {
  test('an account with TOTP gets no session from Google: /login?challenge=…, then login/verify finishes it', async () => {
    const email = `twofactor.${Date.now()}@example.com`;
    const owner = await webUser(h, email);
    const { secret } = await enableTotp(h, owner.auth);
    h.clock.advance(30_000); // the set-up spent this step's code
    const run = await googleSignIn(h, idp, { sub: `tf-${Date.now()}`, email, email_verified: true });
    assert.equal(run.to.pathname, '/login');
    const challenge = run.to.searchParams.get('challenge');
    assert.ok(challenge, run.to.href);
    assert.equal(run.to.searchParams.get('method'), 'totp');
    assert.equal(run.session, undefined, 'no session before the second factor');
    assert.ok(!setCookies(run.res).some((c) => c.startsWith('twofold_session=') && !/Max-Age=0|1970/.test(c)));

    const wrong = await h.inject({
      method: 'POST',
      url: '/v1/auth/login/verify',
      payload: { challenge, code: '000000' === totpAt(base32Decode(secret), h.clock.now()) ? '111111' : '000000' },
    });
    assertProblem(wrong, 401, 'invalid_code');
    const ok = await h.inject({
      method: 'POST',
      url: '/v1/auth/login/verify',
      payload: { challenge, code: totpAt(base32Decode(secret), h.clock.now()) },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal(ok.json().status, 'authenticated');
    assert.equal(ok.json().user.id, owner.id);
    assert.equal(ok.json().user.google_linked, true);
    assert.equal(ok.json().token, undefined, 'the portal gets a cookie, not a token');
    const session = sessionCookie(ok);
    assert.equal((await me(session)).json().id, owner.id);
    const required = (await events(session)).find((e) => e.type === 'signin.mfa_required');
    assert.equal(required?.via, 'google');
  });

  test('the Google identity is linked only once the code is given: an unfinished challenge links nothing and mails nothing', async () => {
    const email = `pending.${Date.now()}@example.com`;
    const owner = await webUser(h, email);
    const { secret } = await enableTotp(h, owner.auth);
    h.clock.advance(30_000);
    const sub = `pend-${Date.now()}`;
    const mailsBefore = h.mailer.to(email).length;
    const run = await googleSignIn(h, idp, { sub, email, email_verified: true });
    const challenge = run.to.searchParams.get('challenge')!;
    assert.ok(challenge);
    // Someone holding only the Google account stops here: nothing is attached to the account.
    assert.equal((await me(owner.cookie)).json().google_linked, false);
    assert.equal(await h.runtime.storage.identities.find(idp.issuer, sub), null);
    assert.ok(!(await events(owner.cookie)).some((e) => e.type === 'google.linked'));
    assert.ok(
      !h.mailer
        .to(email)
        .slice(mailsBefore)
        .some((m) => /Google account was linked/i.test(m.subject)),
    );
    const wrong = await h.inject({
      method: 'POST',
      url: '/v1/auth/login/verify',
      payload: { challenge, code: '000000' === totpAt(base32Decode(secret), h.clock.now()) ? '111111' : '000000' },
    });
    assertProblem(wrong, 401, 'invalid_code');
    assert.equal(await h.runtime.storage.identities.find(idp.issuer, sub), null, 'a wrong code links nothing');

    const ok = await h.inject({
      method: 'POST',
      url: '/v1/auth/login/verify',
      payload: { challenge, code: totpAt(base32Decode(secret), h.clock.now()) },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.equal((await h.runtime.storage.identities.find(idp.issuer, sub))?.userId, owner.id);
    assert.equal((await me(owner.cookie)).json().google_linked, true);
    assert.ok((await events(owner.cookie)).some((e) => e.type === 'google.linked'));
    assert.ok(
      h.mailer
        .to(email)
        .slice(mailsBefore)
        .some((m) => /Google account was linked/i.test(m.subject)),
    );
    // The next Google sign-in is recognised by its subject and still asks for the code.
    h.clock.advance(30_000);
    const again = await googleSignIn(h, idp, { sub, email: `changed.${Date.now()}@example.com`, email_verified: true });
    assert.equal(again.to.pathname, '/login');
    assert.ok(again.to.searchParams.get('challenge'));
  });

  test('the recovery code finishes a Google sign-in too', async () => {
    const email = `recover.${Date.now()}@example.com`;
    const owner = await webUser(h, email);
    const { recoveryCode } = await enableTotp(h, owner.auth);
    const run = await googleSignIn(h, idp, { sub: `rc-${Date.now()}`, email, email_verified: true });
    const challenge = run.to.searchParams.get('challenge')!;
    const r = await h.inject({
      method: 'POST',
      url: '/v1/auth/login/recover',
      payload: { challenge, recovery_code: recoveryCode },
    });
    assert.equal(r.statusCode, 200, r.body);
    assert.equal(r.json().mfa_disabled, true);
    assert.equal(r.json().user.google_linked, true, 'the recovery code proves the account as the code would');
  });
});

describe('refusals: every one a redirect to /login?error=…, never a session or a 500', () => {
  test('refused consent at the provider → google_denied', async () => {
    const run = await googleSignIn(h, idp, 'deny');
    assert.equal(run.callbackUrl.searchParams.get('error'), 'access_denied');
    assert.equal(run.to.pathname, '/login');
    assert.equal(run.to.searchParams.get('error'), 'google_denied');
    assert.equal(run.session, undefined);
  });

  test('a forged state → google_state, and the real sign-in can still finish', async () => {
    const started = await startGoogle(h);
    idp.next = person();
    const real = await idp.authorize(started.authorizationUrl);
    const forged = new URL(real);
    forged.searchParams.set('state', 'forged-state-0123456789abcdefghijk');
    const r = await callback(h, forged, started.cookie);
    assert.equal(redirectOf(r).searchParams.get('error'), 'google_state');
    assert.equal(cookiePair(r, 'twofold_session'), undefined);
    // The forged callback did not spend this browser's sign-in.
    const ok = await callback(h, real, started.cookie);
    assert.equal(redirectOf(ok).pathname, '/');
  });

  test("a callback without the cookie, with another browser's cookie, or with an altered cookie → google_state", async () => {
    const mine = await startGoogle(h);
    const theirs = await startGoogle(h);
    idp.next = person();
    const url = await idp.authorize(mine.authorizationUrl);
    for (const cookie of [
      undefined,
      theirs.cookie,
      mine.cookie.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')),
      `${OAUTH_COOKIE}=e30`,
    ]) {
      const r = await callback(h, url, cookie);
      assert.equal(redirectOf(r).searchParams.get('error'), 'google_state', `cookie ${cookie}`);
      assert.equal(cookiePair(r, 'twofold_session'), undefined);
    }
  });

  test('a replayed callback (same code, same cookie) is refused and opens no second session', async () => {
    const first = await googleSignIn(h, idp, person());
    assert.equal(first.to.pathname, '/');
    const again = await callback(h, first.callbackUrl, first.oauthCookie);
    assert.equal(redirectOf(again).pathname, '/login');
    assert.equal(redirectOf(again).searchParams.get('error'), 'google_state');
    assert.equal(cookiePair(again, 'twofold_session'), undefined);
    const noCookie = await callback(h, first.callbackUrl);
    assert.equal(redirectOf(noCookie).searchParams.get('error'), 'google_state');
  });

  test('a started sign-in expires after 10 minutes', async () => {
    const started = await startGoogle(h);
    idp.next = person();
    const url = await idp.authorize(started.authorizationUrl);
    h.clock.advance(10 * 60_000 + 1);
    const r = await callback(h, url, started.cookie);
    assert.equal(redirectOf(r).searchParams.get('error'), 'google_state');
  });

  test('a bare or malformed callback is a redirect, not an error page', async () => {
    for (const url of [
      '/v1/auth/google/callback',
      '/v1/auth/google/callback?code=&state=',
      '/v1/auth/google/callback?error=server_error',
      '/v1/auth/google/callback?state=%ZZ',
    ]) {
      const r = await h.inject({ method: 'GET', url });
      assert.equal(redirectOf(r).pathname, '/login', url);
      assert.equal(redirectOf(r).searchParams.get('error'), 'google_state', url);
    }
  });
});

describe('Google-only accounts and unlinking', () => {
  test('a Google-only account cannot sign in with any password, but can set one through the reset flow', async () => {
    const p = person();
    const run = await googleSignIn(h, idp, p);
    const email = p.email.toLowerCase();
    for (const guess of ['', 'null', 'twofold:dummy-password-for-unknown-accounts', PASSWORD]) {
      const r = await h.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email, password: guess || 'x', client: 'app' },
      });
      assertProblem(r, 401, 'invalid_credentials');
    }
    // Turning on a second factor needs a password: the account is told to set one.
    const setup = await h.inject({
      method: 'POST',
      url: '/v1/me/mfa/setup',
      headers: web(run.session!),
      payload: { method: 'totp', password: 'anything' },
    });
    assertProblem(setup, 409, 'password_required');
    // Unlinking needs a password to exist.
    const unlink = await h.inject({
      method: 'DELETE',
      url: '/v1/me/google',
      headers: web(run.session!),
      payload: { password: 'anything' },
    });
    assertProblem(unlink, 409, 'password_required');

    const forgot = await h.inject({ method: 'POST', url: '/v1/auth/password/forgot', payload: { email } });
    assert.equal(forgot.statusCode, 202);
    const mail = await eventually(
      () => h.mailer.to(email).find((m) => /reset-password\?token=/.test(m.text)),
      'the reset mail',
    );
    const token = /token=([A-Za-z0-9_-]+)/.exec(mail.text)![1]!;
    const reset = await h.inject({
      method: 'POST',
      url: '/v1/auth/password/reset',
      payload: { token, password: PASSWORD },
    });
    assert.equal(reset.statusCode, 200, reset.body);
    const pw = await login(h, email, PASSWORD, 'web');
    assert.equal(pw.statusCode, 200, pw.body);
    assert.equal(pw.json().user.google_linked, true);

    // Now it can unlink (with the password), and Google sign-in no longer opens it by subject.
    const session = sessionCookie(pw);
    const wrong = await h.inject({
      method: 'DELETE',
      url: '/v1/me/google',
      headers: web(session),
      payload: { password: 'not the password' },
    });
    assertProblem(wrong, 403, 'reauthentication_failed');
    const ok = await h.inject({
      method: 'DELETE',
      url: '/v1/me/google',
      headers: web(session),
      payload: { password: PASSWORD },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    assert.deepEqual(ok.json(), { google_linked: false });
    assert.equal((await me(session)).json().google_linked, false);
    assert.ok(h.mailer.to(email).some((m) => /Google account was unlinked/i.test(m.subject)));
    const again = await h.inject({
      method: 'DELETE',
      url: '/v1/me/google',
      headers: web(session),
      payload: { password: PASSWORD },
    });
    assertProblem(again, 409, 'google_not_linked');
    assert.equal(await h.runtime.storage.identities.find(idp.issuer, p.sub), null);
  });

  test('unlinking is for sessions only: a bearer token or without CSRF proof is refused', async () => {
    const run = await googleSignIn(h, idp, person());
    const noOrigin = await h.inject({
      method: 'DELETE',
      url: '/v1/me/google',
      headers: { cookie: run.session! },
      payload: { password: PASSWORD },
    });
    assertProblem(noOrigin, 403, 'csrf_failed');
    const anon = await h.inject({ method: 'DELETE', url: '/v1/me/google', payload: { password: PASSWORD } });
    assert.equal(anon.statusCode, 401);
  });
});

describe('without a Google client id', () => {
  test('the provider list says false and the Google routes answer 404 problems', async () => {
    const plain = await startHarness();
    try {
      assert.deepEqual((await plain.inject({ method: 'GET', url: '/v1/auth/providers' })).json(), { google: false });
      assertProblem(await plain.inject({ method: 'GET', url: '/v1/auth/google' }), 404, 'not_found');
      assertProblem(
        await plain.inject({ method: 'GET', url: '/v1/auth/google/callback?code=x&state=y' }),
        404,
        'not_found',
      );
    } finally {
      await plain.close();
    }
  });
});
