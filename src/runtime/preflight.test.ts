// Start-up failures name the variable and what it must be (issue 14): PORT, HOST, an explicit
// SQLite path in a missing folder, a taken port, an unreachable PostgreSQL (never its password);
// production warns about the development stand-ins for SMS and mail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { checkPortFree, checkSqliteFolder, connectionRefusal, productionWarnings } from './preflight.js';
import { StartupError } from './startup-error.js';

const refusedWith = (pattern: RegExp) => (e: unknown) =>
  (e instanceof ConfigError || e instanceof StartupError) && pattern.test(e.message);

test('PORT must be a port number and HOST a name or address without a port', () => {
  for (const PORT of ['abc', '80a', '-1', '65536', '8080.5'])
    assert.throws(() => loadConfig({ PORT }), refusedWith(/^PORT: must be a port number/), PORT);
  assert.equal(loadConfig({ PORT: '0' }).port, 0);
  assert.equal(loadConfig({}).port, 8080);
  for (const HOST of ['0.0.0.0:80', 'http://localhost', 'local host', '[::1]:8080'])
    assert.throws(() => loadConfig({ HOST }), refusedWith(/^HOST: .*without a port/), HOST);
  for (const HOST of ['0.0.0.0', '::', '::1', 'localhost', 'api.example.com', '10.0.0.7'])
    assert.equal(loadConfig({ HOST }).host, HOST);
});

test('an explicit sqlite: path in a missing folder is refused, the data folder is the server’s to create', () => {
  const dir = mkdtempSync(join(tmpdir(), 'twofold-pre-'));
  try {
    const missing = loadConfig({ TWOFOLD_DATABASE_URL: 'sqlite:/nonexistent/dir/x.db' });
    assert.throws(
      () => checkSqliteFolder(missing),
      refusedWith(/^TWOFOLD_DATABASE_URL: the folder \/nonexistent\/dir does not exist/),
    );
    checkSqliteFolder(loadConfig({ TWOFOLD_DATA_DIR: join(dir, 'new-data') }));
    checkSqliteFolder(loadConfig({ TWOFOLD_DATABASE_URL: `sqlite:${join(dir, 'x.db')}` }));
    checkSqliteFolder(loadConfig({ TWOFOLD_DATABASE_URL: 'sqlite::memory:' }));
    assert.throws(
      () => checkSqliteFolder(loadConfig({ TWOFOLD_DATA_DIR: dir, TWOFOLD_AUTO_MIGRATE: 'false' })),
      refusedWith(/no Twofold schema: run `twofold migrate`/),
    );
    assert.ok(!existsSync(join(dir, 'new-data')) && !existsSync(join(dir, 'twofold.db')), 'nothing created');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a taken port is named with the variable to change; a free one passes and stays free', async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  const port = (blocker.address() as { port: number }).port;
  try {
    await assert.rejects(
      checkPortFree({ host: '127.0.0.1', port }),
      refusedWith(/^PORT: port \d+ on 127\.0\.0\.1 is in use/),
    );
  } finally {
    await new Promise<void>((r) => blocker.close(() => r()));
  }
  await checkPortFree({ host: '127.0.0.1', port });
  await checkPortFree({ host: '127.0.0.1', port }); // released: checking twice works
});

test('an unreachable PostgreSQL is named by variable and address, never with its password', () => {
  const e = connectionRefusal(
    'postgres://twofold:s3cret-pw@127.0.0.1:1/db',
    Object.assign(new Error('x'), { code: 'ECONNREFUSED' }),
  );
  assert.equal(e.message, 'TWOFOLD_DATABASE_URL: cannot connect to 127.0.0.1:1 (ECONNREFUSED)');
  const auth = connectionRefusal(
    'postgres://u:s3cret-pw@db.internal/db',
    new Error('password authentication failed for user "u"'),
  );
  assert.match(auth.message, /db\.internal:5432 \(password authentication failed/);
  assert.doesNotMatch(auth.message, /s3cret/);
});

test('production warns when texts and mails would only go to the log; development does not', () => {
  const prod = productionWarnings(loadConfig({ NODE_ENV: 'production' }));
  assert.equal(prod.length, 2);
  assert.match(prod[0]!, /TWOFOLD_SMS_PROVIDER is console/);
  assert.match(prod[1]!, /TWOFOLD_MAIL_URL is not set/);
  assert.deepEqual(productionWarnings(loadConfig({})), []);
  assert.deepEqual(
    productionWarnings(
      loadConfig({
        NODE_ENV: 'production',
        TWOFOLD_MAIL_URL: 'smtp://mail:25',
        TWOFOLD_SMS_PROVIDER: 'webhook',
        TWOFOLD_SMS_WEBHOOK_URL: 'https://sms.example',
        TWOFOLD_SMS_WEBHOOK_SECRET: Buffer.alloc(32, 7).toString('base64'),
      }),
    ),
    [],
  );
});
