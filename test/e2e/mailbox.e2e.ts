// Issue 13 in the portal, end to end in Chromium against a real `twofold serve` with a real SMTP
// server: a new account is told to confirm its address and what waits for it, the mailed link
// confirms it (once), a change of email waits for the new address's link, a password reset says
// which access keys it disabled, and deleting the account (with two-factor authentication on)
// signs out for good. axe-core on every new page and state, screenshots at 390 px and 1280 px.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startTestSmtpServer, type ReceivedMail, type TestSmtpServer } from '../helpers/smtp.js';
import { capture, launchChromium, Phone, shots, startServer, watchPage, type ServerProcess } from './support.js';

const RUN = Date.now().toString(36);
const EMAIL = `lin.${RUN}@example.com`;
const NEW_EMAIL = `lin.new.${RUN}@example.org`;
const OTHER_EMAIL = `taken.${RUN}@example.com`;
let password = 'a long and private passphrase';
const RESET_PASSWORD = 'another long private passphrase';

let server: ServerProcess;
let smtp: TestSmtpServer;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[] = [];
let phone: Phone;
let recoveryCode = '';
let verifyPosts = 0;

const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
const heading = (name: string | RegExp) => page.getByRole('heading', { name, exact: typeof name === 'string' });
const field = (label: string) => page.getByLabel(label, { exact: true });
const banner = () => page.getByRole('region', { name: 'Confirm your email address' });

async function focusedAttr(name: string): Promise<string | null> {
  return page.evaluate<string | null>(
    `document.activeElement && document.activeElement.getAttribute(${JSON.stringify(name)})`,
  );
}

/** The newest mail to `to` whose text matches `pattern`, waiting up to 10 s for it. */
async function mailTo(to: string, pattern: RegExp, after = 0): Promise<ReceivedMail> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = smtp.messages
      .slice(after)
      .filter((m) => m.to.includes(to) && pattern.test(m.text))
      .at(-1);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(
        `no mail to ${to} matching ${pattern}; got: ${smtp.messages.map((m) => `${m.to.join(',')}: ${m.subject}`).join(' | ')}`,
      );
    await smtp.waitFor(smtp.messages.length + 1, Math.max(1, deadline - Date.now())).catch(() => undefined);
  }
}

function verifyLink(mail: ReceivedMail): string {
  const link = /(https?:\/\/\S+\/verify-email\?token=[^\s>]+)/.exec(mail.text)?.[1];
  assert.ok(link, `the mail carries a /verify-email link:\n${mail.text}`);
  return link;
}

async function signIn(email: string, pw: string) {
  await page.goto(`${server.url}/login`);
  await field('Email').fill(email);
  await field('Password').fill(pw);
  await button('Sign in').click();
}

before(async () => {
  smtp = await startTestSmtpServer();
  server = await startServer({ TWOFOLD_MAIL_URL: smtp.url, TWOFOLD_MAIL_FROM: 'Twofold <no-reply@example.com>' });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', timezoneId: 'UTC' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await context.newPage();
  problems = watchPage(page);
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/auth/email/verify') verifyPosts++;
  });
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  await smtp?.close();
  if (shots.length) console.log(`screenshots (${shots.length}) in test-artifacts/screenshots/: ${shots.join(', ')}`);
});

describe('proving the mailbox in the portal (issue 13)', () => {
  let firstLink = '';

  it('after sign-up the portal says to check the mailbox; a banner names the address and what waits for it', async () => {
    await page.goto(`${server.url}/signup`);
    await field('Email').fill(EMAIL);
    await field('Password').fill(password);
    await button('Create account').click();
    await page.waitForURL('**/account/two-factor');
    await page.getByText(/Your account is ready\. Check your mailbox/).waitFor();
    await banner().waitFor();
    await banner().getByText(EMAIL).waitFor();
    await banner()
      .getByText(/can’t turn on two-factor authentication or create access keys/)
      .waitFor();
    firstLink = verifyLink(await mailTo(EMAIL, /verify-email\?token=/));
    await capture(page, 'm01-confirm-email-banner');
  });

  it('Turn On and Generate Credentials explain that the address must be confirmed first, instead of failing', async () => {
    await button('Turn On').click();
    await page
      .getByRole('alert')
      .getByText('Confirm your email address to turn on two-factor authentication.')
      .waitFor();
    assert.equal(await heading('Turn On two-factor authentication').count(), 0, 'the wizard does not start');
    await capture(page, 'm02-turn-on-needs-email');

    await page.getByRole('link', { name: 'Access keys' }).click();
    await heading('Access keys').waitFor();
    await banner().waitFor();
    await button('Generate Credentials').click();
    await page.getByRole('alert').getByText('Confirm your email address to create access keys.').waitFor();
    assert.equal(await page.getByRole('dialog').count(), 0, 'no password dialog opens');
    await capture(page, 'm03-access-keys-needs-email');
  });

  it('Resend the link mails a new one and counts down; asked again within the minute it says to wait', async () => {
    const resendNow = banner().getByRole('button', { name: 'Resend the link', exact: true });
    const countdown = banner().getByRole('button', { name: /^Resend the link in \d:\d\d$/ });
    const sentText = banner().getByText(`We sent a new link to ${EMAIL}. The earlier one no longer works.`);
    const tooSoon = banner().getByText(/We sent a link less than a minute ago/);
    let before = smtp.messages.length;
    await resendNow.click();
    await sentText.or(tooSoon).waitFor();
    if (await tooSoon.isVisible()) {
      // The sign-up mail counts as the last send: the banner waits out the minute, then sends.
      await countdown.waitFor();
      assert.equal(await countdown.getAttribute('aria-disabled'), 'true');
      await capture(page, 'm04-resend-too-soon');
      await resendNow.waitFor({ timeout: 75_000 });
      before = smtp.messages.length;
      await resendNow.click();
      await sentText.waitFor();
      await countdown.waitFor();
      await capture(page, 'm04-link-resent');
    } else {
      await countdown.waitFor();
      assert.equal(await countdown.getAttribute('aria-disabled'), 'true', 'the button waits out the minute');
      await capture(page, 'm04-link-resent');
      await page.reload(); // a fresh page knows nothing of the send: the server says to wait
      await resendNow.click();
      await tooSoon.waitFor();
      await countdown.waitFor();
      await capture(page, 'm04-resend-too-soon');
    }
    await mailTo(EMAIL, /verify-email\?token=/, before);
  });

  it('the first link, replaced by the resend, says it expired and what to do next', async () => {
    await page.goto(firstLink);
    await heading('This link has expired').waitFor();
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
    await page.getByText(/choose “Resend the link” at the top of your account pages/).waitFor();
    await capture(page, 'm05-verify-expired');
  });

  it('the newest link confirms the address with one request; the banner goes and Turn On starts the set-up', async () => {
    const link = verifyLink(await mailTo(EMAIL, /verify-email\?token=/));
    assert.notEqual(link, firstLink);
    const posts = verifyPosts;
    await page.goto(link);
    await heading('Your email address is confirmed').waitFor();
    assert.equal(verifyPosts - posts, 1, 'the token is posted once');
    await page.getByText(`Your account uses ${EMAIL}.`, { exact: false }).waitFor();
    await capture(page, 'm06-verify-done');
    await page.getByRole('link', { name: 'Go to your account' }).click();
    await page.waitForURL('**/account/two-factor');
    await heading('Two-factor authentication is off').waitFor();
    assert.equal(await banner().count(), 0, 'the banner is gone');

    await page.goto(link);
    await heading('This link has expired').waitFor(); // usable once
  });

  it('Change email: errors on the fields, then a link to the new address and a notice to the old; the email changes once it is opened', async () => {
    const signup = await fetch(`${server.url}/v1/auth/signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: OTHER_EMAIL, password: 'someone else entirely' }),
    });
    assert.equal(signup.status, 201);

    await page.goto(`${server.url}/account/profile`);
    await heading('Profile').waitFor();
    await page.locator('.facts').getByText('Confirmed', { exact: true }).waitFor();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Change email' }) });
    await form.getByLabel('New email address').fill('not-an-address');
    await form.getByRole('button', { name: 'Send confirmation link' }).click();
    await form.getByText('Enter an email address like name@example.com.').waitFor();
    assert.equal(await focusedAttr('type'), 'email', 'focus moves to the field in error');

    await form.getByLabel('New email address').fill(NEW_EMAIL);
    await form.getByLabel('Password', { exact: true }).fill('not my password');
    await form.getByRole('button', { name: 'Send confirmation link' }).click();
    await form.getByText('That password is not right.').waitFor();
    assert.equal(await focusedAttr('type'), 'password');

    await form.getByLabel('New email address').fill(OTHER_EMAIL.toUpperCase());
    await form.getByLabel('Password', { exact: true }).fill(password);
    await form.getByRole('button', { name: 'Send confirmation link' }).click();
    await form.getByText('Another account already uses this email address.').waitFor();
    await capture(page, 'm07-change-email-error');

    const before = smtp.messages.length;
    await form.getByLabel('New email address').fill(NEW_EMAIL);
    await form.getByLabel('Password', { exact: true }).fill(password);
    await form.getByRole('button', { name: 'Send confirmation link' }).click();
    await form
      .getByRole('status')
      .getByText(`We sent a link to ${NEW_EMAIL}. Your email changes when you open it.`)
      .waitFor();
    await capture(page, 'm08-change-email-sent');
    const link = verifyLink(await mailTo(NEW_EMAIL, /verify-email\?token=/, before));
    const notice = await mailTo(EMAIL, /./, before);
    assert.ok(!/verify-email\?token=/.test(notice.text), 'the old address gets a notice, not the link');
    await page.reload();
    await page.locator('.facts').getByText(EMAIL).waitFor(); // nothing changes before the link is used

    // The link opened in another browser, signed out.
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    const visitor = await other.newPage();
    await visitor.goto(link);
    await visitor.getByRole('heading', { name: 'Your email address is confirmed' }).waitFor();
    await visitor.getByRole('link', { name: 'Sign in' }).waitFor();
    await capture(visitor, 'm09-verify-done-signed-out');
    await other.close();

    await page.reload();
    await page.locator('.facts').getByText(NEW_EMAIL).waitFor();
    await page.locator('.topbar-email').getByText(NEW_EMAIL).waitFor();
  });

  it('with the address confirmed: two-factor authentication turns on and an access key is made', async () => {
    await page.getByRole('link', { name: 'Two-factor Authentication' }).click();
    await button('Turn On').click();
    await button('Next').click();
    await field('Password').fill(password);
    await button('Next').click();
    await heading('Scan the QR code').waitFor();
    phone = new Phone((await page.getByTestId('totp-key').innerText()).replace(/\s+/g, ''));
    await field('6-digit code from the app').fill(await phone.code());
    await button('Turn On').click();
    await heading('Save your recovery code').waitFor();
    await button('Copy recovery code').click();
    recoveryCode = await page.evaluate<string>('navigator.clipboard.readText()');
    await page.getByLabel('I have saved my recovery code').check();
    await button('Done').click();
    await heading('Two-factor authentication is on').waitFor();

    await page.getByRole('link', { name: 'Access keys' }).click();
    await button('Generate Credentials').click();
    await page.getByRole('dialog').getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('dialog').getByRole('button', { name: 'Generate' }).click();
    await heading('Your new access key').waitFor();
    await button('Done').click();
    await page.getByText('1 of 2').waitFor();
  });

  it('a password reset says how many access keys it disabled and that they can be enabled again', async () => {
    await button('Sign out').click();
    await page.waitForURL('**/login');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await field('Email').fill(NEW_EMAIL);
    const before = smtp.messages.length;
    await button('Send reset link').click();
    await heading('Check your email').waitFor();
    const mail = await mailTo(NEW_EMAIL, /reset-password\?token=/, before);
    const link = /(https?:\/\/\S+\/reset-password\?token=[^\s>]+)/.exec(mail.text)?.[1];
    assert.ok(link);
    await page.goto(link);
    await field('New password').fill(RESET_PASSWORD);
    await button('Set new password').click();
    await page.waitForURL('**/login');
    await page.getByText('Your password is changed. Sign in with your new password.').waitFor();
    await page.getByText(/1 access key was disabled.*you can enable it again on the Access keys page/).waitFor();
    await capture(page, 'm10-reset-keys-disabled');
    password = RESET_PASSWORD;

    await field('Email').fill(NEW_EMAIL);
    await field('Password').fill(password);
    await button('Sign in').click();
    await field('6-digit code').fill(await phone.code());
    await button('Verify').click();
    await page.waitForURL('**/account/two-factor');
    await page.getByRole('link', { name: 'Access keys' }).click();
    await page.locator('.rows li [role=switch][aria-checked="false"]').waitFor();
  });

  it('Delete account: a dialog that says what goes, asks for the password and a code, then signs out; signing in again fails', async () => {
    await page.getByRole('link', { name: 'Profile' }).click();
    await heading('Profile').waitFor();
    await capture(page, 'm11-profile');
    const open = button('Delete account…');
    await open.click();
    const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
    await dialog.getByText('This cannot be undone.').waitFor();
    await dialog.getByText(/your access keys/).waitFor();
    assert.equal(await focusedAttr('autocomplete'), 'current-password', 'focus starts in the password field');
    const code = dialog.getByLabel('Code from your authenticator app, or your recovery code');
    await code.waitFor();
    await capture(page, 'm12-delete-dialog');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(
      await page.evaluate<string>('document.activeElement.textContent'),
      'Delete account…',
      'Escape gives focus back to the button',
    );
    await open.click();

    await dialog.getByRole('button', { name: 'Delete account' }).click();
    await dialog.getByText('Enter your password.').waitFor();
    await dialog.getByLabel('Password', { exact: true }).fill('not my password');
    await code.fill(phone.wrongCode());
    await dialog.getByRole('button', { name: 'Delete account' }).click();
    await dialog.getByText('That password is not right.').waitFor();
    await dialog.getByLabel('Password', { exact: true }).fill(password);
    await code.fill(phone.wrongCode());
    await dialog.getByRole('button', { name: 'Delete account' }).click();
    await dialog.getByText(/That code is not right/).waitFor();
    assert.equal(await focusedAttr('autocomplete'), 'one-time-code', 'focus moves to the code');
    await capture(page, 'm13-delete-wrong-code');

    const before = smtp.messages.length;
    await code.fill(await phone.code());
    await dialog.getByRole('button', { name: 'Delete account' }).click();
    await page.waitForURL('**/login');
    await page
      .getByRole('status')
      .getByText(/Your account is deleted/)
      .waitFor();
    await capture(page, 'm14-account-deleted');
    await mailTo(NEW_EMAIL, /./, before);

    await signIn(NEW_EMAIL, password);
    await page.getByText('The email or password is not right.').waitFor();
    assert.equal(
      (
        await fetch(`${server.url}/v1/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: EMAIL, password }),
        })
      ).status,
      401,
    );
    assert.ok(recoveryCode.length > 0);
    assert.deepEqual(problems, [], 'no script error or CSP refusal in the browser');
  });
});
