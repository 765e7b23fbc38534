// The browser's side of Google Sign-In against Twofold: start (our 302 and the signed cookie),
// the provider's part (LocalProvider.authorize), and the callback, carrying cookies by hand.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { TEST_PUBLIC_URL, type Harness } from '../helpers/harness.js';
import type { GoogleAccount, LocalProvider } from './local-provider.js';

export const OAUTH_COOKIE = 'twofold_oauth';

export function setCookies(res: LightMyRequestResponse): string[] {
  return ([] as string[]).concat(res.headers['set-cookie'] ?? []);
}

/** The `name=value` pair of a cookie the answer sets, or undefined. */
export function cookiePair(res: LightMyRequestResponse, name: string): string | undefined {
  return setCookies(res)
    .find((c) => c.startsWith(`${name}=`))
    ?.split(';')[0];
}

/** Where a 302 sends the browser, resolved against the public URL. */
export function redirectOf(res: LightMyRequestResponse): URL {
  assert.equal(res.statusCode, 302, `expected a redirect, got ${res.statusCode}: ${res.body}`);
  return new URL(String(res.headers.location), TEST_PUBLIC_URL);
}

/** GET /v1/auth/google: the provider URL and the signed cookie that must come back with the callback. */
export async function startGoogle(
  h: Harness,
): Promise<{ res: LightMyRequestResponse; authorizationUrl: string; cookie: string }> {
  const res = await h.inject({ method: 'GET', url: '/v1/auth/google' });
  const location = redirectOf(res);
  const cookie = cookiePair(res, OAUTH_COOKIE);
  assert.ok(cookie, `expected the ${OAUTH_COOKIE} cookie, got ${JSON.stringify(setCookies(res))}`);
  return { res, authorizationUrl: location.href, cookie };
}

/** GET /v1/auth/google/callback as the browser sends it (cookie optional, to test its absence). */
export function callback(h: Harness, url: URL, cookie?: string): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'GET', url: url.pathname + url.search, headers: cookie ? { cookie } : {} });
}

export interface GoogleRun {
  /** The answer to the callback. */
  res: LightMyRequestResponse;
  /** Where it sends the browser. */
  to: URL;
  /** The callback URL the provider sent the browser to. */
  callbackUrl: URL;
  oauthCookie: string;
  /** The new session cookie pair, when one was set. */
  session: string | undefined;
}

/** A whole sign-in: start, the user signs in at the provider as `account` (or refuses), callback. */
export async function googleSignIn(
  h: Harness,
  idp: LocalProvider,
  account: GoogleAccount | 'deny',
): Promise<GoogleRun> {
  const started = await startGoogle(h);
  idp.next = account;
  const callbackUrl = await idp.authorize(started.authorizationUrl);
  const res = await callback(h, callbackUrl, started.cookie);
  return {
    res,
    to: redirectOf(res),
    callbackUrl,
    oauthCookie: started.cookie,
    session: cookiePair(res, 'twofold_session'),
  };
}
