// A laptop's fingerprint reader for the portal's end-to-end tests: Chromium's virtual
// authenticator through the DevTools Protocol's WebAuthn domain (CTAP2, internal transport,
// resident keys, user verification on), and a same-origin fetch with the page's session cookie.
import type { BrowserContext, CDPSession, Page, Route } from 'playwright-core';

export class VirtualAuthenticator {
  private constructor(
    private readonly cdp: CDPSession,
    private readonly authenticatorId: string,
  ) {}

  static async attach(context: BrowserContext, page: Page): Promise<VirtualAuthenticator> {
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    return new VirtualAuthenticator(cdp, authenticatorId);
  }

  /** The passkeys it holds (what the laptop's secure chip would). */
  async credentials() {
    const { credentials } = await this.cdp.send('WebAuthn.getCredentials', { authenticatorId: this.authenticatorId });
    return credentials;
  }

  /**
   * Whether the user picks a passkey when the browser offers one. The virtual authenticator
   * answers every request at once, the email field's autofill too (as a user choosing the passkey
   * from the suggestions would); without presence a request waits, as for a user who types instead.
   */
  async userPicksPasskeys(enabled: boolean): Promise<void> {
    await this.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: this.authenticatorId, enabled });
  }

  /** Deletes its passkeys (the user removes one from the device, as the portal asks). */
  async clear(): Promise<void> {
    await this.cdp.send('WebAuthn.clearCredentials', { authenticatorId: this.authenticatorId });
  }

  /** Takes the passkeys out (a device without them) until the returned function puts them back. */
  async setAside(): Promise<() => Promise<void>> {
    const saved = await this.credentials();
    await this.clear();
    return async () => {
      for (const credential of saved)
        await this.cdp.send('WebAuthn.addCredential', { authenticatorId: this.authenticatorId, credential });
    };
  }
}

/** The same-origin call the portal itself would make, with the session cookie (CSRF: Origin). */
export async function callFromPage<T>(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; data: T }> {
  return page.evaluate(
    async ([m, p, b]) => {
      const r = await fetch(p, {
        method: m,
        headers: { 'content-type': 'application/json' },
        body: b === undefined ? null : JSON.stringify(b),
      });
      const text = await r.text();
      return { status: r.status, data: text ? JSON.parse(text) : null };
    },
    [method, path, body] as const,
  );
}

/**
 * Holds the sign-in page's passkey requests (`/v1/auth/passkey/options`) except the next `allow(n)`:
 * the email field's autofill then never starts (a user who does not pick it), while a button's
 * request is let through. Without it, the virtual authenticator could answer the autofill first.
 */
export async function holdPasskeyOptions(page: Page) {
  const held: Route[] = [];
  let allowed = 0;
  const isOptions = (url: URL) => url.pathname === '/v1/auth/passkey/options';
  const handler = async (route: Route) => {
    if (allowed > 0) {
      allowed--;
      await route.continue();
    } else held.push(route);
  };
  await page.route(isOptions, handler);
  return {
    allow(n = 1) {
      allowed += n;
    },
    /** Waits until `n` requests in all have been held (the page asked, and nothing answered). */
    async heldAtLeast(n: number) {
      const deadline = Date.now() + 10_000;
      while (held.length < n) {
        if (Date.now() > deadline) throw new Error(`only ${held.length} passkey requests held, not ${n}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    /** Lets the held requests go (their page has moved on, so they change nothing) and stops holding. */
    async release() {
      await page.unroute(isOptions, handler);
      for (const route of held.splice(0)) await route.continue().catch(() => undefined);
    },
  };
}
