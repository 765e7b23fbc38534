// Shared steps for the second-factor tests, over the test kit (test/helpers/): an account, its TOTP
// set-up, a phone that computes codes from the clock the test moves, and sign-ins.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import * as kit from '../helpers/accounts.js';
import type { Harness } from '../helpers/harness.js';

export { PASSWORD, STEP_MS, bearer } from '../helpers/accounts.js';
export { startHarness } from '../helpers/harness.js';
export { assertProblem } from '../helpers/problems.js';
export { dumpAllTables } from '../helpers/tables.js';

/** The code an authenticator app shows now (stepOffset steps away, for drift). */
export const phoneCode = (h: Harness, secret: string, stepOffset = 0): string =>
  kit.totpCode(secret, h.clock.now(), stepOffset);

/** A 6-digit code that is surely wrong now: none of the steps -2…+2 produce it. */
export const wrongCode = (h: Harness, secret: string): string => kit.wrongTotpCode(secret, h.clock.now());

export async function signup(h: Harness, email: string): Promise<{ token: string; userId: string }> {
  const { token, userId } = await kit.signup(h, email);
  return { token, userId };
}

export function post(h: Harness, url: string, payload: unknown, token?: string): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'POST', url, payload: payload as object, headers: token ? kit.bearer(token) : {} });
}

export function get(h: Harness, url: string, token: string): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'GET', url, headers: kit.bearer(token) });
}

export interface StartedSetup {
  setup_id: string;
  method: string;
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
  expires_at: string;
}

export async function startSetup(h: Harness, token: string): Promise<StartedSetup> {
  const r = await post(h, '/v1/me/mfa/setup', { method: 'totp', password: kit.PASSWORD }, token);
  assert.equal(r.statusCode, 201, r.body);
  return r.json();
}

/**
 * Turns TOTP on and moves the clock one step, so that the next code the phone shows is fresh
 * (the set-up's code spent the current step).
 */
export const enableTotp = (h: Harness, token: string) => kit.enableTotp(h, kit.bearer(token), { nextStep: true });

export const login = (h: Harness, email: string, client: kit.Client = 'app'): Promise<LightMyRequestResponse> =>
  kit.login(h, email, { client });

/** Signs in with the password and answers the challenge string (asserting one was asked for). */
export const challengeFor = (h: Harness, email: string, client: kit.Client = 'app'): Promise<string> =>
  kit.challengeFor(h, email, { client });

export const verify = (h: Harness, challenge: string, code: string) =>
  post(h, '/v1/auth/login/verify', { challenge, code });
export const recover = (h: Harness, challenge: string, recovery_code: string) =>
  post(h, '/v1/auth/login/recover', { challenge, recovery_code });
