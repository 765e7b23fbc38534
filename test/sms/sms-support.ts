// Shared steps for the SMS tests: a harness whose app texts through the real Twilio adapter to a
// local stand-in, turning SMS on as a user does (and an account with it on), and the kit's
// (test/helpers/) accounts and sign-ins.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import * as kit from '../helpers/accounts.js';
import { bearer, PASSWORD } from '../helpers/accounts.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { TwilioStandIn, twilioEnv } from './twilio-stand-in.js';

export { PASSWORD, bearer } from '../helpers/accounts.js';
export { assertProblem } from '../helpers/problems.js';
/** A US number in the fictional 555-01xx range, and the hint the contract shows for it. */
export const US_PHONE = '+1 (415) 555-0123';
export const US_E164 = '+14155550123';
export const US_HINT = '+1 •••-•••-0123';

export interface SmsWorld {
  h: Harness;
  twilio: TwilioStandIn;
}

/** A harness that texts through the real Twilio adapter to a fresh stand-in. */
export async function startSmsWorld(env: Record<string, string> = {}): Promise<SmsWorld> {
  const twilio = await TwilioStandIn.start();
  try {
    return { h: await startHarness({ env: twilioEnv(twilio, env) }), twilio };
  } catch (e) {
    await twilio.close();
    throw e;
  }
}

export async function withSmsWorld(
  fn: (w: SmsWorld) => Promise<void>,
  env: Record<string, string> = {},
): Promise<void> {
  const w = await startSmsWorld(env);
  try {
    await fn(w);
  } finally {
    await w.h.close();
    await w.twilio.close();
  }
}

export function post(
  h: Harness,
  url: string,
  payload: object,
  token?: string,
  remoteAddress?: string,
): Promise<LightMyRequestResponse> {
  return h.inject({
    method: 'POST',
    url,
    payload,
    headers: token ? bearer(token) : {},
    ...(remoteAddress ? { remoteAddress } : {}),
  });
}

export function get(h: Harness, url: string, token: string): Promise<LightMyRequestResponse> {
  return h.inject({ method: 'GET', url, headers: bearer(token) });
}

export const signup = async (h: Harness, email: string, remoteAddress?: string): Promise<string> =>
  (await kit.signup(h, email, { ...(remoteAddress ? { from: remoteAddress } : {}) })).token;

export const startSmsSetup = (h: Harness, token: string, phone: string, remoteAddress?: string) =>
  post(h, '/v1/me/mfa/setup', { method: 'sms', phone, password: PASSWORD }, token, remoteAddress);

export const verifySetup = (h: Harness, token: string, setup_id: string, code: string) =>
  post(h, '/v1/me/mfa/setup/verify', { setup_id, code }, token);

/** Turns SMS on with the code the stand-in received; answers the recovery code. */
export async function enableSms(w: SmsWorld, token: string, phone = US_PHONE, remoteAddress?: string): Promise<string> {
  const r = await startSmsSetup(w.h, token, phone, remoteAddress);
  assert.equal(r.statusCode, 201, r.body);
  const v = await verifySetup(w.h, token, r.json().setup_id, w.twilio.lastCode());
  assert.equal(v.statusCode, 200, v.body);
  return v.json().recovery_code;
}

export const login = (h: Harness, email: string, remoteAddress?: string) =>
  kit.login(h, email, { ...(remoteAddress ? { from: remoteAddress } : {}) });
export const verify = (h: Harness, challenge: string, code: string) =>
  post(h, '/v1/auth/login/verify', { challenge, code });
export const resend = (h: Harness, challenge: string, remoteAddress?: string) =>
  post(h, '/v1/auth/login/resend', { challenge }, undefined, remoteAddress);
export const recover = (h: Harness, challenge: string, recovery_code: string) =>
  post(h, '/v1/auth/login/recover', { challenge, recovery_code });

/** The account withSmsAccount signs up. */
export const EMAIL = 'sam@example.com';

/** An account with SMS on (US_PHONE), its recovery code, and the clock past the set-up's gap. */
export function withSmsAccount(
  fn: (w: SmsWorld, a: { token: string; recoveryCode: string }) => Promise<void>,
  env: Record<string, string> = {},
) {
  return withSmsWorld(async (w) => {
    const token = await signup(w.h, EMAIL);
    const recoveryCode = await enableSms(w, token);
    w.h.clock.advance(31_000);
    await fn(w, { token, recoveryCode });
  }, env);
}

/** Asserts the account has no second factor on. */
export const mfaOff = async (h: Harness, token: string) =>
  assert.deepEqual((await get(h, '/v1/me/mfa', token)).json(), { enabled: false, method: null });

/** Password step of an SMS account: asserts mfa_required and answers the challenge. */
export const challengeFor = (h: Harness, email: string, remoteAddress?: string): Promise<string> =>
  kit.challengeFor(h, email, { ...(remoteAddress ? { from: remoteAddress } : {}) });

/** A well-formed code that is not `code`. */
export const otherCode = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** Pending set-ups in the database (any state). */
export async function setupCount(h: Harness): Promise<number> {
  const r = await h.runtime.db.db
    .selectFrom('mfa_setups')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** Records the id of every set-up the service creates (the 422/502 answers do not name it). */
export function captureSetupIds(h: Harness): string[] {
  const ids: string[] = [];
  const setups = h.runtime.storage.setups;
  const create = setups.createSetup.bind(setups);
  setups.createSetup = async (setup) => {
    ids.push(setup.id);
    return create(setup);
  };
  return ids;
}
