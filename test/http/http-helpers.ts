// Small helpers shared by the HTTP tests: sign-up/sign-in through the API, cookies, problem
// assertions and turning TOTP on the way a user does.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { ORIGIN, type Harness } from '../helpers/harness.js';
import { verifyEmail } from '../helpers/verify-email.js';

export const PASSWORD = 'correct horse battery staple';

export type Auth = Record<string, string>;

/** The session cookie pair (`name=value`) set by an answer. */
export function sessionCookie(res: LightMyRequestResponse, name = 'twofold_session'): string {
  const all = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const line = all.find((c) => c.startsWith(`${name}=`));
  assert.ok(line, `expected a ${name} cookie, got ${JSON.stringify(all)}`);
  return line.split(';')[0]!;
}

/** Headers for the portal: the cookie plus our own Origin (CSRF). */
export const web = (cookie: string): Auth => ({ cookie, origin: ORIGIN });
export const bearer = (token: string): Auth => ({ authorization: `Bearer ${token}` });

/** Signs up through the API and proves the mailbox with the mailed link. */
export async function signup(h: Harness, email: string, password = PASSWORD, client: 'web' | 'app' = 'app'): Promise<LightMyRequestResponse> {
  const r = await h.inject({ method: 'POST', url: '/v1/auth/signup', payload: { email, password, client } });
  assert.equal(r.statusCode, 201, r.body);
  // Proven at once, as most tests go on to turn on 2FA or create keys (403 email_unverified before).
  await verifyEmail(h, email);
  return r;
}

export async function login(h: Harness, email: string, password = PASSWORD, client: 'web' | 'app' = 'app', remoteAddress?: string): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password, client }, ...(remoteAddress ? { remoteAddress } : {}) });
}

/** Signs up with client "app" and answers the bearer headers and the user id. */
export async function appUser(h: Harness, email: string, password = PASSWORD): Promise<{ auth: Auth; token: string; id: string }> {
  const r = await signup(h, email, password, 'app');
  return { auth: bearer(r.json().token), token: r.json().token, id: r.json().user.id };
}

/** Signs up with the portal and answers the cookie headers (with Origin). */
export async function webUser(h: Harness, email: string, password = PASSWORD): Promise<{ auth: Auth; cookie: string; id: string }> {
  const r = await signup(h, email, password, 'web');
  const cookie = sessionCookie(r);
  return { auth: web(cookie), cookie, id: r.json().user.id };
}

/** Asserts an RFC 9457 problem answer with the given status and code. */
export function assertProblem(res: LightMyRequestResponse, status: number, code: string): void {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json();
  assert.equal(body.code, code, res.body);
  assert.equal(body.status, status);
  for (const k of ['type', 'title', 'detail']) assert.equal(typeof body[k], 'string', `problem member ${k}`);
}

/** Turns TOTP on through the API; answers the base32 secret and the recovery code. */
export async function enableTotp(h: Harness, auth: Auth, password = PASSWORD): Promise<{ secret: string; recoveryCode: string }> {
  const setup = await h.inject({ method: 'POST', url: '/v1/me/mfa/setup', headers: auth, payload: { method: 'totp', password } });
  assert.equal(setup.statusCode, 201, setup.body);
  const { setup_id, secret } = setup.json();
  const code = totpAt(base32Decode(secret), h.clock.now());
  const verify = await h.inject({ method: 'POST', url: '/v1/me/mfa/setup/verify', headers: auth, payload: { setup_id, code } });
  assert.equal(verify.statusCode, 200, verify.body);
  return { secret, recoveryCode: verify.json().recovery_code };
}

/** Waits for work the server does after answering (e.g. the reset mail), polling briefly. */
export async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
