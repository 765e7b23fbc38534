import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startTestSmtpServer, type TestSmtpServer } from '../../../test/helpers/smtp.js';
import { SmtpMailer } from './smtp-mailer.js';

const FROM = 'Twofold <no-reply@twofold.test>';

describe('SmtpMailer', () => {
  let server: TestSmtpServer;
  before(async () => {
    server = await startTestSmtpServer();
  });
  after(async () => {
    await server.close();
  });

  test('delivers to, from, subject and plain text', async () => {
    const mailer = new SmtpMailer({ url: server.url, from: FROM });
    try {
      const text =
        'Reset your password:\nhttp://127.0.0.1:8080/reset-password?token=abc123\n\nIgnore this if it was not you.';
      await mailer.send({ to: 'alice@example.com', subject: 'Reset your Twofold password', text });
      await server.waitFor(1);
      const mail = server.messages.at(-1);
      assert.ok(mail);
      assert.deepEqual(mail.to, ['alice@example.com']);
      assert.equal(mail.from, 'no-reply@twofold.test');
      assert.equal(mail.subject, 'Reset your Twofold password');
      assert.equal(mail.text, text);
      assert.equal(mail.hasHtml, false);
    } finally {
      await mailer.close();
    }
  });

  test('non-ASCII subject and text survive', async () => {
    const mailer = new SmtpMailer({ url: server.url, from: FROM });
    try {
      const before = server.messages.length;
      await mailer.send({ to: 'bob@example.com', subject: 'Sécurité — nouvel appareil', text: 'Connexion réussie ✓' });
      await server.waitFor(before + 1);
      assert.equal(server.messages.at(-1)?.subject, 'Sécurité — nouvel appareil');
      assert.equal(server.messages.at(-1)?.text, 'Connexion réussie ✓');
    } finally {
      await mailer.close();
    }
  });

  test('logs in with the credentials of the URL', async () => {
    const url = `smtp://mailuser:${encodeURIComponent('p@ss word')}@127.0.0.1:${server.port}`;
    const mailer = new SmtpMailer({ url, from: FROM });
    try {
      const before = server.messages.length;
      await mailer.send({ to: 'carol@example.com', subject: 'Hello', text: 'Hi' });
      await server.waitFor(before + 1);
      assert.equal(server.messages.at(-1)?.user, 'mailuser');
    } finally {
      await mailer.close();
    }
  });
});

describe('SmtpMailer failures', () => {
  test('a server that rejects the recipient gives a rejected promise naming no secret', async () => {
    const rejecting = await startTestSmtpServer({ rejectRecipients: true });
    const mailer = new SmtpMailer({ url: `smtp://mailuser:hunter2-secret@127.0.0.1:${rejecting.port}`, from: FROM });
    try {
      await assert.rejects(mailer.send({ to: 'nobody@example.com', subject: 'S', text: 'T' }), (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.doesNotMatch(err.message, /hunter2|mailuser/);
        assert.doesNotMatch(err.message, /nobody@example\.com/);
        assert.match(err.message, /smtp:\/\/127\.0\.0\.1:\d+/);
        assert.match(err.message, /550/);
        return true;
      });
      assert.equal(rejecting.messages.length, 0);
    } finally {
      await mailer.close();
      await rejecting.close();
    }
  });

  test('an unreachable server gives a rejected promise naming no secret', async () => {
    // A port that was just free: nothing listens there any more.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const mailer = new SmtpMailer({
      url: `smtps://mailuser:hunter2-secret@127.0.0.1:${port}`,
      from: FROM,
      connectionTimeoutMs: 2_000,
    });
    try {
      await assert.rejects(mailer.send({ to: 'a@example.com', subject: 'S', text: 'T' }), (err: unknown) => {
        assert.ok(err instanceof Error);
        assert.doesNotMatch(err.message, /hunter2|mailuser/);
        assert.equal(err.cause, undefined);
        return true;
      });
    } finally {
      await mailer.close();
    }
  });

  test('a URL that is not smtp(s) is refused without quoting it', () => {
    for (const url of ['http://user:hunter2@example.com', 'not a url hunter2']) {
      assert.throws(
        () => new SmtpMailer({ url, from: FROM }),
        (err: unknown) => {
          assert.ok(err instanceof Error);
          assert.doesNotMatch(err.message, /hunter2/);
          return true;
        },
      );
    }
  });
});
