// The real Twilio adapter against a local server that answers like Twilio's Messages API: the
// request it makes (path, form fields, Basic auth), what each answer means (201 sent, 400/21211 a
// bad number, 500 a failure never retried), a timeout, and one retry after a network error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { TwilioSmsSender } from '../../src/adapters/sms/twilio-sms.js';
import { SmsDeliveryError } from '../../src/core/ports/sms-sender.js';
import { TWILIO_FROM, TWILIO_SID, TWILIO_TOKEN, TwilioStandIn } from './twilio-stand-in.js';

const MESSAGE = {
  to: '+14155550123',
  body: 'Your Twofold code is 123456. It expires in 3 minutes.\n\n@127.0.0.1:8080 #123456',
  code: '123456',
};

async function withStandIn(
  fn: (s: TwilioStandIn, sender: TwilioSmsSender) => Promise<void>,
  timeoutMs?: number,
): Promise<void> {
  const s = await TwilioStandIn.start();
  try {
    await fn(
      s,
      new TwilioSmsSender({
        accountSid: TWILIO_SID,
        authToken: TWILIO_TOKEN,
        from: TWILIO_FROM,
        baseUrl: s.url,
        ...(timeoutMs ? { timeoutMs } : {}),
      }),
    );
  } finally {
    await s.close();
  }
}

/** Asserts the promise rejects with an SmsDeliveryError of that kind that names no secret. */
async function rejectsWith(p: Promise<void>, kind: 'invalid_number' | 'failed'): Promise<SmsDeliveryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SmsDeliveryError, `expected SmsDeliveryError, got ${String(e)}`);
    assert.equal(e.kind, kind, e.message);
    assert.ok(!e.message.includes(TWILIO_TOKEN) && !e.message.includes('123456'), `no secret in "${e.message}"`);
    return e;
  }
  assert.fail('expected the send to fail');
}

test('201: one POST to /2010-04-01/Accounts/{sid}/Messages.json with To, From, Body and Basic sid:token', () =>
  withStandIn(async (s, sender) => {
    await sender.send(MESSAGE);
    assert.equal(s.count, 1);
    const r = s.requests[0]!;
    assert.equal(r.method, 'POST');
    assert.equal(r.path, `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`);
    assert.match(String(r.headers['content-type']), /^application\/x-www-form-urlencoded/);
    assert.equal(r.headers.authorization, `Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString('base64')}`);
    const [scheme, b64] = String(r.headers.authorization).split(' ');
    assert.equal(scheme, 'Basic');
    assert.equal(Buffer.from(b64!, 'base64').toString('utf8'), `${TWILIO_SID}:${TWILIO_TOKEN}`);
    assert.deepEqual([...r.form.keys()].sort(), ['Body', 'From', 'To']);
    assert.equal(r.form.get('To'), '+14155550123', 'the + survives form encoding');
    assert.equal(r.form.get('From'), TWILIO_FROM);
    assert.equal(r.form.get('Body'), MESSAGE.body, 'line breaks and punctuation survive form encoding');
  }));

test('a base URL with a trailing slash still reaches the Messages path', async () => {
  const s = await TwilioStandIn.start();
  try {
    await new TwilioSmsSender({
      accountSid: TWILIO_SID,
      authToken: TWILIO_TOKEN,
      from: TWILIO_FROM,
      baseUrl: `${s.url}/`,
    }).send(MESSAGE);
    assert.equal(s.requests[0]!.path, `/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`);
  } finally {
    await s.close();
  }
});

test('400 with Twilio error 21211 (invalid To) is invalid_number; other 400s are failed', () =>
  withStandIn(async (s, sender) => {
    s.answerNext({
      status: 400,
      body: { code: 21211, message: "The 'To' number +14155550123 is not a valid phone number.", status: 400 },
    });
    const e = await rejectsWith(sender.send(MESSAGE), 'invalid_number');
    assert.match(e.message, /21211/);
    assert.equal(s.count, 1);
    s.answerNext({
      status: 400,
      body: { code: 21614, message: "'To' number is not a valid mobile number", status: 400 },
    });
    await rejectsWith(sender.send(MESSAGE), 'invalid_number');
    s.answerNext({
      status: 400,
      body: {
        code: 21606,
        message: "The 'From' phone number provided is not a valid message-capable Twilio phone number.",
        status: 400,
      },
    });
    await rejectsWith(sender.send(MESSAGE), 'failed');
    s.answerNext({ status: 400, body: 'not json' });
    await rejectsWith(sender.send(MESSAGE), 'failed');
    s.answerNext({ status: 401, body: { code: 20003, message: 'Authenticate', status: 401 } });
    await rejectsWith(sender.send(MESSAGE), 'failed');
    assert.equal(s.count, 5, 'no answer is retried');
  }));

test('500 is failed and not retried: Twilio may have acted, so exactly one request', () =>
  withStandIn(async (s, sender) => {
    s.answerNext({ status: 500, body: { code: 20500, message: 'Internal Server Error' } }); // a retry would be accepted (201)
    const e = await rejectsWith(sender.send(MESSAGE), 'failed');
    assert.match(e.message, /500/);
    // send() settles only after its retries, so the count is final here: no wait is needed.
    assert.equal(s.count, 1);
    s.answerNext({ status: 503 });
    await rejectsWith(sender.send(MESSAGE), 'failed');
    assert.equal(s.count, 2);
  }));

test('a Twilio that never answers: failed after the timeout (one retry), not hung', () =>
  withStandIn(async (s, sender) => {
    s.answerNext('hang', 'hang');
    const started = Date.now();
    const e = await rejectsWith(sender.send(MESSAGE), 'failed');
    const took = Date.now() - started;
    assert.match(e.message, /timed out/);
    assert.ok(took >= 550, `gave up after ${took} ms, before two 300 ms timeouts`);
    assert.ok(took < 3000, `took ${took} ms`);
    assert.equal(s.count, 2, 'a timeout is a network error: tried once more');
  }, 300));

test('a dropped connection is retried once and the retry delivers', () =>
  withStandIn(async (s, sender) => {
    s.answerNext('destroy');
    await sender.send(MESSAGE);
    assert.equal(s.count, 2);
    assert.deepEqual(
      s.texts().map((t) => t.body),
      [MESSAGE.body, MESSAGE.body],
    );
    // Twice dropped: failed, and no third try.
    s.answerNext('destroy', 'destroy', { status: 201 });
    await rejectsWith(sender.send(MESSAGE), 'failed');
    assert.equal(s.count, 4);
  }));

/** A port on 127.0.0.1 where nothing listens: connecting to it is refused. */
async function refusingPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}

test('connection refused: tried twice, then failed "could not be reached"', async () => {
  const port = await refusingPort();
  const sender = new TwilioSmsSender({
    accountSid: TWILIO_SID,
    authToken: TWILIO_TOKEN,
    from: TWILIO_FROM,
    baseUrl: `http://127.0.0.1:${port}`,
    timeoutMs: 2000,
  });
  const e = await rejectsWith(sender.send(MESSAGE), 'failed');
  assert.match(e.message, /could not be reached/);
});

test('the first connection is reset before any answer, the retry gets through: delivered once', async () => {
  // A TCP front that resets its first connection (RST, as a refusing or crashing peer does) and
  // relays every later one to the stand-in.
  const s = await TwilioStandIn.start();
  const back = Number(new URL(s.url).port);
  let connections = 0;
  const front = createServer((sock) => {
    connections += 1;
    if (connections === 1) {
      sock.resetAndDestroy();
      return;
    }
    const up = connect(back, '127.0.0.1');
    sock.pipe(up).pipe(sock);
    sock.on('error', () => up.destroy());
    up.on('error', () => sock.destroy());
  });
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  try {
    const { port } = front.address() as AddressInfo;
    await new TwilioSmsSender({
      accountSid: TWILIO_SID,
      authToken: TWILIO_TOKEN,
      from: TWILIO_FROM,
      baseUrl: `http://127.0.0.1:${port}`,
      timeoutMs: 2000,
    }).send(MESSAGE);
    assert.equal(connections, 2);
    assert.equal(s.count, 1, 'the message reached Twilio once');
    assert.equal(s.requests[0]!.form.get('To'), MESSAGE.to);
  } finally {
    await s.close();
    await new Promise<void>((r) => front.close(() => r()));
  }
});
