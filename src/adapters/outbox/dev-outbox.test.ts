import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualClock } from '../../core/ports/clock.js';
import type { MailMessage } from '../../core/ports/mailer.js';
import { DevOutbox, OutboxMailer, OutboxSmsSender, devOutboxEnabled } from './dev-outbox.js';

const dev = { production: false, mailUrl: undefined, smsProvider: 'console', host: '127.0.0.1' };

describe('devOutboxEnabled', () => {
  test('on in development with both console providers on a loopback listener', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1', '[::1]']) {
      assert.equal(devOutboxEnabled({ ...dev, host }), true, host);
    }
  });

  test('off in production, with real mail, with a real SMS provider, or listening beyond loopback', () => {
    assert.equal(devOutboxEnabled({ ...dev, production: true }), false);
    assert.equal(devOutboxEnabled({ ...dev, mailUrl: 'smtp://mail:25' }), false);
    assert.equal(devOutboxEnabled({ ...dev, smsProvider: 'twilio' }), false);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', 'example.com', '127.0.0.1.example.com']) {
      assert.equal(devOutboxEnabled({ ...dev, host }), false, host);
    }
  });
});

describe('DevOutbox', () => {
  test('keeps the newest entries up to its capacity, newest first, stamped with the clock', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const outbox = new DevOutbox(clock, 3);
    for (let i = 1; i <= 5; i++) {
      outbox.record({ kind: 'sms', to: `+1${i}`, subject: null, text: `code ${i}` });
      clock.advance(1000);
    }
    const list = outbox.list();
    assert.deepEqual(
      list.map((e) => [e.id, e.to]),
      [
        [5, '+15'],
        [4, '+14'],
        [3, '+13'],
      ],
    );
    assert.equal(list[0]?.at, '2026-01-01T00:00:04.000Z');
  });

  test('the wrappers pass each message on first and keep it only once it was handed over', async () => {
    const outbox = new DevOutbox(new ManualClock());
    const seen: MailMessage[] = [];
    await new OutboxMailer({ send: async (m) => void seen.push(m) }, outbox).send({
      to: 'a@example.com',
      subject: 'Hi',
      text: 'Open http://x/verify-email?token=abc',
    });
    assert.equal(seen.length, 1);
    const failing = new OutboxSmsSender(
      {
        send: async () => {
          throw new Error('down');
        },
      },
      outbox,
    );
    await assert.rejects(failing.send({ to: '+1', body: 'Your code is 123456', code: '123456' }));
    assert.deepEqual(
      outbox.list().map((e) => [e.kind, e.to, e.subject]),
      [['mail', 'a@example.com', 'Hi']],
    );
  });
});
