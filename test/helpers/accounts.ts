// The account steps every suite takes, written once: sign up (and prove the mailbox), sign in, the
// sign-in challenge, and turning TOTP on as a user does. They run against an in-process harness
// (app.inject, the clock the test moves) or against a server process over HTTP (fetch, the real
// clock; see test/cluster/client.ts), through the small `Server` interface below.
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { ORIGIN, type Harness } from './harness.js';
import { verifyEmail } from './verify-email.js';

export const PASSWORD = 'correct horse battery staple';
/** The TOTP time step (RFC 6238 §5.2). */
export const STEP_MS = 30_000;

export type Auth = Record<string, string>;
export type Client = 'web' | 'app';

export const bearer = (token: string): Auth => ({ authorization: `Bearer ${token}` });
/** Headers for the portal: the cookie plus our own Origin (CSRF). */
export const web = (cookie: string): Auth => ({ cookie, origin: ORIGIN });

/** The session cookie pair (`name=value`) set by an answer. */
export function sessionCookie(res: LightMyRequestResponse, name = 'twofold_session'): string {
  const all = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const line = all.find((c) => c.startsWith(`${name}=`));
  assert.ok(line, `expected a ${name} cookie, got ${JSON.stringify(all)}`);
  return line.split(';')[0]!;
}

/** The code an authenticator app shows at `atMs`, `stepOffset` steps away (drift). */
export const totpCode = (secret: string, atMs: number, stepOffset = 0): string =>
  totpAt(base32Decode(secret), atMs + stepOffset * STEP_MS);

/** A 6-digit code that is surely wrong at `atMs`: none of the steps -2…+2 produce it. */
export function wrongTotpCode(secret: string, atMs: number): string {
  const near = new Set([-2, -1, 0, 1, 2].map((o) => totpCode(secret, atMs, o)));
  for (let n = Number(totpCode(secret, atMs)) + 1; ; n++) {
    const c = String(n % 1_000_000).padStart(6, '0');
    if (!near.has(c)) return c;
  }
}

/** An answer as the account steps read it. */
export interface Reply {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test code reads members freely
  body: any;
  text: string;
}

export interface PostOptions {
  auth?: Auth;
  /** The client's address: the socket's in process, X-Forwarded-For through a trusted proxy. */
  from?: string;
}

/** What the account steps need of a server. */
export interface Server<R extends Reply = Reply> {
  post(url: string, json: unknown, o?: PostOptions): Promise<R>;
  /** The time the server checks TOTP codes against. */
  now(): number;
  /** True when that time runs by itself, so a request can cross a step boundary. */
  readonly realTime: boolean;
  /** Proves the address's mailbox (2FA set-up and access keys answer 403 before). */
  proveMailbox(email: string): Promise<void>;
}

export type InProcessReply = Reply & { res: LightMyRequestResponse };

/** A harness as a `Server`: requests through app.inject, codes from the harness's clock. */
export function inProcess(h: Harness): Server<InProcessReply> {
  return {
    post: async (url, json, o = {}) => {
      const res = await h.inject({
        method: 'POST',
        url,
        payload: json as object,
        headers: o.auth ?? {},
        ...(o.from ? { remoteAddress: o.from } : {}),
      });
      let body: unknown;
      try {
        body = res.json();
      } catch {
        body = undefined;
      }
      return { status: res.statusCode, body, text: res.body, res };
    },
    now: () => h.clock.now(),
    realTime: false,
    proveMailbox: (email) => verifyEmail(h, email),
  };
}

const serverOf = <R extends Reply>(t: Harness | Server<R>): Server<R> =>
  'inject' in t ? (inProcess(t) as unknown as Server<R>) : t;

export interface SignupOptions {
  password?: string;
  client?: Client;
  from?: string;
  /** Prove the mailbox with the mailed link (default); false leaves the account unproven. */
  prove?: boolean;
}

export interface SignedUp<R extends Reply> {
  token: string;
  userId: string;
  /** The sign-up's answer (`res` in process: its cookie). */
  reply: R;
}

/** Signs up through the API (201 asserted) and, unless told otherwise, proves the mailbox. */
export async function signup(h: Harness, email: string, o?: SignupOptions): Promise<SignedUp<InProcessReply>>;
export async function signup<R extends Reply>(s: Server<R>, email: string, o?: SignupOptions): Promise<SignedUp<R>>;
export async function signup(t: Harness | Server, email: string, o: SignupOptions = {}): Promise<SignedUp<Reply>> {
  const s = serverOf(t);
  const reply = await s.post(
    '/v1/auth/signup',
    { email, password: o.password ?? PASSWORD, client: o.client ?? 'app' },
    { ...(o.from ? { from: o.from } : {}) },
  );
  assert.equal(reply.status, 201, reply.text);
  if (o.prove !== false) await s.proveMailbox(email);
  return { token: reply.body.token, userId: reply.body.user.id, reply };
}

export interface LoginOptions {
  password?: string;
  client?: Client;
  from?: string;
}

/** The password step of a sign-in, in process (the answer as app.inject gives it). */
export function login(h: Harness, email: string, o: LoginOptions = {}): Promise<LightMyRequestResponse> {
  return h.inject({
    method: 'POST',
    url: '/v1/auth/login',
    payload: { email, password: o.password ?? PASSWORD, client: o.client ?? 'app' },
    ...(o.from ? { remoteAddress: o.from } : {}),
  });
}

/** The password step of an account with 2FA on: asserts `mfa_required`, answers the challenge. */
export async function challengeFor(t: Harness | Server, email: string, o: LoginOptions = {}): Promise<string> {
  const r = await serverOf(t).post(
    '/v1/auth/login',
    { email, password: o.password ?? PASSWORD, client: o.client ?? 'app' },
    { ...(o.from ? { from: o.from } : {}) },
  );
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'mfa_required', r.text);
  return r.body.challenge;
}

export interface EnableTotpOptions {
  password?: string;
  /** Where the code is confirmed (another instance of a cluster); the same server by default. */
  confirmAt?: Server;
  /** The step of the confirming code, relative to now (-1 keeps the current and next steps free). */
  stepOffset?: number;
  /** In process: move the clock one step afterwards, so that the next code is fresh (the set-up spent this step's). */
  nextStep?: boolean;
}

/** Turns TOTP on as a user does (set-up, then the app's code); answers the secret and the recovery code. */
export async function enableTotp(
  t: Harness | Server,
  auth: Auth,
  o: EnableTotpOptions = {},
): Promise<{ secret: string; recoveryCode: string }> {
  const at = serverOf(t);
  const setup = await at.post('/v1/me/mfa/setup', { method: 'totp', password: o.password ?? PASSWORD }, { auth });
  assert.equal(setup.status, 201, setup.text);
  const { setup_id, secret } = setup.body as { setup_id: string; secret: string };
  const confirmAt = o.confirmAt ?? at;
  const confirm = () =>
    confirmAt.post(
      '/v1/me/mfa/setup/verify',
      { setup_id, code: totpCode(secret, confirmAt.now(), o.stepOffset ?? 0) },
      { auth },
    );
  let v = await confirm();
  // On a real clock (a loaded machine) the request can cross a 30 s boundary, putting the code out
  // of the ±1 window: compute it again once (the refused try is reset by the success).
  if (v.status === 401 && confirmAt.realTime) v = await confirm();
  assert.equal(v.status, 200, v.text);
  if (o.nextStep && 'inject' in t) t.clock.advance(STEP_MS);
  return { secret, recoveryCode: v.body.recovery_code };
}
