// Rolling deploys: SIGTERM lets the requests in flight finish (within 10 s) while the instance
// stops being ready, then the process exits 0. The request in flight here is a sign-up whose body
// is still being uploaded when the signal arrives. SQLite, so it always runs.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request, type ClientRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PASSWORD, call, login, uniqueEmail } from './client.js';
import { Instance, killAll, outputLine } from './processes.js';

describe('graceful shutdown', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'twofold-drain-'));
  after(async () => {
    await killAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('SIGTERM: /readyz stops answering 200, the request in flight completes, the process exits 0 within 10 s', async (t) => {
    const env = { TWOFOLD_DATA_DIR: dataDir };
    // At debug level the server logs each request as its headers arrive, and it logs the signal
    // before it starts draining: the test waits for those lines, never for a guessed time.
    const server = await Instance.start('drain', { ...env, LOG_LEVEL: 'debug' });
    const email = uniqueEmail('drain');
    const body = JSON.stringify({ email, password: PASSWORD, client: 'app' });
    const half = Math.floor(body.length / 2);

    let req: ClientRequest | undefined;
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req = request(
        `${server.url}/v1/auth/signup`,
        { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
    });
    const arrived = outputLine(server.proc, /^(?=.*incoming request)(?=.*\/v1\/auth\/signup)/, 'the sign-up arrives');
    req!.flushHeaders();
    req!.write(body.slice(0, half));
    await arrived; // the server has the headers: the request is in flight

    const draining = outputLine(server.proc, /shutting down: draining/, 'the drain begins');
    const stopping = server.stop();
    await draining;
    const ready = await call(server.url, 'GET', '/readyz').then(
      (r) => `${r.status}`,
      () => 'refused',
    );
    t.diagnostic(`/readyz while draining: ${ready}`);
    assert.notEqual(ready, '200', 'a draining instance is not ready');

    req!.end(body.slice(half));
    const done = await answer;
    assert.equal(done.status, 201, done.text);
    const exit = await stopping;
    t.diagnostic(`exited ${exit.code} ${exit.ms.toFixed(0)} ms after SIGTERM`);
    assert.equal(exit.signal, null);
    assert.equal(exit.code, 0, server.proc.out.text);
    assert.ok(exit.ms < 10_000);

    // The sign-up that was in flight was committed, not lost.
    const next = await Instance.start('after-drain', env);
    assert.equal((await login(next.url, email)).status, 200);
    assert.equal((await next.stop()).code, 0);
  });
});
