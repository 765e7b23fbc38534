// The development outbox: with mails and texts only logged (no TWOFOLD_MAIL_URL, the console SMS
// provider, not production), a new user finds the confirmation link and the SMS codes at
// GET /dev/outbox.json, which the portal's /dev/outbox page shows. Anywhere real messages could
// be at stake (production, real mail, real SMS, a listener open to the network) it does not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { portalRoutes } from '../../src/server/routes/portal-routes.js';
import { ORIGIN, withHarness, type Harness } from '../helpers/harness.js';
import { PASSWORD, assertProblem, sessionCookie, web, type Auth } from './http-helpers.js';

interface Entry {
  id: number;
  kind: 'mail' | 'sms';
  at: string;
  to: string;
  subject: string | null;
  text: string;
}

async function outbox(h: Harness): Promise<Entry[]> {
  const r = await h.inject({ method: 'GET', url: '/dev/outbox.json' });
  assert.equal(r.statusCode, 200, r.body);
  assert.equal(r.headers['cache-control'], 'no-store');
  const body = r.json<{ capacity: number; messages: Entry[] }>();
  assert.equal(body.capacity, 50);
  return body.messages;
}

const post = (h: Harness, url: string, payload: unknown, auth: Auth = { origin: ORIGIN }) =>
  h.inject({ method: 'POST', url, headers: auth, payload: payload as object });

test('a new user signs up, confirms the email from the outbox link and turns on SMS with the code from the outbox', () =>
  withHarness(async (h) => {
    const email = 'newcomer@example.com';
    const signup = await post(h, '/v1/auth/signup', { email, password: PASSWORD });
    assert.equal(signup.statusCode, 201, signup.body);
    const auth = web(sessionCookie(signup));

    const [mail] = await outbox(h);
    assert.equal(mail?.kind, 'mail');
    assert.equal(mail.to, email);
    const link = /(http\S+\/verify-email\?token=[\w-]+)/.exec(mail.text)?.[1];
    assert.ok(link, `a confirmation link in: ${mail.text}`);
    const token = new URL(link).searchParams.get('token');
    assert.equal((await post(h, '/v1/auth/email/verify', { token })).statusCode, 200);

    const setup = await post(
      h,
      '/v1/me/mfa/setup',
      { method: 'sms', phone: '+1 415 555 0123', password: PASSWORD },
      auth,
    );
    assert.equal(setup.statusCode, 201, setup.body);
    const [text] = await outbox(h);
    assert.equal(text?.kind, 'sms');
    assert.equal(text.to, '+14155550123');
    assert.equal(text.subject, null);
    const code = /\b(\d{6})\b/.exec(text.text)?.[1];
    assert.ok(code, `a code in: ${text.text}`);
    const done = await post(
      h,
      '/v1/me/mfa/setup/verify',
      { setup_id: setup.json<{ setup_id: string }>().setup_id, code },
      auth,
    );
    assert.equal(done.statusCode, 200, done.body);
    assert.equal(done.json<{ method: string }>().method, 'sms');

    // Signing in again sends a new code, which shows up first.
    const login = await post(h, '/v1/auth/login', { email, password: PASSWORD });
    assert.equal(login.json<{ status: string }>().status, 'mfa_required');
    const messages = await outbox(h);
    assert.equal(messages[0]?.kind, 'sms');
    assert.notEqual(messages[0].id, text.id);
    assert.deepEqual(
      messages.map((m) => m.id),
      messages.map((m) => m.id).sort((a, b) => b - a),
      'newest first',
    );
  }));

test('the outbox keeps only the last 50 messages', () =>
  withHarness(async (h) => {
    for (let i = 0; i < 53; i++) {
      // One address per sign-up: 20 an hour from one address is the limit.
      const r = await h.inject({
        method: 'POST',
        url: '/v1/auth/signup',
        remoteAddress: `10.0.${i}.1`,
        headers: { origin: ORIGIN },
        payload: { email: `ring${i}@example.com`, password: PASSWORD },
      });
      assert.equal(r.statusCode, 201, r.body);
    }
    const messages = await outbox(h);
    assert.equal(messages.length, 50);
    assert.equal(messages[0]?.to, 'ring52@example.com');
    assert.equal(messages[49]?.to, 'ring3@example.com');
  }));

for (const [why, env] of [
  ['NODE_ENV=production', { NODE_ENV: 'production' }],
  ['real mail (TWOFOLD_MAIL_URL)', { TWOFOLD_MAIL_URL: 'smtp://127.0.0.1:2525' }],
  [
    'a real SMS provider',
    {
      TWOFOLD_SMS_PROVIDER: 'webhook',
      TWOFOLD_SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms',
      TWOFOLD_SMS_WEBHOOK_SECRET: 'c2l4dGVlbiBieXRlcyBvZiBzZWNyZXQh',
    },
  ],
  ['a listener open to the network (HOST=0.0.0.0)', { HOST: '0.0.0.0' }],
] as const) {
  test(`with ${why}, /dev/outbox.json answers 404, keeps nothing and is not in the OpenAPI`, () =>
    withHarness(
      async (h) => {
        const signup = await post(h, '/v1/auth/signup', { email: 'prod@example.com', password: PASSWORD });
        assert.equal(signup.statusCode, 201, signup.body);
        assert.equal(h.runtime.outbox, null);
        assertProblem(await h.inject({ method: 'GET', url: '/dev/outbox.json' }), 404, 'not_found');
        const spec = (await h.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{ paths: object }>();
        assert.ok(!('/dev/outbox.json' in spec.paths));
      },
      { env },
    ));
}

test('while on, the outbox route is in the OpenAPI the server builds', () =>
  withHarness(async (h) => {
    const spec = (await h.inject({ method: 'GET', url: '/v1/openapi.json' })).json<{ paths: Record<string, object> }>();
    assert.ok(spec.paths['/dev/outbox.json']?.['get' as keyof object]);
  }));

test('the portal serves its /dev/outbox page only while the outbox is on; otherwise the page is a 404', async () => {
  const root = mkdtempSync(join(tmpdir(), 'twofold-portal-'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>portal</title>');
  for (const devOutbox of [true, false]) {
    const app = Fastify();
    await app.register(portalRoutes, { root, devOutbox });
    const r = await app.inject({ method: 'GET', url: '/dev/outbox', headers: { accept: 'text/html' } });
    assert.equal(r.statusCode, devOutbox ? 200 : 404, `devOutbox=${devOutbox}`);
    assert.match(r.body, /<title>portal<\/title>/);
    await app.close();
  }
});
