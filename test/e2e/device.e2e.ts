// The device approval page (/device, RFC 8628 §3.3) in Chromium against a real server process:
// the QR code's link asks a visitor to sign in first and comes back with the code filled in, the
// page shows what asks with the warning, Approve signs the device in (its poll gets the token),
// a wrong code is refused in place, and Deny ends the other grant with access_denied. Every
// screen is checked with axe and captured at 390 and 1280 px.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { capture, launchChromium, shots, startServer, watchPage, type ServerProcess } from './support.js';

const EMAIL = 'device-e2e@example.com';
const PASSWORD = 'correct horse battery staple';
const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
const DEVICE_UA = 'twofold-cli/0.1.0 (e2e)';

let server: ServerProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[] = [];

const button = (name: string) => page.getByRole('button', { name, exact: true });
const heading = (name: string) => page.getByRole('heading', { name, exact: true });

async function form(path: string, fields: Record<string, string>) {
  const r = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': DEVICE_UA },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: r.status, json: (await r.json()) as Record<string, string> };
}
const startGrant = async () => (await form('/oauth/device_authorization', { client_id: 'twofold-cli' })).json;
const poll = (deviceCode: string) =>
  form('/oauth/token', { grant_type: GRANT_TYPE, device_code: deviceCode, client_id: 'twofold-cli' });

before(async () => {
  server = await startServer();
  const r = await fetch(`${server.url}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD, client: 'app' }),
  });
  assert.equal(r.status, 201);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
  page = await context.newPage();
  problems = watchPage(page);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  if (shots.length) console.log(`screenshots (${shots.length}) in test-artifacts/screenshots/: ${shots.join(', ')}`);
});

describe('the device approval page in Chromium', () => {
  it('the link with the code asks to sign in, comes back filled in, shows what asks with the warning, and Approve signs the device in', async () => {
    const grant = await startGrant();
    await page.goto(grant.verification_uri_complete!);
    await heading('Sign in a device').waitFor();
    await capture(page, 'device-01-sign-in-first');
    await button('Sign in to continue').click();
    await page.waitForURL('**/login');
    await page.getByLabel('Email', { exact: true }).fill(EMAIL);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await button('Sign in').click();
    await page.waitForURL(/\/device\?user_code=/);
    assert.equal(await page.getByLabel('Code', { exact: true }).inputValue(), grant.user_code);
    await capture(page, 'device-02-code');
    await button('Continue').click();
    await heading('Approve this device?').waitFor();
    await page.getByText('Approve only if you started this yourself, on a device in front of you').waitFor();
    await page.getByText('twofold-cli', { exact: true }).waitFor();
    await page.getByText('127.0.0.1', { exact: true }).waitFor();
    await capture(page, 'device-03-confirm');
    assert.equal((await poll(grant.device_code!)).json.error, 'authorization_pending');
    await button('Approve').click();
    await heading('Device signed in').waitFor();
    await capture(page, 'device-04-approved');
    await new Promise((r) => setTimeout(r, 5_100)); // the device keeps the RFC's 5 s interval
    const token = await poll(grant.device_code!);
    assert.equal(token.status, 200, JSON.stringify(token.json));
    assert.equal(token.json.token_type, 'Bearer');
  });

  it('a wrong code is refused in place; the right one typed in lower case without the dash can be denied', async () => {
    const grant = await startGrant();
    await page.goto(`${server.url}/device`);
    const code = page.getByLabel('Code', { exact: true });
    await code.fill('BCDF-GHJK');
    await button('Continue').click();
    await page.getByText(/This code is unknown, has expired or was already used/).waitFor();
    await capture(page, 'device-05-wrong-code');
    await code.fill(grant.user_code!.replace('-', '').toLowerCase());
    await button('Continue').click();
    await heading('Approve this device?').waitFor();
    await button('Deny').click();
    await heading('Request denied').waitFor();
    await capture(page, 'device-06-denied');
    assert.equal((await poll(grant.device_code!)).json.error, 'access_denied');
    assert.deepEqual(problems, []);
  });
});
