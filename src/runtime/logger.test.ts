import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createLogger, usePrettyLogs } from './logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n'))
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ logLevel: 'info' }, stream) };
}

test("a refusal's problem code is logged as it is: the operator sees why", () => {
  const { lines, logger } = capture();
  logger.info({ code: 'invalid_code' }, 'request refused');
  assert.equal(lines[0]?.code, 'invalid_code');
});

test('passwords, tokens, secrets, recovery codes and credentials headers are redacted wherever they appear', () => {
  const { lines, logger } = capture();
  logger.info(
    {
      password: 'hunter2hunter2',
      token: 'tok',
      secret: 's3cret',
      recovery_code: 'AAAAA-BBBBB-CCCCC-DDDDD',
      body: { password: 'p', token: 't', secret: 's', recovery_code: 'r' },
      req: { headers: { authorization: 'Bearer x', cookie: 'twofold_session=y', signature: 'sig=:z:' } },
    },
    'x',
  );
  const text = JSON.stringify(lines[0]);
  for (const secret of [
    'hunter2hunter2',
    'tok"',
    's3cret',
    'AAAAA-BBBBB',
    'Bearer x',
    'twofold_session=y',
    'sig=:z:',
    '"p"',
    '"t"',
    '"s"',
    '"r"',
  ]) {
    assert.equal(text.includes(secret), false, `${secret} leaked: ${text}`);
  }
});

test('pretty lines only for a terminal outside production; JSON when piped or in production', () => {
  assert.equal(usePrettyLogs({ isTTY: true, production: false }), true);
  assert.equal(usePrettyLogs({ isTTY: true, production: true }), false);
  assert.equal(usePrettyLogs({ isTTY: false, production: false }), false);
  assert.equal(usePrettyLogs({ isTTY: undefined, production: false }), false);
});

test('pretty-printed lines keep the problem code and redact the secrets as JSON does', () => {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const logger = createLogger({ logLevel: 'info' }, stream, { pretty: true });
  logger.info({ code: 'invalid_code', password: 'hunter2hunter2', body: { token: 'tok-abc' } }, 'request refused');
  assert.match(text, /INFO.*request refused/);
  assert.match(text, /code: "invalid_code"/);
  assert.doesNotMatch(text, /hunter2hunter2|tok-abc/);
  assert.match(text, /\[redacted\]/);
  assert.throws(() => JSON.parse(text.split('\n')[0]!), 'not JSON');
});
