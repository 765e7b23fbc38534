// The verification example in docs/admin.md ("Security webhooks") runs as written: it accepts a
// delivery as Twofold signs it and refuses a changed body or another secret.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { webhookSignedHeaders } from '../../src/core/webhook.js';

type Verify = (url: string, h: Record<string, string>, raw: Buffer, secret: string) => boolean;

test('the documented Node.js verifier accepts a genuine delivery and refuses a forged one', async () => {
  const doc = readFileSync(new URL('../../docs/admin.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Security webhooks'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, 'the section has a js example');
  const dir = mkdtempSync(join(tmpdir(), 'twofold-doc-'));
  try {
    writeFileSync(join(dir, 'verify.mjs'), code);
    const { verifyTwofoldWebhook } = (await import(pathToFileURL(join(dir, 'verify.mjs')).href)) as {
      verifyTwofoldWebhook: Verify;
    };
    const secret = randomBytes(32).toString('base64');
    const url = 'https://hooks.example.com/twofold?source=prod';
    const body = '{"id":"event-1","type":"signin.succeeded"}';
    const signed = webhookSignedHeaders(url, body, secret, Date.now(), 'n0nce');
    const h = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(verifyTwofoldWebhook(url, h, Buffer.from(body), secret), true);
    assert.equal(verifyTwofoldWebhook(url, h, Buffer.from(body.replace('1', '2')), secret), false);
    assert.equal(verifyTwofoldWebhook(url, h, Buffer.from(body), randomBytes(32).toString('base64')), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
