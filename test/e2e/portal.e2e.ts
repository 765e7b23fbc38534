// The web portal end to end, in Debian's Chromium against a real `twofold serve` process: every
// story of issue 7 as a person walks it, with axe-core on every page and screenshots at 390 px and
// 1280 px in test-artifacts/screenshots/. Run with `npm run test:e2e` (it builds first).
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { signRequest } from '../../src/client/signer.js';
import { startLocalProvider, type LocalProvider } from '../google/local-provider.js';
import { startTestSmtpServer, type TestSmtpServer } from '../helpers/smtp.js';
import { TwilioStandIn, twilioEnv } from '../sms/twilio-stand-in.js';
import {
  capture,
  focusedText,
  freePort,
  launchChromium,
  Phone,
  proveMailbox,
  readQr,
  SHOTS,
  shots,
  startServer,
  tabTo,
  watchPage,
  type ServerProcess,
} from './support.js';

const RUN = Date.now().toString(36);
const EMAIL = `ada.${RUN}@example.com`;
const GOOGLE_EMAIL = `grace.${RUN}@example.com`;
const SMS_EMAIL = `sms.${RUN}@example.com`;
let password = 'correct horse battery staple';
const NEW_PASSWORD = 'a different long passphrase';
const RESET_PASSWORD = 'reset by mail to something new';

let server: ServerProcess;
let smtp: TestSmtpServer;
let twilio: TwilioStandIn;
let idp: LocalProvider;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let problems: string[] = [];
let phone: Phone;
let recoveryCode = '';

const button = (name: string | RegExp) => page.getByRole('button', { name, exact: typeof name === 'string' });
const heading = (name: string | RegExp) => page.getByRole('heading', { name, exact: typeof name === 'string' });
const field = (label: string) => page.getByLabel(label, { exact: true });

/** The element's distance from the top of the document (not of the viewport, which may scroll). */
async function top(l: Locator): Promise<number> {
  const box = await l.boundingBox();
  assert.ok(box, 'the element is on screen');
  return Math.round(box.y + (await page.evaluate<number>('window.scrollY')));
}

async function focusedAttr(name: string): Promise<string | null> {
  return page.evaluate<string | null>(
    `document.activeElement && document.activeElement.getAttribute(${JSON.stringify(name)})`,
  );
}

async function clipboard(): Promise<string> {
  return page.evaluate<string>('navigator.clipboard.readText()');
}

async function signIn(email: string, pw: string) {
  await page.goto(`${server.url}/login`);
  await field('Email').fill(email);
  await field('Password').fill(pw);
  await button('Sign in').click();
}

async function signOut() {
  await button('Sign out').click();
  await page.waitForURL('**/login');
  await page.getByText('You are signed out.').waitFor();
}

/** Turns on an Authenticator App from the status page; answers the phone and the recovery code. */
async function finishRecoveryScreen(): Promise<string> {
  await heading('Save your recovery code').waitFor();
  await button('Copy recovery code').click();
  const code = await clipboard();
  await page.getByLabel('I have saved my recovery code').check();
  await button('Done').click();
  return code;
}

before(async () => {
  // Mail through a real SMTP server, SMS through a Twilio stand-in, Google through a local
  // OpenID provider: the server talks to each over HTTP/SMTP as it would in production.
  smtp = await startTestSmtpServer();
  twilio = await TwilioStandIn.start();
  const port = await freePort();
  idp = await startLocalProvider({ redirectUri: `http://127.0.0.1:${port}/v1/auth/google/callback` });
  server = await startServer(
    {
      TWOFOLD_MAIL_URL: smtp.url,
      TWOFOLD_MAIL_FROM: 'Twofold <no-reply@example.com>',
      ...twilioEnv(twilio),
      ...idp.env,
    },
    port,
  );
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
  page = await context.newPage();
  problems = watchPage(page);
});

after(async () => {
  await context?.close();
  await browser?.close();
  await server?.stop();
  await smtp?.close();
  await twilio?.close();
  await idp?.close();
  if (shots.length) console.log(`screenshots (${shots.length}) in test-artifacts/screenshots/: ${shots.join(', ')}`);
});

describe('the Twofold portal in Chromium', () => {
  it('a visitor at / lands on Sign in, focus on the email field; an error appears in reserved space and the page does not move', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForURL('**/login');
    await heading('Sign in to Twofold').waitFor();
    assert.equal(await focusedAttr('autocomplete'), 'username', 'focus starts in the email field');
    await page.getByRole('link', { name: 'Sign in with Google' }).waitFor(); // the server has Google sign-in
    await capture(page, '01-sign-in');

    const signInButton = button('Sign in');
    const y = await top(signInButton);
    await signInButton.click();
    await page.getByText('Enter your email address.').waitFor();
    assert.equal(await top(signInButton), y, 'the button stays where it was');
    assert.equal(await focusedAttr('aria-invalid'), 'true', 'focus moves to the field in error');

    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await heading('Reset your password').waitFor();
    await capture(page, '02-forgot-password');
    await page.getByRole('link', { name: 'Back to sign in' }).click();
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.waitForURL('**/signup');
  });

  it('sign up checks the password in place, then creates the account and opens Two-factor Authentication, Off', async () => {
    await heading('Create your account').waitFor();
    await capture(page, '03-sign-up');
    await field('Email').fill(EMAIL);
    await field('Password').fill('short');
    await button('Create account').click();
    await page.getByText('Use at least 8 characters.').waitFor();
    await field('Password').fill(password);
    await button('Create account').click();
    await page.waitForURL('**/account/two-factor');
    await page.getByText('Your account is ready.', { exact: false }).waitFor();
    await heading('Two-factor authentication is off').waitFor();
    await capture(page, '04-two-factor-off');
    // The mailed confirmation link, followed outside the page (the portal's own flow: mailbox.e2e.ts).
    await proveMailbox(smtp.messages, server.url, EMAIL);
    await page.reload();
    await heading('Two-factor authentication is off').waitFor();
  });

  it('Turn On with the Authenticator App: the QR code decodes to the key shown, a wrong code is refused in place, the right one shows the recovery code once', async () => {
    await button('Turn On').click();
    await heading('Turn On two-factor authentication').waitFor();
    assert.ok(await page.getByLabel(/Authenticator App/).isChecked(), 'Authenticator App is chosen by default');
    await page.getByText('Recommended').waitFor();
    await page.getByText(/Carrier rates may apply/).waitFor();
    await capture(page, '05-turn-on-choose');
    await button('Next').click();

    await heading(/Confirm it.s you/).waitFor();
    await capture(page, '06-turn-on-password');
    await field('Password').fill('not my password');
    await button('Next').click();
    await page.getByText('That password is not right.').waitFor();
    await field('Password').fill(password);
    await button('Next').click();

    await heading('Scan the QR code').waitFor();
    const uri = await readQr(page, '.qr img');
    assert.match(uri, /^otpauth:\/\/totp\//);
    const secret = new URL(uri).searchParams.get('secret');
    assert.ok(secret, 'the QR code carries the secret');
    const shown = (await page.getByTestId('totp-key').innerText()).replace(/\s+/g, '');
    assert.equal(shown, secret, 'the key in text is the one in the QR code');
    assert.ok(
      (await page.getByTestId('totp-key').locator('span').first().innerText()).length === 4,
      'the key is grouped in fours',
    );
    await page.getByText(/Scan this QR code with each of them now/).waitFor();
    await button('Copy key').click();
    assert.equal(await clipboard(), secret, 'Copy puts the key on the clipboard');
    await capture(page, '07-turn-on-scan');

    phone = new Phone(secret);
    const turnOn = button('Turn On');
    const y = await top(turnOn);
    await field('6-digit code from the app').fill(phone.wrongCode());
    await turnOn.click();
    await page.getByText(/That code is not right/).waitFor();
    assert.equal(await top(turnOn), y, 'the error does not move the form');
    await field('6-digit code from the app').fill(await phone.code());
    await turnOn.click();

    await heading('Save your recovery code').waitFor();
    await button('Copy recovery code').click();
    const recovery = await clipboard();
    assert.match(recovery, /^[A-Z0-9]{5}(-[A-Z0-9]{5}){3,}$/, 'a grouped recovery code');
    assert.equal(
      (await page.locator('.recovery-code').innerText()).replace(/\s+/g, ''),
      recovery.replace(/-/g, ''),
      'the code is on screen, grouped',
    );
    const [download] = await Promise.all([page.waitForEvent('download'), button('Download').click()]);
    assert.equal(download.suggestedFilename(), 'twofold-recovery-code.txt');
    assert.ok((await readFile(await download.path(), 'utf8')).includes(recovery), 'the file holds the code');
    await capture(page, '08-recovery-code');
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.locator('.recovery-code').isVisible(), 'Print shows the code');
    assert.equal(await button('Download').isVisible(), false, 'Print leaves the buttons and the page around out');
    assert.equal(await page.getByRole('navigation', { name: 'Account' }).isVisible(), false);
    await page.screenshot({ path: join(SHOTS, '08-recovery-code-print.png') });
    shots.push('08-recovery-code-print.png');
    await page.emulateMedia({ media: 'screen' });

    await button('Done').click();
    await page.getByText('Save your recovery code, then check this box.').waitFor();
    assert.equal(await focusedAttr('type'), 'checkbox', 'focus moves to the checkbox');
    await page.getByLabel('I have saved my recovery code').check();
    await button('Done').click();
    await heading('Two-factor authentication is on').waitFor();
    await page.getByText('Authenticator App', { exact: true }).waitFor();
    const html = await page.content();
    assert.ok(
      !html.includes(recovery) && !html.includes(recovery.replace(/-/g, '')),
      'the recovery code is gone from the page',
    );
    assert.ok(!html.includes(secret), 'the key is gone from the page');
    await capture(page, '09-two-factor-on');
    recoveryCode = recovery;
  });

  it('signing in again asks for the authenticator code in a one-time-code field, refuses a wrong code, accepts the right one', async () => {
    await signOut();
    // The sign-in request is held until the busy button has been seen, then let through.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/v1/auth/login', async (route) => {
      await held;
      await route.continue();
    });
    await field('Email').fill(EMAIL);
    await field('Password').fill(password);
    await button('Sign in').click();
    assert.equal(await page.locator('button[aria-busy="true"]').count(), 1, 'the button shows it is working');
    release();
    await page.getByText('Enter the code from your authenticator app.').waitFor();
    await page.unroute('**/v1/auth/login');
    assert.equal(await focusedAttr('autocomplete'), 'one-time-code');
    assert.equal(await focusedAttr('inputmode'), 'numeric');
    await capture(page, '10-code-prompt');
    await field('6-digit code').fill(phone.wrongCode());
    await button('Verify').click();
    await page.getByText(/That code is not right/).waitFor();
    await field('6-digit code').fill(await phone.code());
    await button('Verify').click();
    await page.waitForURL('**/account/two-factor');
    await heading('Two-factor authentication is on').waitFor();
  });

  it('Sign in with Google for an account with two-factor authentication: the account is linked and the code is still asked for', async () => {
    idp.next = { sub: `google-ada-${RUN}`, email: EMAIL, email_verified: true, name: 'Ada' };
    await signOut();
    await context.clearCookies(); // a new browser session at the provider too
    await page.getByRole('link', { name: 'Sign in with Google' }).click();
    await page.getByText('Enter the code from your authenticator app.').waitFor();
    assert.equal(
      new URL(page.url()).pathname + new URL(page.url()).search,
      '/login',
      'the challenge leaves the address bar',
    );
    await field('6-digit code').fill(await phone.code());
    await button('Verify').click();
    await page.waitForURL('**/account/two-factor');
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.locator('.facts').getByText('Linked', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Two-factor Authentication' }).click();
  });

  it("Can't access two-factor device: the recovery code (any case, spaces) signs in and turns two-factor authentication off", async () => {
    await signOut();
    await field('Email').fill(EMAIL);
    await field('Password').fill(password);
    await button('Sign in').click();
    await page.getByText('Enter the code from your authenticator app.').waitFor();
    await button(/Can.t access two-factor device/).click();
    await heading(/Can.t access two-factor device/).waitFor();
    await page.getByText(/Two-factor authentication is turned off/).waitFor();
    await capture(page, '11-recover');
    await field('Recovery code').fill('nope-nope-nope-nope');
    await button('Sign in with recovery code').click();
    await page.getByText(/That recovery code is not right/).waitFor();
    await field('Recovery code').fill(recoveryCode.toLowerCase().replace(/-/g, ' '));
    await button('Sign in with recovery code').click();
    await page.waitForURL('**/account/two-factor');
    await page.getByText(/You signed in with your recovery code/).waitFor();
    await heading('Two-factor authentication is off').waitFor();
  });

  it('Access keys: Generate Credentials shows the pair once, downloads a credentials file, signs a request; a key is deleted only once disabled', async () => {
    await page.getByRole('link', { name: 'Access keys' }).click();
    await heading('Access keys').waitFor();
    await page.getByText(/0 of 2/).waitFor();
    await page.getByText(/No two-factor step/).waitFor();
    await capture(page, '12-access-keys');

    await button('Generate Credentials').click();
    await page.getByRole('dialog').waitFor();
    await capture(page, '13-generate-credentials');
    await page.getByRole('dialog').getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('dialog').getByRole('button', { name: 'Generate' }).click();
    await heading('Your new access key').waitFor();
    const id = (await page.getByTestId('new-key-id').innerText()).trim();
    const secret = (await page.getByTestId('new-key-secret').innerText()).trim();
    assert.match(id, /^[A-Z2-7]{20}$/);
    assert.match(secret, /^[A-Za-z0-9+/]{40}$/);
    await page.getByText(/shown only this once/).waitFor();
    await button('Copy secret access key').click();
    assert.equal(await clipboard(), secret);
    const [download] = await Promise.all([page.waitForEvent('download'), button('Download credentials file').click()]);
    assert.equal(download.suggestedFilename(), 'credentials');
    assert.equal(
      await readFile(await download.path(), 'utf8'),
      `[DEFAULT]\nTWOFOLD_ACCESS_KEY_ID = ${id}\nTWOFOLD_SECRET_ACCESS_KEY = ${secret}\n`,
    );
    await capture(page, '14-access-key-created');

    const signedMe = async () => {
      const url = `${server.url}/v1/me`;
      const headers = signRequest({ method: 'GET', url, keyId: id, secretBase64: secret, scheme: 'rfc9421' });
      return fetch(url, { headers });
    };
    const me = await signedMe();
    assert.equal(me.status, 200);
    assert.equal(((await me.json()) as { email: string }).email, EMAIL, 'the signed request acts for the account');

    await button('Done').click();
    assert.ok(!(await page.content()).includes(secret), 'the secret is gone from the page');
    await page.getByRole('link', { name: 'Sessions' }).click();
    await page.getByRole('link', { name: 'Access keys' }).click();
    const row = page.locator('.rows li', { hasText: id });
    await row.getByText(/Last used/).waitFor();
    assert.equal(await row.getByRole('button', { name: /Delete/ }).count(), 0, 'an enabled key cannot be deleted');
    await row.getByText('Disable to delete').waitFor();

    const toggle = row.getByRole('switch');
    assert.equal(await toggle.getAttribute('aria-checked'), 'true');
    await toggle.click();
    await row.locator('[role=switch][aria-checked="false"]').waitFor();
    assert.equal((await signedMe()).status, 401, 'a disabled key is refused');
    await row.getByRole('button', { name: `Delete access key ${id}` }).click();
    await page
      .getByRole('dialog')
      .getByText(/stop working for good/)
      .waitFor();
    await capture(page, '15-delete-access-key');
    await page.getByRole('dialog').getByRole('button', { name: 'Delete key' }).click();
    await page.getByText('You have no access keys.').waitFor();
  });

  it('Sessions: lists this device and an app, ends one, then ends all others', async () => {
    const appSignIn = async (ua: string) => {
      const r = await fetch(`${server.url}/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': ua },
        body: JSON.stringify({ email: EMAIL, password, client: 'app' }),
      });
      assert.equal(r.status, 200);
      return ((await r.json()) as { token: string }).token;
    };
    const phoneToken = await appSignIn(
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    );
    await page.getByRole('link', { name: 'Sessions' }).click();
    await heading('Sessions').waitFor();
    await page.getByText('This device').waitFor();
    await page.getByText('Safari on iOS').waitFor();
    await capture(page, '16-sessions');
    await page.getByRole('button', { name: /^End session on Safari on iOS/ }).click();
    await page.getByText('Ended the session on Safari on iOS.').waitFor();
    assert.equal(
      (await fetch(`${server.url}/v1/me`, { headers: { authorization: `Bearer ${phoneToken}` } })).status,
      401,
      'the ended session is over',
    );

    await appSignIn(
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
    );
    await appSignIn('Twofold/1.0 (Android 14)');
    await page.reload();
    await page.getByText('Chrome on Windows').waitFor();
    await button('End all other sessions').click();
    await page.getByRole('dialog').waitFor();
    await capture(page, '17-end-other-sessions');
    await page.getByRole('dialog').getByRole('button', { name: 'End other sessions' }).click();
    await page.getByText('Ended 2 other sessions.').waitFor();
    await page.locator('.rows li').nth(1).waitFor({ state: 'detached' });
    assert.equal(await page.locator('.rows li').count(), 1, 'only this device is left');
  });

  it('Security log: the events, newest first, with older ones a page at a time', async () => {
    await page.getByRole('link', { name: 'Security log' }).click();
    await heading('Security log').waitFor();
    const first = page.locator('.rows li').first();
    await first.getByText('Other sessions ended').waitFor();
    for (const text of ['Recovery code used', 'Access key deleted', 'Access key created', 'Sign-in refused'])
      await page.getByText(text).first().waitFor();
    await capture(page, '18-security-log');
    const before = await page.locator('.rows li').count();
    assert.equal(before, 20, 'the first page holds 20 events');
    await button('Show older events').click();
    await page.locator('.rows li').nth(20).waitFor();
    await page.getByText('Account created').waitFor();
  });

  it('Profile: the email, the Google link state, and a password change that needs the current password', async () => {
    await page.getByRole('link', { name: 'Profile' }).click();
    await heading('Profile').waitFor();
    await page.locator('.facts').getByText(EMAIL).waitFor();
    await page.locator('.facts').getByText('Linked', { exact: true }).waitFor();
    await capture(page, '19-profile');
    await field('Current password').fill('wrong password here');
    await field('New password').fill(NEW_PASSWORD);
    await button('Change password').click();
    await page.getByText('Your current password is not right.').waitFor();
    await field('Current password').fill(password);
    await button('Change password').click();
    await page.getByText('Your password is changed. Other devices were signed out.').waitFor();
    password = NEW_PASSWORD;
  });

  it('keyboard only: Turn On with an Authenticator App from Tab, Space and Enter alone', async () => {
    await page.goto(`${server.url}/account/profile`);
    await heading('Profile').waitFor();
    await tabTo(page, `el.textContent === 'Two-factor Authentication'`);
    await page.keyboard.press('Enter');
    await heading('Two-factor authentication is off').waitFor();
    await tabTo(page, `el.textContent === 'Turn On'`);
    await page.keyboard.press('Enter');
    await heading('Turn On two-factor authentication').waitFor();
    assert.match(await focusedText(page), /Turn On two-factor authentication/, 'focus moves to the step');
    await tabTo(page, `el.type === 'radio' && el.checked`);
    await page.keyboard.press('Enter');
    await heading(/Confirm it.s you/).waitFor();
    assert.equal(await focusedAttr('type'), 'password', 'focus is in the password field');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    await heading('Scan the QR code').waitFor();
    phone = new Phone((await page.getByTestId('totp-key').innerText()).replace(/\s+/g, ''));
    await tabTo(page, `el.getAttribute('autocomplete') === 'one-time-code'`);
    await page.keyboard.type(await phone.code());
    await page.keyboard.press('Enter');
    await heading('Save your recovery code').waitFor();
    await tabTo(page, `el.type === 'checkbox'`);
    await page.keyboard.press('Space');
    await tabTo(page, `el.textContent === 'Done'`);
    await page.keyboard.press('Enter');
    await heading('Two-factor authentication is on').waitFor();
  });

  it('when on: New recovery code, Re-configure (with its warning) and Turn Off (password and confirmation)', async () => {
    await button('New recovery code').click();
    await page
      .getByRole('dialog')
      .getByText(/stops working/)
      .waitFor();
    await page.getByRole('dialog').getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('dialog').getByRole('button', { name: 'Make new code' }).click();
    await page.getByText('Here is your new recovery code. The old one no longer works.').waitFor();
    await finishRecoveryScreen();
    await page.getByText('Your new recovery code is saved.', { exact: false }).waitFor();

    await button('Re-configure').click();
    await heading('Re-configure two-factor authentication').waitFor();
    await page.getByText(/the authenticator apps or phone you use now stop working/).waitFor();
    await capture(page, '20-reconfigure');
    await button('Next').click();
    await field('Password').fill(password);
    await button('Next').click();
    await heading('Scan the QR code').waitFor();
    const fresh = new URL(await readQr(page, '.qr img')).searchParams.get('secret')!;
    assert.notEqual(fresh, phone.secret, 'a new key');
    phone = new Phone(fresh);
    await field('6-digit code from the app').fill(await phone.code());
    await button('Re-configure').click();
    await finishRecoveryScreen();
    await page.getByText('Two-factor authentication is re-configured.').waitFor();

    await button('Turn Off').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/protected by your password alone/).waitFor();
    await capture(page, '21-turn-off');
    await dialog.getByLabel('Password', { exact: true }).fill('wrong password here');
    await dialog.getByRole('button', { name: 'Turn Off' }).click();
    await dialog.getByText('That password is not right.').waitFor();
    await dialog.getByLabel('Password', { exact: true }).fill(password);
    await dialog.getByRole('button', { name: 'Turn Off' }).click();
    await heading('Two-factor authentication is off').waitFor();
  });

  it('Forgot password: the mailed link opens the reset page, which sets a new password; an old link says it expired', async () => {
    await signOut();
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await field('Email').fill(EMAIL);
    const mails = smtp.messages.length;
    await button('Send reset link').click();
    await heading('Check your email').waitFor();
    await smtp.waitFor(mails + 1, 10_000);
    const mail = smtp.messages.slice(mails).find((m) => m.to.includes(EMAIL) && /reset-password\?token=/.test(m.text));
    assert.ok(mail, 'a reset mail arrived');
    const link = /(https?:\/\/\S+\/reset-password\?token=[^\s>]+)/.exec(mail.text)?.[1];
    assert.ok(link, 'the mail carries the link');
    await page.goto(link);
    await heading('Choose a new password').waitFor();
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
    await capture(page, '22-reset-password');
    await field('New password').fill(RESET_PASSWORD);
    await button('Set new password').click();
    await page.waitForURL('**/login');
    await page.getByText('Your password is changed. Sign in with your new password.').waitFor();
    password = RESET_PASSWORD;
    await signIn(EMAIL, password);
    await page.waitForURL('**/account/two-factor');

    await page.goto(`${link}`);
    await field('New password').fill('yet another passphrase');
    await button('Set new password').click();
    await heading('This link has expired').waitFor();
  });

  it('an unknown page, a Google error and the storage: a calm 404, a clear message, nothing in localStorage, no readable session cookie', async () => {
    await page.goto(`${server.url}/no-such-page`);
    await heading('Page not found').waitFor();
    await capture(page, '23-not-found');
    await page.goto(`${server.url}/account/two-factor`);
    await signOut();
    await page.goto(`${server.url}/login?error=google_denied`);
    await page.getByText('Sign-in with Google was cancelled.').waitFor();
    assert.equal(new URL(page.url()).search, '', 'the error leaves the address bar');
    assert.equal(
      await page.evaluate<number>('localStorage.length + sessionStorage.length'),
      0,
      'nothing in web storage',
    );
    assert.ok(
      !(await page.evaluate<string>('document.cookie')).includes('twofold_session'),
      'the session cookie is HttpOnly',
    );
    assert.deepEqual(problems, [], 'no script error or CSP refusal in the browser');
  });
  it('Sign in with Google: a refusal at Google says so; a new verified Google account gets a Twofold account', async () => {
    idp.next = 'deny';
    await context.clearCookies(); // forget the provider's session from the earlier sign-in
    await page.getByRole('link', { name: 'Sign in with Google' }).click();
    await page.getByText('Sign-in with Google was cancelled.').waitFor();
    idp.next = { sub: `google-grace-${RUN}`, email: GOOGLE_EMAIL, email_verified: true, name: 'Grace' };
    await context.clearCookies();
    await page.getByRole('link', { name: 'Sign in with Google' }).click();
    await page.waitForURL('**/account/two-factor');
    await page.getByText(GOOGLE_EMAIL).first().waitFor();
    await page.getByRole('link', { name: 'Profile' }).click();
    await page.locator('.facts').getByText('Linked', { exact: true }).waitFor();
    await page.getByText('You can sign in with Google', { exact: false }).waitFor();
    await capture(page, '24-profile-google');
    await signOut();
  });

  it('SMS Number: set-up with a country and a number, the texted code, then sign-in with a texted code and a resend after 30 s', async () => {
    await page.getByRole('link', { name: 'Create an account' }).click();
    await field('Email').fill(SMS_EMAIL);
    await field('Password').fill(password);
    await button('Create account').click();
    await page.waitForURL('**/account/two-factor');
    await proveMailbox(smtp.messages, server.url, SMS_EMAIL);
    await page.reload();
    await heading('Two-factor authentication is off').waitFor();
    await button('Turn On').click();
    await page.getByLabel(/SMS Number/).check();
    await button('Next').click();
    await heading('Your phone number').waitFor();
    await page.getByLabel('Country or region').selectOption('US');
    await field('Phone number').fill('201-555-0123');
    await capture(page, '25-sms-phone');
    await button('Next').click();
    await field('Password').fill(password);
    const sent = twilio.count;
    await button('Next').click();
    await heading('Enter the code we sent').waitFor();
    await page.getByText('We sent a code to your phone ending in 0123. It is valid for 3 minutes.').waitFor();
    assert.equal(twilio.count, sent + 1, 'one text was sent');
    assert.equal(twilio.texts().at(-1)?.to, '+12015550123', 'to the number in E.164');
    await button(/^Resend code in 0:[0-3]\d$/).waitFor();
    await capture(page, '26-sms-code');
    await field('6-digit code').fill(twilio.lastCode('+12015550123'));
    await button('Turn On').click();
    await finishRecoveryScreen();
    await heading('Two-factor authentication is on').waitFor();
    await page.getByText('SMS Number').waitFor();
    await page.getByText(/phone ending in 0123/).waitFor();

    await signOut();
    await field('Email').fill(SMS_EMAIL);
    await field('Password').fill(password);
    await button('Sign in').click();
    await page.getByText('We sent a code to your phone ending in 0123. It is valid for 3 minutes.').waitFor();
    const resend = button(/^Resend code/);
    assert.match((await resend.innerText()).trim(), /^Resend code in 0:[0-3]\d$/, 'the resend button counts down');
    assert.equal(await resend.getAttribute('aria-disabled'), 'true');
    await capture(page, '27-code-prompt-sms');
    const first = twilio.lastCode('+12015550123');
    await button('Resend code').waitFor({ timeout: 40_000 });
    const before = twilio.count;
    await button('Resend code').click();
    await page.getByText('We sent a new code. The earlier one no longer works.').waitFor();
    assert.equal(twilio.count, before + 1, 'a new text');
    const second = twilio.lastCode('+12015550123');
    assert.notEqual(second, first);
    await field('6-digit code').fill(second);
    await button('Verify').click();
    await page.waitForURL('**/account/two-factor');
    await heading('Two-factor authentication is on').waitFor();
  });
});
