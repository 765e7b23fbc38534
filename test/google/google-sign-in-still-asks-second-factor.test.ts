// Google Sign-In does not skip our own second factor (issue 6): an account with TOTP gets a
// challenge, not a session; the Google identity is linked only once the code (or the recovery
// code) is given, so holding the Google account alone attaches nothing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { assertProblem, enableTotp, sessionCookie, webUser } from '../http/http-helpers.js';
import { googleSignIn, setCookies } from './flow.js';
import { events, h, idp, me, useGoogleHarness } from './support.js';

useGoogleHarness();

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
