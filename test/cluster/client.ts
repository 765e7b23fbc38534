// What a client of a Twofold cluster does, over real HTTP: JSON calls, accounts, TOTP codes from
// the real clock, signed requests, and a local SMS webhook receiver that reads the texts sent.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { signRequest } from '../../src/client/signer.js';
import { base32Decode } from '../../src/core/base32.js';
import { totpAt } from '../../src/core/totp.js';
import { markVerifiedInDatabase } from '../helpers/verify-email.js';
import { databaseOf } from './processes.js';

export const PASSWORD = 'correct horse battery staple';
export const STEP_MS = 30_000;

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test code reads members freely
  body: any;
  text: string;
}

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

/** Asserts a problem+json answer with the given status and stable code. */
export function assertProblem(a: Answer, status: number, code: string): void {
  assert.equal(a.status, status, a.text);
  assert.match(a.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.equal(a.body?.code, code, a.text);
}

export const uniqueEmail = (tag: string) => `${tag}-${randomBytes(5).toString('hex')}@example.com`;

/** The code an authenticator app shows now, `offset` steps away. */
export const totpNow = (secret: string, offset = 0) => totpAt(base32Decode(secret), Date.now() + offset * STEP_MS);

/** A 6-digit code that none of the steps -2…+2 produce now: surely wrong. */
export function wrongTotp(secret: string): string {
  const near = new Set([-2, -1, 0, 1, 2].map((o) => totpNow(secret, o)));
  for (let n = Number(totpNow(secret)) + 1; ; n++) {
    const c = String(n % 1_000_000).padStart(6, '0');
    if (!near.has(c)) return c;
  }
}

/** A fresh address of the benchmarking range (RFC 2544, 198.18.0.0/15), never a real client. */
const clientAddress = () => `198.18.${randomBytes(1)[0]}.${randomBytes(1)[0]}`;

export async function signUp(base: string, email: string): Promise<{ token: string; userId: string }> {
  // Each sign-up comes from its own client address (the instances trust 127.0.0.1 as their load
  // balancer): the suites make more accounts than one address may sign up in an hour (20).
  const r = await call(base, 'POST', '/v1/auth/signup', { json: { email, password: PASSWORD, client: 'app' }, headers: { 'x-forwarded-for': clientAddress() } });
  assert.equal(r.status, 201, r.text);
  // The instance logs its mails unread: the mailbox is proven in its database instead.
  const db = databaseOf.get(base);
  if (db) await markVerifiedInDatabase(db, email);
  return { token: r.body.token, userId: r.body.user.id };
}

/**
 * Turns TOTP on: set-up on one instance, confirmation on another. The confirmation uses the
 * PREVIOUS step's code (accepted as drift), so the current and next steps stay free for sign-ins.
 */
export async function enableTotp(setupAt: string, verifyAt: string, token: string): Promise<{ secret: string; recoveryCode: string }> {
  const s = await call(setupAt, 'POST', '/v1/me/mfa/setup', { token, json: { method: 'totp', password: PASSWORD } });
  assert.equal(s.status, 201, s.text);
  const confirm = () => call(verifyAt, 'POST', '/v1/me/mfa/setup/verify', { token, json: { setup_id: s.body.setup_id, code: totpNow(s.body.secret, -1) } });
  let v = await confirm();
  // On a loaded machine the request can cross a 30 s boundary, putting the previous step out of
  // the ±1 window: compute it again once (the refused try is reset by the success).
  if (v.status === 401) v = await confirm();
  assert.equal(v.status, 200, v.text);
  return { secret: s.body.secret, recoveryCode: v.body.recovery_code };
}

export const login = (base: string, email: string) => call(base, 'POST', '/v1/auth/login', { json: { email, password: PASSWORD, client: 'app' } });

export async function challengeAt(base: string, email: string): Promise<string> {
  const r = await login(base, email);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'mfa_required', r.text);
  return r.body.challenge;
}

export const verifyAt = (base: string, challenge: string, code: string) => call(base, 'POST', '/v1/auth/login/verify', { json: { challenge, code } });

/** A request signed by an access key (RFC 9421) for the cluster's public URL, sendable to any instance. */
export function signed(publicUrl: string, method: string, path: string, key: { id: string; secret: string }, json?: unknown): { headers: Record<string, string>; body?: string } {
  const body = json === undefined ? undefined : JSON.stringify(json);
  const base: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  const sig = signRequest({ method, url: publicUrl + path, headers: base, body: body ?? null, keyId: key.id, secretBase64: key.secret, scheme: 'rfc9421' });
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
