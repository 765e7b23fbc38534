import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LogMailer, redactTokens } from './log-mailer.js';

function recordingLogger() {
  const lines: { obj: object; msg: string | undefined }[] = [];
  return { lines, info: (obj: object, msg?: string) => void lines.push({ obj, msg }) };
}

const resetMail = {
  to: 'alice@example.com',
  subject: 'Reset your Twofold password',
  text: 'Open http://127.0.0.1:8080/reset-password?token=Zm9vYmFy-_x within 30 minutes.',
};

describe('LogMailer', () => {
  test('logs to, subject and text in development', async () => {
    const logger = recordingLogger();
    await new LogMailer(logger, { redactLinks: false }).send(resetMail);
    assert.equal(logger.lines.length, 1);
    assert.deepEqual(logger.lines[0]?.obj, { mail: resetMail });
    assert.ok(logger.lines[0]?.msg);
  });

  test('redacts link tokens when redactLinks is on', async () => {
    const logger = recordingLogger();
    await new LogMailer(logger, { redactLinks: true }).send(resetMail);
    const logged = JSON.stringify(logger.lines);
    assert.doesNotMatch(logged, /Zm9vYmFy/);
    assert.match(logged, /reset-password\?token=\[redacted\] within 30 minutes/);
    assert.match(logged, /alice@example\.com/);
  });
});

describe('redactTokens', () => {
  test('replaces every token value and keeps the rest of the link', () => {
    assert.equal(
      redactTokens('a https://x.test/r?token=abc&next=/me#top and https://x.test/r?foo=1&token=def.'),
      'a https://x.test/r?token=[redacted]&next=/me#top and https://x.test/r?foo=1&token=[redacted]',
    );
  });

  test('matches any case and names ending in token', () => {
    assert.equal(redactTokens('?Token=abc ?reset_token=def'), '?Token=[redacted] ?reset_token=[redacted]');
  });

  test('leaves text without tokens alone', () => {
    assert.equal(redactTokens('Your second factor was turned off.'), 'Your second factor was turned off.');
  });
});
