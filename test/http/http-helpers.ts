// The HTTP tests' view of the test kit (test/helpers/accounts.ts, problems.ts): sign-up/sign-in
// through the API with positional arguments, cookies and their attributes, GET /v1/me, problem
// assertions and turning TOTP on.
import type { LightMyRequestResponse } from 'fastify';
import * as kit from '../helpers/accounts.js';
import type { Harness } from '../helpers/harness.js';

export { PASSWORD, bearer, sessionCookie, web, type Auth } from '../helpers/accounts.js';
export { assertProblem } from '../helpers/problems.js';

/** Signs up through the API and proves the mailbox with the mailed link; answers the sign-up's answer. */
export async function signup(
  h: Harness,
  email: string,
  password = kit.PASSWORD,
  client: kit.Client = 'app',
): Promise<LightMyRequestResponse> {
  return (await kit.signup(h, email, { password, client })).reply.res;
}

export const login = (
  h: Harness,
  email: string,
  password = kit.PASSWORD,
  client: kit.Client = 'app',
  remoteAddress?: string,
): Promise<LightMyRequestResponse> =>
  kit.login(h, email, { password, client, ...(remoteAddress ? { from: remoteAddress } : {}) });

/** Signs up with client "app" and answers the bearer headers and the user id. */
export async function appUser(
  h: Harness,
  email: string,
  password = kit.PASSWORD,
): Promise<{ auth: kit.Auth; token: string; id: string }> {
  const { token, userId } = await kit.signup(h, email, { password, client: 'app' });
  return { auth: kit.bearer(token), token, id: userId };
}

/** Signs up with the portal and answers the cookie headers (with Origin). */
export async function webUser(
  h: Harness,
  email: string,
  password = kit.PASSWORD,
): Promise<{ auth: kit.Auth; cookie: string; id: string }> {
  const { reply, userId } = await kit.signup(h, email, { password, client: 'web' });
  const cookie = kit.sessionCookie(reply.res);
  return { auth: kit.web(cookie), cookie, id: userId };
}

/** The attributes of a Set-Cookie line (after its name=value), lower-cased. */
export const attrs = (setCookie: string) =>
  setCookie
    .split(/;\s*/)
    .slice(1)
    .map((a) => a.toLowerCase());

/** GET /v1/me with these headers (a cookie, a bearer token, or none). */
export const me = (h: Harness, headers: Record<string, string>) => h.inject({ method: 'GET', url: '/v1/me', headers });

/** Turns TOTP on through the API (the clock stays: the set-up spent this step's code). */
export const enableTotp = (h: Harness, auth: kit.Auth, password = kit.PASSWORD) =>
  kit.enableTotp(h, auth, { password });

/** Waits for work the server does after answering (e.g. the reset mail), polling briefly. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
