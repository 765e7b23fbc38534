// The webhook adapter against a local receiver that verifies every delivery the way an operator
// would: with Twofold's own verifier (verifySignedRequest, keyid "twofold-sms-webhook") and with an
// independent RFC 9421 check rebuilt by hand (signature base, RFC 9530 digest, HMAC-SHA256).
// JSON body {to, body, code}; 2xx sent, 422 a bad number, anything else a failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WEBHOOK_KEY_ID, WebhookSmsSender } from '../../src/adapters/sms/webhook-sms.js';
import { verifySignedRequest } from '../../src/core/signatures/policy.js';
import { SmsDeliveryError } from '../../src/core/ports/sms-sender.js';
import { loadConfig } from '../../src/runtime/config.js';
import { startHarness } from '../helpers/harness.js';
import { verifyEmail } from '../helpers/verify-email.js';

const SECRET = randomBytes(32).toString('base64');
const MESSAGE = {
  to: '+14155550123',
  body: 'Your Twofold code is 123456. It expires in 3 minutes.\n\n@127.0.0.1:8080 #123456',
  code: '123456',
};

interface Delivery {
  method: string;
  target: string;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  ours: ReturnType<typeof verifySignedRequest>;
  independent: { ok: boolean; reason?: string };
}

/**
 * RFC 9421 by hand: parse Signature-Input, rebuild the base from the request as received, and
 * compare HMAC-SHA256 under the base64-decoded secret. Also RFC 9530: the digest is the body's.
 */
function independentCheck(
  method: string,
  host: string,
  target: string,
  h: IncomingHttpHeaders,
  raw: Buffer,
  secret: string,
): { ok: boolean; reason?: string } {
  const input = /^([a-z*][a-z0-9_.*-]*)=(\(([^)]*)\)(.*))$/.exec(String(h['signature-input'] ?? ''));
  if (!input) return { ok: false, reason: 'no Signature-Input' };
  const [, label, params, list, rest] = input as unknown as [string, string, string, string, string];
  const components = list.split(' ').map((c) => c.replace(/^"|"$/g, ''));
  for (const needed of ['@method', '@authority', '@target-uri', 'content-digest']) {
    if (!components.includes(needed)) return { ok: false, reason: `${needed} not covered` };
  }
  if (!/;keyid="twofold-sms-webhook"/.test(rest) || !/;alg="hmac-sha256"/.test(rest))
    return { ok: false, reason: `params ${rest}` };
  const created = Number(/;created=(\d+)/.exec(rest)?.[1]);
  if (!(Math.abs(created - Date.now() / 1000) < 60)) return { ok: false, reason: 'created is not now' };
  const digest = `sha-256=:${createHash('sha256').update(raw).digest('base64')}:`;
  if (h['content-digest'] !== digest)
    return { ok: false, reason: `content-digest ${String(h['content-digest'])} is not ${digest}` };
  const value = (c: string): string => {
    if (c === '@method') return method;
    if (c === '@authority') return host;
    if (c === '@target-uri') return `http://${host}${target}`;
    if (c === '@path') return target.split('?')[0]!;
    return String(h[c]);
  };
  const base = [...components.map((c) => `"${c}": ${value(c)}`), `"@signature-params": ${params}`].join('\n');
  const expected = createHmac('sha256', Buffer.from(secret, 'base64')).update(base).digest();
  const sig = new RegExp(`^${label.replace(/[.*]/g, '\\$&')}=:([A-Za-z0-9+/=]+):$`).exec(String(h.signature ?? ''));
  if (!sig) return { ok: false, reason: 'no Signature for the label' };
  const got = Buffer.from(sig[1]!, 'base64');
  return got.length === expected.length && timingSafeEqual(got, expected)
    ? { ok: true }
    : { ok: false, reason: 'HMAC differs' };
}

class Receiver {
  readonly deliveries: Delivery[] = [];
  readonly answers: number[] = [];
  private constructor(
    private readonly server: Server,
    readonly host: string,
  ) {}

  static async start(secret = SECRET): Promise<Receiver> {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const rx = new Receiver(server, host);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const method = req.method ?? '';
        const target = req.url ?? '';
        const ours = verifySignedRequest(
          { method, origin: `http://${host}`, target, headers: req.headers, body: new Uint8Array(raw) },
          {
            nowMs: Date.now(),
            publicHost: host,
            lookupKey: (id) => (id === WEBHOOK_KEY_ID ? new Uint8Array(Buffer.from(secret, 'base64')) : null),
          },
        );
        const independent = independentCheck(method, host, target, req.headers, raw, secret);
        rx.deliveries.push({ method, target, headers: req.headers, raw, ours, independent });
        const status = !ours.ok || !independent.ok ? 401 : (rx.answers.shift() ?? 202);
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      });
    });
    return rx;
  }

  url(path = '/hooks/sms?tenant=twofold'): string {
    return `http://${this.host}${path}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

async function withReceiver(fn: (rx: Receiver) => Promise<void>): Promise<void> {
  const rx = await Receiver.start();
  try {
    await fn(rx);
  } finally {
    await rx.close();
  }
}

async function kindOf(p: Promise<void>): Promise<string> {
  try {
    await p;
    return 'sent';
  } catch (e) {
    assert.ok(e instanceof SmsDeliveryError, String(e));
    return e.kind;
  }
}

test('a delivery is a signed JSON POST {to, body, code} that both verifiers accept', () =>
  withReceiver(async (rx) => {
    await new WebhookSmsSender(rx.url(), SECRET).send(MESSAGE);
    assert.equal(rx.deliveries.length, 1);
    const d = rx.deliveries[0]!;
    assert.equal(d.method, 'POST');
    assert.equal(d.target, '/hooks/sms?tenant=twofold');
    assert.match(String(d.headers['content-type']), /^application\/json/);
    assert.deepEqual(JSON.parse(d.raw.toString('utf8')), { to: MESSAGE.to, body: MESSAGE.body, code: MESSAGE.code });
    assert.equal(d.ours.ok, true, JSON.stringify(d.ours));
    if (d.ours.ok) {
      assert.equal(d.ours.keyId, 'twofold-sms-webhook');
      assert.equal(d.ours.scheme, 'rfc9421');
    }
    assert.deepEqual(d.independent, { ok: true });
    assert.ok(!JSON.stringify(d.headers).includes(SECRET), 'the secret never travels');
  }));

test('the signature binds the body, the target, the receiver and the secret', () =>
  withReceiver(async (rx) => {
    await new WebhookSmsSender(rx.url(), SECRET).send(MESSAGE);
    const d = rx.deliveries[0]!;
    const key = new Uint8Array(Buffer.from(SECRET, 'base64'));
    const view = {
      method: d.method,
      origin: `http://${rx.host}`,
      target: d.target,
      headers: d.headers,
      body: new Uint8Array(d.raw),
    };
    const opts = {
      nowMs: Date.now(),
      publicHost: rx.host,
      lookupKey: (id: string) => (id === WEBHOOK_KEY_ID ? key : null),
    };
    const forged = Buffer.from(d.raw.toString('utf8').replace('+14155550123', '+19005550123'));
    assert.equal(verifySignedRequest({ ...view, body: new Uint8Array(forged) }, opts).ok, false, 'a changed body');
    assert.equal(verifySignedRequest({ ...view, target: '/hooks/sms?tenant=other' }, opts).ok, false, 'another target');
    assert.equal(
      verifySignedRequest({ ...view, origin: 'http://127.0.0.1:1' }, { ...opts, publicHost: '127.0.0.1:1' }).ok,
      false,
      'another receiver',
    );
    assert.equal(
      verifySignedRequest(view, { ...opts, lookupKey: () => new Uint8Array(randomBytes(32)) }).ok,
      false,
      'another secret',
    );
    assert.equal(
      verifySignedRequest(view, { ...opts, nowMs: Date.now() + 10 * 60_000 }).ok,
      false,
      'replayed 10 minutes later',
    );
    assert.equal(independentCheck(d.method, rx.host, d.target, d.headers, forged, SECRET).ok, false);
    assert.equal(
      independentCheck(d.method, rx.host, d.target, d.headers, d.raw, randomBytes(32).toString('base64')).ok,
      false,
    );
  }));

test('a receiver holding another secret refuses it, and the send is failed', async () => {
  const rx = await Receiver.start(randomBytes(32).toString('base64'));
  try {
    assert.equal(await kindOf(new WebhookSmsSender(rx.url(), SECRET).send(MESSAGE)), 'failed');
    assert.equal(rx.deliveries[0]!.ours.ok, false);
  } finally {
    await rx.close();
  }
});

test('the receiver decides: 2xx sent, 422 invalid_number, 500 failed, never retried', () =>
  withReceiver(async (rx) => {
    const sender = new WebhookSmsSender(rx.url('/sms'), SECRET);
    rx.answers.push(200, 204, 422, 500, 400, 302);
    const kinds = [];
    for (let i = 0; i < 6; i++) kinds.push(await kindOf(sender.send(MESSAGE)));
    assert.deepEqual(kinds, ['sent', 'sent', 'invalid_number', 'failed', 'failed', 'failed']);
    assert.equal(rx.deliveries.length, 6, 'one request each');
    assert.ok(rx.deliveries.every((d) => d.ours.ok && d.independent.ok));
  }));

test('an unreachable webhook is failed after one retry', async () => {
  const rx = await Receiver.start();
  const url = rx.url();
  await rx.close();
  assert.equal(await kindOf(new WebhookSmsSender(url, SECRET, 1000).send(MESSAGE)), 'failed');
});

test('the secret must be base64 of at least 16 bytes; the URL and secret are required together', () => {
  const base = { TWOFOLD_SMS_PROVIDER: 'webhook', TWOFOLD_SMS_WEBHOOK_URL: 'http://127.0.0.1:9/sms' };
  assert.throws(
    () => loadConfig({ ...base, TWOFOLD_SMS_WEBHOOK_SECRET: randomBytes(15).toString('base64') }),
    /TWOFOLD_SMS_WEBHOOK_SECRET/,
  );
  assert.throws(
    () => loadConfig({ ...base, TWOFOLD_SMS_WEBHOOK_SECRET: 'not base64 at all!' }),
    /TWOFOLD_SMS_WEBHOOK_SECRET/,
  );
  assert.throws(() => loadConfig(base), /TWOFOLD_SMS_WEBHOOK_SECRET: required/);
  assert.throws(
    () => loadConfig({ TWOFOLD_SMS_PROVIDER: 'webhook', TWOFOLD_SMS_WEBHOOK_SECRET: SECRET }),
    /TWOFOLD_SMS_WEBHOOK_URL: required/,
  );
  assert.equal(loadConfig({ ...base, TWOFOLD_SMS_WEBHOOK_SECRET: SECRET }).sms.provider, 'webhook');
});

test('TWOFOLD_SMS_PROVIDER=webhook: an SMS set-up texts through the receiver and its code turns SMS on', () =>
  withReceiver(async (rx) => {
    const h = await startHarness({
      env: { TWOFOLD_SMS_PROVIDER: 'webhook', TWOFOLD_SMS_WEBHOOK_URL: rx.url(), TWOFOLD_SMS_WEBHOOK_SECRET: SECRET },
    });
    try {
      const s = await h.inject({
        method: 'POST',
        url: '/v1/auth/signup',
        payload: { email: 'wendy@example.com', password: 'correct horse battery staple', client: 'app' },
      });
      await verifyEmail(h, 'wendy@example.com');
      const auth = { authorization: `Bearer ${s.json().token}` };
      const r = await h.inject({
        method: 'POST',
        url: '/v1/me/mfa/setup',
        headers: auth,
        payload: { method: 'sms', phone: '+1 415 555 0123', password: 'correct horse battery staple' },
      });
      assert.equal(r.statusCode, 201, r.body);
      const d = rx.deliveries[0]!;
      assert.ok(d.ours.ok && d.independent.ok);
      const sent = JSON.parse(d.raw.toString('utf8')) as { to: string; body: string; code: string };
      assert.equal(sent.to, '+14155550123');
      assert.equal(
        sent.body,
        `Your Twofold code is ${sent.code}. It expires in 3 minutes.\n\n@127.0.0.1:8080 #${sent.code}`,
      );
      const v = await h.inject({
        method: 'POST',
        url: '/v1/me/mfa/setup/verify',
        headers: auth,
        payload: { setup_id: r.json().setup_id, code: sent.code },
      });
      assert.equal(v.statusCode, 200, v.body);
      assert.equal(v.json().method, 'sms');
    } finally {
      await h.close();
    }
  }));
