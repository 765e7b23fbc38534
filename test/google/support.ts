// Shared by the Google Sign-In test files: a real local OpenID provider and a harness configured
// for it (opened before the file's tests, closed after), a fresh Google account per test, and the
// signed-in user's /v1/me and security events.
import { after, before } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness.js';
import { startLocalProvider, type LocalProvider } from './local-provider.js';

// Live bindings: set by the hooks useGoogleHarness registers, read inside the file's tests.
export let idp: LocalProvider;
export let h: Harness;

/** Registers the file's before/after: the local provider, then a harness that offers Google with it. */
export function useGoogleHarness(): void {
  before(async () => {
    idp = await startLocalProvider();
    h = await startHarness({ env: idp.env });
  });
  after(async () => {
    await h?.close();
    await idp?.close();
  });
}

let n = 0;
/** A fresh Google account (sub and address) per test, so tests never see each other's rows. */
export const person = (verified: boolean | string = true) => {
  n += 1;
  return {
    sub: `10${n}${Date.now()}`,
    email: `person${n}.${Date.now()}@Example.com`,
    email_verified: verified,
    name: `Person ${n}`,
  };
};

export const me = (session: string) => h.inject({ method: 'GET', url: '/v1/me', headers: { cookie: session } });
export const events = async (session: string) =>
  (await h.inject({ method: 'GET', url: '/v1/me/events', headers: { cookie: session } })).json<
    Array<Record<string, unknown>>
  >();
