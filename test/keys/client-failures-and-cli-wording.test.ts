// TwofoldClient's (src/client/twofold-client.ts) failures that are not a refusal: a server that is
// not there (status 0 network_error naming the endpoint), answers that are not Twofold problems, an
// endpoint that is no http(s) URL; and the CLI's one-line wording of failures, with what to do.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { TwofoldApiError, TwofoldClient } from '../../src/client/twofold-client.js';
import { UsageError, describeFailure } from '../../src/cli/client-context.js';
import { rejectsWith } from './client-support.js';

async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('transport failures', () => {
  test('a server that is not there: status 0 network_error naming the endpoint', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    const e = await rejectsWith(
      new TwofoldClient({
        endpoint,
        credentials: { keyId: 'AAAAAAAAAAAAAAAAAAAA', secret: Buffer.alloc(30).toString('base64') },
      }).me(),
      0,
      'network_error',
    );
    assert.equal(e.reason, 'ECONNREFUSED');
    assert.ok(e.message.includes(endpoint), e.message);
    assert.equal(e.endpoint, endpoint);
  });

  test('answers that are not Twofold problems', async () => {
    const html = (status: number) =>
      (async () =>
        new Response('<html>gateway</html>', { status, headers: { 'content-type': 'text/html' } })) as typeof fetch;
    const e = await rejectsWith(
      new TwofoldClient({ endpoint: 'http://x.test', fetch: html(502) }).me(),
      502,
      'http_502',
    );
    assert.match(e.detail, /is the endpoint a Twofold server/);
    await rejectsWith(new TwofoldClient({ endpoint: 'http://x.test', fetch: html(200) }).me(), 200, 'invalid_response');
  });

  test('the constructor refuses an endpoint that is not an http(s) URL', () => {
    assert.throws(() => new TwofoldClient({ endpoint: 'localhost:8080' }), /not a URL|http/);
    assert.throws(() => new TwofoldClient({ endpoint: 'ftp://x' }), /http/);
  });
});

describe('the CLI wording of failures (one line, what to do)', () => {
  const err = (init: Partial<ConstructorParameters<typeof TwofoldApiError>[0]>) =>
    new TwofoldApiError({
      status: 401,
      code: 'invalid_signature',
      title: 't',
      detail: 'd',
      request: 'GET /v1/me',
      endpoint: 'http://127.0.0.1:8080',
      ...init,
    });

  test('401: the key may be wrong or disabled, or the clock is off (by how much when the server says)', () => {
    const { line, exitCode } = describeFailure(err({}), { what: 'whoami' });
    assert.equal(exitCode, 1);
    assert.match(line, /^whoami failed: .*access key may be wrong or disabled, or this computer's clock is off/);
    const skewed = describeFailure(err({ serverTimeMs: Date.now() - 10 * 60_000 }), { what: 'whoami' }).line;
    assert.match(skewed, /clock is about 10 minutes ahead of the server's/);
  });
  test('network: the server at URL is not reachable', () => {
    const { line } = describeFailure(err({ status: 0, code: 'network_error', reason: 'ECONNREFUSED' }), {
      what: 'whoami',
    });
    assert.match(
      line,
      /the Twofold server at http:\/\/127\.0\.0\.1:8080 is not reachable \(ECONNREFUSED\); .*--endpoint/,
    );
  });
  test('usage mistakes exit 2; nothing has a line break', () => {
    assert.deepEqual(describeFailure(new UsageError('bad'), { what: 'x' }), { line: 'bad', exitCode: 2 });
    for (const code of [
      'reauthentication_failed',
      'access_key_limit',
      'replayed_signature',
      'internal_error',
      'too_many_requests',
    ]) {
      const status = code === 'internal_error' ? 500 : code === 'too_many_requests' ? 429 : 409;
      assert.doesNotMatch(describeFailure(err({ status, code }), { what: 'x' }).line, /\n/);
    }
  });
});
