// With TWOFOLD_PUBLIC_URL set, signed requests must name exactly its host: `twofold configure`
// against another name of the same server (localhost for 127.0.0.1) is refused before anything
// is saved, and its one line says which URL to use instead of only "wrong key".
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { oneLine, startCliServer, type CliServer } from './cli-support.js';

let cli: CliServer;
before(async () => {
  cli = await startCliServer('public-url@example.com', { strictPublicUrl: true });
});
after(() => cli.stop());

test('configure on another host name than TWOFOLD_PUBLIC_URL: refused, the line names the URL to use', async () => {
  const other = cli.endpoint.replace('127.0.0.1', 'localhost');
  const r = await cli.twofold(['configure', '--endpoint', other, '--access-key-id', cli.key.id], {
    input: cli.key.secret,
  });
  assert.equal(r.code, 1);
  const line = oneLine(r);
  assert.ok(line.includes(`Signed requests must be made to ${cli.endpoint}`), line);
  assert.match(line, /refused access key \w+ \(401 invalid_signature\): Signed requests .*; nothing was saved$/);
  assert.equal(existsSync(join(cli.home, '.twofold', 'credentials')), false);
  const ok = await cli.twofold(['configure', '--endpoint', cli.endpoint, '--access-key-id', cli.key.id], {
    input: cli.key.secret,
  });
  assert.equal(ok.code, 0, ok.stderr);
});
