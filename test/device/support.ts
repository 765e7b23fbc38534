// The device grant's calls as a test makes them (RFC 8628): a device starts a grant and polls the
// token endpoint with form bodies; a signed-in person looks the code up and approves or denies it.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import type { Harness } from '../helpers/harness.js';
import type { Auth } from '../helpers/accounts.js';
import type { DeviceAuthorization } from '../../src/core/device/responses.js';

export const CLIENT_ID = 'twofold-cli';
export const GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';
export const DEVICE_UA = 'twofold-cli/0.1 (linux; test)';
export const DEVICE_IP = '198.51.100.7';

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

/** The device authorization response, as the server defines it. */
export type Grant = DeviceAuthorization;

export function postForm(h: Harness, url: string, fields: Record<string, string>): Promise<LightMyRequestResponse> {
  return h.inject({
    method: 'POST',
    url,
    payload: form(fields),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': DEVICE_UA },
    remoteAddress: DEVICE_IP,
  });
}

export async function startGrant(h: Harness, clientId = CLIENT_ID): Promise<Grant> {
  const res = await postForm(h, '/oauth/device_authorization', { client_id: clientId });
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
}

export const poll = (h: Harness, deviceCode: string, clientId = CLIENT_ID) =>
  postForm(h, '/oauth/token', { grant_type: GRANT_TYPE, device_code: deviceCode, client_id: clientId });

/** Asserts an OAuth error answer (RFC 6749 §5.2): status and `error`, JSON not problem+json. */
export function assertOAuthError(res: LightMyRequestResponse, status: number, error: string): void {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  assert.equal(res.json().error, error, res.body);
  assert.equal(res.headers['cache-control'], 'no-store');
}

export const lookup = (h: Harness, auth: Auth, userCode: string) =>
  h.inject({ method: 'GET', url: `/v1/me/device/${encodeURIComponent(userCode)}`, headers: auth });

export const decide = (h: Harness, auth: Auth, userCode: string, approve: boolean) =>
  h.inject({
    method: 'POST',
    url: `/v1/me/device/${encodeURIComponent(userCode)}`,
    headers: auth,
    payload: { approve },
  });
