// Issue 18 in the portal, end to end in Chromium against a real `twofold serve` that requires 2FA
// (TWOFOLD_REQUIRE_2FA=true) and mails through a real SMTP server: a pending support reset shows
// on the Two-factor page with "Cancel it", and the mailed link's page cancels one too (each checked
// through the API); an account without a factor is walked straight into the Turn On wizard and,
// once TOTP is on, reaches the rest of the portal. The operator's side goes through the admin API,
// signed with a key made by `twofold admin keys create` on the server's data folder, as on a host.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signRequest } from '../../src/client/signer.js';
import { bearer, enableTotp, PASSWORD, signup, type Server } from '../helpers/accounts.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { call } from '../cluster/client.js';
import {
  capture,
  freePort,
  launchChromium,
  Phone,
  proveMailbox,
  readQr,
  ROOT,
  shots,
  startServer,
  watchPage,
  type ServerProcess,
} from './support.js';

const RUN = Date.now().toString(36);
let dataDir: string;
let server: ServerProcess;
let smtp: TestSmtpServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[] = [];
let admin: { id: string; secret: string };

const button = (name: string) => page.getByRole('button', { name, exact: true });
const heading = (name: string | RegExp) => page.getByRole('heading', { name, exact: typeof name === 'string' });
const field = (label: string) => page.getByLabel(label, { exact: true });

/** The e2e server as the account kit's `Server`: fetch, the real clock, the mailed link proves a mailbox. */
const http = (): Server => ({
  post: (url, json, o = {}) => call(server.url, 'POST', url, { json, headers: { ...o.auth } }),
  now: () => Date.now(),
  realTime: true,
  proveMailbox: (email) => proveMailbox(smtp.messages, server.url, email),
});

function adminCall(method: 'GET' | 'POST', path: string, json?: unknown) {
  const body = json === undefined ? undefined : JSON.stringify(json);
  const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  const sig = signRequest({
    method,
    url: server.url + path,
    headers,
    body: body ?? null,
    keyId: admin.id,
    secretBase64: admin.secret,
    scheme: 'rfc9421',
  });
  return call(server.url, method, path, { headers: { ...headers, ...sig }, ...(body ? { body } : {}) });
}

async function startReset(userId: string): Promise<void> {
  const r = await adminCall('POST', `/v1/admin/users/${userId}/mfa-reset`, {
    reason: 'lost phone and recovery code',
    ticket: `T-${RUN}`,
  });
  assert.equal(r.status, 202, r.text);
}

/** What the owner's API session sees pending (null when nothing is). */
async function pending(token: string): Promise<unknown> {
  const r = await call(server.url, 'GET', '/v1/me/support-reset', { token });
  assert.equal(r.status, 200, r.text);
  return (r.body as { pending: unknown }).pending;
}

async function cancelLinkTo(email: string, after: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const m of smtp.messages.slice(after).filter((x) => x.to.includes(email))) {
      const link = /(https?:\/\/\S+\/support-reset\/cancel\?token=[A-Za-z0-9_-]+)/.exec(m.text)?.[1];
      if (link) return link;
    }
    if (Date.now() > deadline) throw new Error(`no support-reset mail with a cancel link reached ${email}`);
    await smtp.waitFor(smtp.messages.length + 1, Math.max(1, deadline - Date.now())).catch(() => undefined);
  }
}

async function signIn(email: string) {
  await page.goto(`${server.url}/login`);
  await field('Email').fill(email);
  await field('Password').fill(PASSWORD);
  await button('Sign in').click();
}

before(async () => {
  smtp = await startTestSmtpServer();
  dataDir = await mkdtemp(join(tmpdir(), 'twofold-e2e-admin-'));
  const port = await freePort();
  const env = {
    TWOFOLD_DATA_DIR: dataDir,
    TWOFOLD_PUBLIC_URL: `http://127.0.0.1:${port}`,
    TWOFOLD_MAIL_URL: smtp.url,
    TWOFOLD_MAIL_FROM: 'Twofold <no-reply@example.com>',
    TWOFOLD_REQUIRE_2FA: 'true',
  };
  // The first admin key, made on the host before the server runs (docs/operations.md).
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['bin/twofold.js', 'admin', 'keys', 'create', '--name', 'e2e support desk'],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env } },
  );
  const printed = (name: string) => new RegExp(`^${name}=(\\S+)$`, 'm').exec(stdout)?.[1] ?? '';
  admin = { id: printed('TWOFOLD_ADMIN_KEY_ID'), secret: printed('TWOFOLD_ADMIN_SECRET') };
  assert.ok(admin.id && admin.secret, `the key was printed:\n${stdout}`);
  server = await startServer(env, port);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await context.newPage();
  problems = watchPage(page);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  await smtp?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  if (shots.length) console.log(`screenshots (${shots.length}) in test-artifacts/screenshots/: ${shots.join(', ')}`);
});

describe('a support reset shown to the owner (issue 18)', () => {
  const email = `owner.${RUN}@example.com`;
  let token = '';
  let userId = '';
  let phone: Phone;

  it('a pending reset shows on the Two-factor page; "Cancel it" cancels it', async () => {
    ({ token, userId } = await signup(http(), email));
    const { secret } = await enableTotp(http(), bearer(token), { stepOffset: -1 });
    phone = new Phone(secret);
    await phone.code(); // the set-up spent the previous step's code: the phone moves past it
    // Signed in before the reset starts: a second-factor sign-in would itself cancel it.
    await signIn(email);
    await field('6-digit code').fill(await phone.code());
    await button('Verify').click();
    await page.waitForURL('**/account/two-factor');
    await heading('Two-factor authentication is on').waitFor();

    await startReset(userId);
    assert.ok(await pending(token), 'the API shows it pending');
    await page.reload();
    await page.getByText('Support was asked to remove your two-factor authentication').waitFor();
    await capture(page, 'a01-support-reset-pending');
    await button('Cancel it').click();
    await page.getByText('Support was asked to remove your two-factor authentication').waitFor({ state: 'detached' });
    assert.equal(await pending(token), null, 'cancelled, as the API says');
    await heading('Two-factor authentication is on').waitFor();
  });

  it('the mailed link page cancels the next one, and says so when opened again', async () => {
    const before = smtp.messages.length;
    await startReset(userId);
    const link = await cancelLinkTo(email, before);
    const visitor = await context.browser()!.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const p = await visitor.newPage();
    const seen = watchPage(p);
    try {
      await p.goto(link);
      await p.getByRole('heading', { name: 'Cancel the removal of your two-factor authentication' }).waitFor();
      assert.equal(new URL(p.url()).search, '', 'the token leaves the address bar');
      await capture(p, 'a02-support-reset-cancel-link');
      assert.ok(await pending(token), 'opening the page alone cancels nothing');
      await p.getByRole('button', { name: 'Cancel it', exact: true }).click();
      await p.getByRole('heading', { name: 'Cancelled', exact: true }).waitFor();
      await capture(p, 'a03-support-reset-cancelled');
      assert.equal(await pending(token), null, 'cancelled, as the API says');
      await p.goto(link);
      await p.getByRole('button', { name: 'Cancel it', exact: true }).click();
      await p.getByRole('heading', { name: 'This link no longer cancels anything' }).waitFor();
      assert.deepEqual(seen, []);
    } finally {
      await visitor.close();
    }
  });
});

describe('enforced two-factor authentication (TWOFOLD_REQUIRE_2FA=true)', () => {
  const email = `newcomer.${RUN}@example.com`;

  it('an account without a factor is walked straight into the Turn On wizard, then reaches the rest of the portal', async () => {
    await page.context().clearCookies();
    await signup(http(), email);
    await signIn(email);
    await page.waitForURL('**/account/two-factor');
    await heading('Turn On two-factor authentication').waitFor();
    await capture(page, 'a04-required-2fa-wizard');

    await button('Next').click();
    await field('Password').fill(PASSWORD);
    await button('Next').click();
    await heading('Scan the QR code').waitFor();
    const secret = new URL(await readQr(page, '.qr img')).searchParams.get('secret');
    assert.ok(secret, 'the QR code carries the secret');
    await field('6-digit code from the app').fill(await new Phone(secret).code());
    await button('Turn On').click();
    await heading('Save your recovery code').waitFor();
    await page.getByLabel('I have saved my recovery code').check();
    await button('Done').click();
    await heading('Two-factor authentication is on').waitFor();

    await page.getByRole('link', { name: 'Access keys' }).click();
    await page.waitForURL('**/account/access-keys');
    await heading('Access keys').waitFor();
    await capture(page, 'a05-required-2fa-after');
    assert.deepEqual(problems, []);
  });
});
