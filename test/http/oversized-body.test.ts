// Oversized bodies against a real listening server: the client must read the 413 problem the
// contract promises, not a connection cut while it is still sending (EPIPE / ECONNRESET), on every
// route and content type, and nothing may change.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { startHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
let base: string;
before(async () => {
  h = await startHarness();
  base = await h.app.listen({ port: 0, host: '127.0.0.1' });
});
after(() => h.close());

const MB = 1024 * 1024;
const signupBody = (email: string, pad: number): string =>
  JSON.stringify({ email, password: 'x'.repeat(pad), client: 'app' });

async function assertProblemResponse(res: Response, status: number, code: string): Promise<void> {
  const text = await res.text();
  assert.equal(res.status, status, text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const body = JSON.parse(text) as { code: string; status: number };
  assert.equal(body.code, code);
  assert.equal(body.status, status);
}

/**
 * POSTs `total` bytes with node:http, writing 64 KiB chunks as fast as the socket takes them, and
 * answers the status, the body and any socket error the client saw while sending.
 */
function postRaw(
  path: string,
  headers: Record<string, string>,
  total: number,
): Promise<{ status: number; body: string; error?: string }> {
  const chunk = Buffer.alloc(64 * 1024, 0x78);
  return new Promise((resolve) => {
    let error: string | undefined;
    let answer: { status: number; body: string } | undefined;
    let closed = false;
    const settle = (): void => {
      if (answer && closed) resolve({ ...answer, ...(error ? { error } : {}) });
    };
    const req = http.request(`${base}${path}`, { method: 'POST', headers });
    req.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
      answer ??= { status: 0, body: '' };
    });
    req.on('close', () => {
      closed = true;
      settle();
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => {
        answer = { status: res.statusCode ?? 0, body };
        settle();
      });
    });
    let sent = 0;
    const write = (): void => {
      while (sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once('drain', write);
      }
      req.end();
    };
    write();
  });
}

test('oversized body gets a 413 problem, not a cut connection', async () => {
  const res = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: signupBody('big@example.com', 5 * MB),
  });
  await assertProblemResponse(res, 413, 'payload_too_large');

  // node:http reports the EPIPE a fetch can hide: the server must read every byte before answering.
  const raw = await postRaw(
    '/v1/auth/signup',
    { 'content-type': 'application/json', 'content-length': String(5 * MB) },
    5 * MB,
  );
  assert.equal(raw.error, undefined, 'the client saw its upload cut');
  assert.equal(raw.status, 413);
  assert.equal((JSON.parse(raw.body) as { code: string }).code, 'payload_too_large');

  // Nothing changed: the refused sign-up created no account, so the address is still free.
  const again = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: signupBody('big@example.com', 20),
  });
  assert.equal(again.status, 201, await again.text());
});

test('an oversized chunked body without content-length gets the 413 problem too', async () => {
  const chunk = new Uint8Array(64 * 1024).fill(0x78);
  let left = 80; // 5 MiB
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (left-- > 0) c.enqueue(chunk);
      else c.close();
    },
  });
  const res = await fetch(`${base}/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
    duplex: 'half',
  });
  await assertProblemResponse(res, 413, 'payload_too_large');
});

test('oversized bodies of any content type, on any route, are read before the refusal', async () => {
  const cases: { path: string; headers: Record<string, string>; status: number; code: string }[] = [
    { path: '/v1/auth/signup', headers: { 'content-type': 'text/plain' }, status: 413, code: 'payload_too_large' },
    {
      path: '/v1/auth/signup',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      status: 413,
      code: 'payload_too_large',
    },
    {
      path: '/v1/auth/signup',
      headers: { 'content-type': 'not a media type' },
      status: 415,
      code: 'unsupported_media_type',
    },
    {
      path: '/v1/me',
      headers: { 'content-type': 'application/json', authorization: 'Bearer nope' },
      status: 413,
      code: 'payload_too_large',
    },
    {
      path: '/v1/no-such-route',
      headers: { 'content-type': 'application/json' },
      status: 413,
      code: 'payload_too_large',
    },
    { path: '/healthz', headers: {}, status: 413, code: 'payload_too_large' },
  ];
  for (const c of cases) {
    const r = await postRaw(c.path, { ...c.headers, 'content-length': String(2 * MB) }, 2 * MB);
    assert.equal(r.error, undefined, `${c.path} ${JSON.stringify(c.headers)}: the upload was cut`);
    assert.equal(r.status, c.status, `${c.path} ${JSON.stringify(c.headers)}: ${r.body}`);
    assert.equal((JSON.parse(r.body) as { code: string }).code, c.code);
  }
});

test('a body beyond 10 MB may close the connection, and the server keeps serving', async () => {
  const answer = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: signupBody('huge@example.com', 12 * MB),
  }).then(
    async (res) => ({ status: res.status, text: await res.text() }),
    (e: Error) => ({ status: 0, text: String((e.cause as Error | undefined)?.message ?? e.message) }),
  );
  // Either the 413 arrived before the close, or the connection was cut: both are allowed past 10 MB.
  assert.ok(answer.status === 413 || answer.status === 0, `${answer.status} ${answer.text}`);

  const health = await fetch(`${base}/healthz`);
  assert.equal(health.status, 200);
  const ok = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: signupBody('huge@example.com', 20),
  });
  assert.equal(ok.status, 201, 'the refused body created no account');
});

test('a body within the limit is still parsed', async () => {
  const res = await fetch(`${base}/v1/auth/signup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: 'small@example.com',
      password: 'correct horse battery staple',
      client: 'app',
      pad: 'y'.repeat(60 * 1024),
    }),
  });
  assert.notEqual(res.status, 413, await res.text());
});
