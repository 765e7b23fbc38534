// What a client of a Twofold cluster does, over real HTTP: JSON calls, accounts, TOTP codes from
// the real clock, signed requests, and a local SMS webhook receiver that reads the texts sent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { signRequest } from '../../src/client/signer.js';
import {
  bearer,
  challengeFor,
  enableTotp as enableTotpOn,
  PASSWORD,
  signup,
  totpCode,
  wrongTotpCode,
  type Server as AccountServer,
} from '../helpers/accounts.js';
import type { FetchedAnswer } from '../helpers/problems.js';
import { markVerifiedInDatabase } from '../helpers/verify-email.js';
import { databaseOf } from './processes.js';

export { PASSWORD, STEP_MS } from '../helpers/accounts.js';
export { assertProblem } from '../helpers/problems.js';

export type Answer = FetchedAnswer;

export interface CallOptions {
  json?: unknown;
  token?: string;
  headers?: Record<string, string>;
  body?: string;
}

export async function call(base: string, method: string, path: string, o: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  if (o.token) headers.authorization = `Bearer ${o.token}`;
  let body = o.body;
  if (o.json !== undefined) {
    body = JSON.stringify(o.json);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(base + path, { method, headers, body, signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export const uniqueEmail = (tag: string) => `${tag}-${randomBytes(5).toString('hex')}@example.com`;

/** The code an authenticator app shows now, `offset` steps away. */
export const totpNow = (secret: string, offset = 0) => totpCode(secret, Date.now(), offset);

/** A 6-digit code that none of the steps -2…+2 produce now: surely wrong. */
export const wrongTotp = (secret: string): string => wrongTotpCode(secret, Date.now());

/** An instance (or any server process) as the kit's `Server`: fetch, the real clock, its database for the mailbox. */
export function overHttp(base: string): AccountServer<Answer> {
  return {
    post: (url, json, o = {}) =>
      call(base, 'POST', url, { json, headers: { ...o.auth, ...(o.from ? { 'x-forwarded-for': o.from } : {}) } }),
    now: () => Date.now(),
    realTime: true,
    // The instance logs its mails unread: the mailbox is proven in its database instead.
    proveMailbox: async (email) => {
      const db = databaseOf.get(base);
      if (db) await markVerifiedInDatabase(db, email);
    },
  };
}

/** A fresh address of the benchmarking range (RFC 2544, 198.18.0.0/15), never a real client. */
const clientAddress = () => `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

export async function signUp(base: string, email: string): Promise<{ token: string; userId: string }> {
  // Each sign-up comes from its own client address (the instances trust 127.0.0.1 as their load
  // balancer): the suites make more accounts than one address may sign up in an hour (20).
  const { token, userId } = await signup(overHttp(base), email, { from: clientAddress() });
  return { token, userId };
}

/**
 * Turns TOTP on: set-up on one instance, confirmation on another. The confirmation uses the
 * PREVIOUS step's code (accepted as drift), so the current and next steps stay free for sign-ins.
 */
export const enableTotp = (setupAt: string, verifyAt: string, token: string) =>
  enableTotpOn(overHttp(setupAt), bearer(token), { confirmAt: overHttp(verifyAt), stepOffset: -1 });

export const login = (base: string, email: string) =>
  call(base, 'POST', '/v1/auth/login', { json: { email, password: PASSWORD, client: 'app' } });

export const challengeAt = (base: string, email: string): Promise<string> => challengeFor(overHttp(base), email);

export const verifyAt = (base: string, challenge: string, code: string) =>
  call(base, 'POST', '/v1/auth/login/verify', { json: { challenge, code } });

/** A request signed by an access key (RFC 9421) for the cluster's public URL, sendable to any instance. */
export function signed(
  publicUrl: string,
  method: string,
  path: string,
  key: { id: string; secret: string },
  json?: unknown,
): { headers: Record<string, string>; body?: string } {
  const body = json === undefined ? undefined : JSON.stringify(json);
  const base: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  const sig = signRequest({
    method,
    url: publicUrl + path,
    headers: base,
    body: body ?? null,
    keyId: key.id,
    secretBase64: key.secret,
    scheme: 'rfc9421',
  });
  return { headers: { ...base, ...sig }, ...(body ? { body } : {}) };
}

export interface Text {
  to: string;
  code: string;
  signed: boolean;
}

/** The other end of TWOFOLD_SMS_PROVIDER=webhook: keeps every text the instances send. */
export class SmsReceiver {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly texts: Text[],
  ) {}

  static async start(): Promise<SmsReceiver> {
    const texts: Text[] = [];
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (d: Buffer) => (raw += d.toString()));
      req.on('end', () => {
        const m = JSON.parse(raw) as { to: string; code: string };
        texts.push({ to: m.to, code: m.code, signed: typeof req.headers['signature-input'] === 'string' });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return new SmsReceiver(server, `http://127.0.0.1:${(server.address() as { port: number }).port}/sms`, texts);
  }

  to(e164: string): Text[] {
    return this.texts.filter((t) => t.to === e164);
  }

  lastCode(e164: string): string {
    const all = this.to(e164);
    assert.ok(all.length > 0, `no text was sent to ${e164}`);
    return all[all.length - 1]!.code;
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}
