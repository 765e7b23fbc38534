// Shared steps for the passkey tests: a harness served at http://localhost:8080 (browsers accept
// localhost as a relying party id, never an IP address), an account with a software
// authenticator, and the ceremonies as the portal runs them.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import * as kit from '../helpers/accounts.js';
import { startHarness, type Harness, type HarnessOptions } from '../helpers/harness.js';
import { SoftAuthenticator } from '../helpers/soft-authenticator.js';

export const PASSKEY_URL = 'http://localhost:8080';
export const RP_ID = 'localhost';
export { PASSWORD, bearer } from '../helpers/accounts.js';
export { assertProblem } from '../helpers/problems.js';

export const passkeyHarness = (o: HarnessOptions = {}): Promise<Harness> =>
  startHarness({ publicUrl: PASSKEY_URL, ...o });

export function post(h: Harness, url: string, payload: unknown, token?: string): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'POST', url, payload: payload as object, headers: token ? kit.bearer(token) : {} });
}

export interface Holder {
  email: string;
  token: string;
  userId: string;
  authenticator: SoftAuthenticator;
}

/** Signs up (mailbox proven), and adds one passkey; answers the account and its authenticator. */
export async function accountWithPasskey(h: Harness, email: string): Promise<Holder & { recoveryCode?: string }> {
  const { token, userId } = await kit.signup(h, email);
  const authenticator = new SoftAuthenticator(PASSKEY_URL, RP_ID);
  const added = await addPasskey(h, token, authenticator);
  assert.equal(added.statusCode, 201, added.body);
  return { email, token, userId, authenticator, recoveryCode: added.json<{ recovery_code?: string }>().recovery_code };
}

export async function registrationOptions(
  h: Harness,
  token: string,
): Promise<{ challenge: string; user: { id: string } }> {
  const r = await post(h, '/v1/me/passkeys/options', { password: kit.PASSWORD }, token);
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

export async function addPasskey(
  h: Harness,
  token: string,
  a: SoftAuthenticator,
  name = 'Laptop',
): Promise<LightMyRequestResponse> {
  const options = await registrationOptions(h, token);
  return post(h, '/v1/me/passkeys', { name, response: a.register(options) }, token);
}

/** Options for a passkey-only sign-in. */
export async function signInOptions(h: Harness): Promise<{ challenge: string }> {
  const r = await post(h, '/v1/auth/passkey/options', {});
  assert.equal(r.statusCode, 200, r.body);
  return r.json();
}

export const signInWith = (h: Harness, response: unknown, client: kit.Client = 'app') =>
  post(h, '/v1/auth/passkey', { response, client });
