// Issue 14, item 14, in the portal: on a development server with the console providers (the
// README's `npm start`), a new user confirms the email and turns on SMS from the portal alone:
// the "check your email" banner links to /dev/outbox, whose mailed link confirms the address, and
// the "enter the code" step links to it again for the texted code. axe-core on the outbox page.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { capture, launchChromium, startServer, watchPage, type ServerProcess } from './support.js';

const EMAIL = `outbox.${Date.now().toString(36)}@example.com`;
const PASSWORD = 'a long and private passphrase';

let server: ServerProcess;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[] = [];

const button = (name: string | RegExp, on: Page = page) =>
  on.getByRole('button', { name, exact: typeof name === 'string' });
const heading = (name: string | RegExp, on: Page = page) =>
  on.getByRole('heading', { name, exact: typeof name === 'string' });
const field = (label: string) => page.getByLabel(label, { exact: true });

/** Clicks "open the outbox" (a new tab) and returns that tab once it lists something. */
async function openOutbox(): Promise<Page> {
  const [tab] = await Promise.all([
    context.waitForEvent('page'),
    page.getByRole('link', { name: 'open the outbox' }).click(),
  ]);
  await heading('Development outbox', tab).waitFor();
  await tab.locator('.outbox-item').first().waitFor();
  return tab;
}

before(async () => {
  // No TWOFOLD_MAIL_URL, the console SMS provider, NODE_ENV unset: what `npm start` runs.
  server = await startServer();
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
  page = await context.newPage();
  problems = watchPage(page);
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the development outbox', () => {
  it('a new user confirms the email through the outbox link, then turns on SMS with the code from the outbox', async () => {
    await page.goto(`${server.url}/signup`);
    await field('Email').fill(EMAIL);
    await field('Password').fill(PASSWORD);
    await button('Create account').click();
    await page.waitForURL('**/account/two-factor');
    await page.getByRole('link', { name: 'open the outbox' }).waitFor();
    await capture(page, '61-dev-outbox-link');

    const outbox = await openOutbox();
    problems.push(...watchPage(outbox));
    await capture(outbox, '60-dev-outbox');
    const link = outbox.getByRole('link', { name: /\/verify-email\?token=/ }).first();
    assert.ok((await link.textContent())?.startsWith(server.url), 'the mailed link is clickable and points here');
    await link.click();
    await heading('Your email address is confirmed', outbox).waitFor();
    await outbox.close();

    await page.reload();
    await heading('Two-factor authentication is off').waitFor();
    await button('Turn On').click();
    await page.getByLabel(/SMS Number/).check();
    await button('Next').click();
    await page.getByLabel('Country or region').selectOption('US');
    await field('Phone number').fill('201-555-0123');
    await button('Next').click();
    await field('Password').fill(PASSWORD);
    await button('Next').click();
    await heading('Enter the code we sent').waitFor();
    await page.getByRole('link', { name: 'open the outbox' }).waitFor();
    await capture(page, '62-dev-outbox-link-sms');

    const texts = await openOutbox();
    const newest = texts.locator('.outbox-item').first();
    await newest.getByText('+12015550123').waitFor();
    const code = /\b(\d{6})\b/.exec((await newest.locator('.outbox-text').textContent()) ?? '')?.[1];
    assert.ok(code, 'the texted code is in the outbox');
    await texts.close();

    await field('6-digit code').fill(code);
    await button('Turn On').click();
    await heading('Save your recovery code').waitFor();
    assert.deepEqual(problems, []);
  });
});
