// Enforced 2FA (TWOFOLD_REQUIRE_2FA, docs/admin.md): during the grace period nothing changes;
// after it, an account without a second factor reaches only the set-up routes — checked over
// every route of the OpenAPI document, so a new route cannot slip past — and its access keys
// nothing, until it sets a factor up; then everything works again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness.js';
import { assertProblem } from '../helpers/problems.js';
import { bearer, enableTotp, login, signup } from '../helpers/accounts.js';
import { SETUP_ROUTES } from '../../src/server/plugins/auth.js';
import { createKey, type CreatedKey } from '../keys/support.js';
import { signed } from './support.js';

const DAY = 86_400_000;
let h: Harness;
let token: string;
let key: CreatedKey;
const EMAIL = 'no-factor@example.com';

before(async () => {
  // The grace period ends a day after the test starts (the harness's clock starts at the real now).
  const after = new Date(Date.now() + DAY).toISOString();
  h = await startHarness({ env: { TWOFOLD_REQUIRE_2FA: 'true', TWOFOLD_REQUIRE_2FA_AFTER: after } });
  token = (await signup(h, EMAIL)).token;
  key = await createKey(h, token);
});
after(async () => {
  await h?.close();
});

test('during the grace period an account without a factor works as before', async () => {
  assert.equal((await h.inject({ method: 'GET', url: '/v1/me/sessions', headers: bearer(token) })).statusCode, 200);
  assert.equal((await signed(h, key, 'GET', '/v1/me')).statusCode, 200);
});

test('after it, every authenticated route but the set-up answers 403 mfa_setup_required (walked over the OpenAPI)', async () => {
  h.clock.advance(DAY + 1000);
  const doc = (await h.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{
    paths: Record<string, Record<string, unknown>>;
  }>();
  const session = (await login(h, EMAIL)).json().token as string;
  assert.ok(session, 'a password sign-in still gives a session: the one that may set a factor up');
  let guarded = 0;
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (path.startsWith('/v1/admin')) continue;
    for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
      const url = path.replace(/\{[^}]+\}/g, 'ABCDEFGHIJKLMNOPQRST');
      const send = (headers: Record<string, string>) =>
        h.inject({
          method: method,
          url,
          headers,
          ...(method === 'GET' || method === 'HEAD' ? {} : { payload: {} }),
        });
      // A route that asks who is calling answers 401 without credentials.
      if ((await send({})).statusCode !== 401) continue;
      guarded++;
      const route = `${method} ${path.replace(/\{([^}]+)\}/g, ':$1')}`;
      const r = await send(bearer(session));
      if (SETUP_ROUTES.has(route)) assert.notEqual(r.json().code, 'mfa_setup_required', `${route} is a set-up route`);
      else assertProblem(r, 403, 'mfa_setup_required');
    }
  }
  assert.ok(guarded > 15, `walked ${guarded} authenticated routes`);
});

test("the account's access keys are refused until a factor is set up, on every route", async () => {
  assertProblem(await signed(h, key, 'GET', '/v1/me'), 403, 'mfa_setup_required');
  assertProblem(await signed(h, key, 'GET', '/v1/me/access-keys'), 403, 'mfa_setup_required');
});

test('setting TOTP up with the limited session lifts every limit, for sessions and keys', async () => {
  const session = (await login(h, EMAIL)).json().token as string;
  assert.equal((await h.inject({ method: 'GET', url: '/v1/me', headers: bearer(session) })).statusCode, 200);
  await enableTotp(h, bearer(session), { nextStep: true });
  assert.equal((await h.inject({ method: 'GET', url: '/v1/me/sessions', headers: bearer(session) })).statusCode, 200);
  assert.equal((await signed(h, key, 'GET', '/v1/me')).statusCode, 200);
});

test('a TWOFOLD_REQUIRE_2FA_AFTER that is not a date stops start-up, naming the variable', async () => {
  const { loadConfig } = await import('../../src/runtime/config.js');
  assert.throws(() => loadConfig({ TWOFOLD_REQUIRE_2FA_AFTER: 'next week' }), /TWOFOLD_REQUIRE_2FA_AFTER/);
  assert.throws(() => loadConfig({ TWOFOLD_REQUIRE_2FA: 'maybe' }), /TWOFOLD_REQUIRE_2FA/);
});
