// TWOFOLD_WEBHOOK_URL and TWOFOLD_WEBHOOK_SECRET: half a configuration, or a weak secret, stops
// start-up with a line naming the variable (a webhook signed with a guessable key proves nothing).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/runtime/config.js';

const base = {
  TWOFOLD_SECRET_KEYS: `k1:${randomBytes(32).toString('base64')}`,
  TWOFOLD_DATABASE_URL: 'sqlite::memory:',
};
const refused = (env: Record<string, string>, name: string) =>
  assert.throws(
    () => loadConfig({ ...base, ...env }),
    (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${name}:`),
  );

test('a webhook URL without a secret, or a secret without a URL, stops start-up naming the missing one', () => {
  refused({ TWOFOLD_WEBHOOK_URL: 'https://hooks.example.com/t' }, 'TWOFOLD_WEBHOOK_SECRET');
  refused({ TWOFOLD_WEBHOOK_SECRET: randomBytes(32).toString('base64') }, 'TWOFOLD_WEBHOOK_URL');
});

test('a short or non-base64 secret, or a URL that is not http(s), stops start-up', () => {
  const url = { TWOFOLD_WEBHOOK_URL: 'https://hooks.example.com/t' };
  refused({ ...url, TWOFOLD_WEBHOOK_SECRET: randomBytes(16).toString('base64') }, 'TWOFOLD_WEBHOOK_SECRET');
  refused(
    { ...url, TWOFOLD_WEBHOOK_SECRET: 'not base64 at all, but long enough to pass a length check' },
    'TWOFOLD_WEBHOOK_SECRET',
  );
  refused(
    { TWOFOLD_WEBHOOK_URL: 'ftp://hooks.example.com/t', TWOFOLD_WEBHOOK_SECRET: randomBytes(32).toString('base64') },
    'TWOFOLD_WEBHOOK_URL',
  );
});

test('both set: webhooks on; neither: off', () => {
  const secret = randomBytes(32).toString('base64');
  const on = loadConfig({
    ...base,
    TWOFOLD_WEBHOOK_URL: 'https://hooks.example.com/t',
    TWOFOLD_WEBHOOK_SECRET: secret,
  });
  assert.deepEqual(on.webhook, { url: 'https://hooks.example.com/t', secretBase64: secret });
  assert.equal(loadConfig(base).webhook, null);
});
