// Shared by the account tests (issue 13): sign-ups that leave the mailbox unproven, the mailed
// links, and requests signed with an access key.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { signRequest } from '../../src/client/signer.js';
import { PUBLIC_HOST, TEST_PUBLIC_URL, type Harness } from '../helpers/harness.js';
import { verifyTokenFor } from '../helpers/verify-email.js';
import { bearer, sessionCookie, signup, web, type Auth } from '../helpers/accounts.js';

/** Signs up and leaves the mailbox unproven (the kit's signup proves it). */
export async function unprovenUser(
  h: Harness,
  email: string,
  client: 'web' | 'app' = 'app',
): Promise<{ auth: Auth; id: string; res: LightMyRequestResponse }> {
  const { reply, token, userId } = await signup(h, email, { client, prove: false });
  return { auth: client === 'app' ? bearer(token) : web(sessionCookie(reply.res)), id: userId, res: reply.res };
}

/** The newest confirmation link's token mailed to `email`; fails when there is none. */
export function linkToken(h: Harness, email: string): string {
  const token = verifyTokenFor(h, email);
  assert.ok(token, `a confirmation link mailed to ${email}`);
  return token;
}

export const useLink = (h: Harness, token: string) =>
  h.inject({ method: 'POST', url: '/v1/auth/email/verify', payload: { token } });
export const resend = (h: Harness, auth: Auth) =>
  h.inject({ method: 'POST', url: '/v1/me/email/verify', headers: auth });
export const me = (h: Harness, auth: Auth) => h.inject({ method: 'GET', url: '/v1/me', headers: auth });

export interface Key {
  id: string;
  secret: string;
}

export { createKey } from '../keys/support.js';

/** A request signed with an access key (RFC 9421), as the CLI sends it. */
export function signed(
  h: Harness,
  key: Key,
  method: 'GET' | 'POST' | 'DELETE' | 'PATCH',
  path: string,
  json?: unknown,
): Promise<LightMyRequestResponse> {
  const body = json === undefined ? null : JSON.stringify(json);
  const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  const sig = signRequest({
    method,
    url: `${TEST_PUBLIC_URL}${path}`,
    headers,
    body,
    keyId: key.id,
    secretBase64: key.secret,
    scheme: 'rfc9421',
    nowMs: h.clock.now(),
  });
  return h.inject({
    method,
    url: path,
    headers: { host: PUBLIC_HOST, ...headers, ...sig },
    ...(body ? { payload: body } : {}),
  });
}

/** The event types of the account's security log, newest first. */
export async function eventTypes(h: Harness, auth: Auth): Promise<string[]> {
  const r = await h.inject({ method: 'GET', url: '/v1/me/events?limit=100', headers: auth });
  assert.equal(r.statusCode, 200, r.body);
  return r.json<Array<{ type: string }>>().map((e) => e.type);
}
