// The security webhooks' schedule and payload (docs/admin.md "Security webhooks").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextWebhookAttempt, webhookPayload, WEBHOOK_GIVE_UP_MS } from './webhook.js';

test('retries wait 10 s, doubling, at most an hour apart, and stop 24 hours after the event', () => {
  const t0 = 1_700_000_000_000;
  assert.equal(nextWebhookAttempt(1, t0, t0), t0 + 10_000);
  assert.equal(nextWebhookAttempt(2, t0, t0), t0 + 20_000);
  assert.equal(nextWebhookAttempt(3, t0, t0), t0 + 40_000);
  assert.equal(nextWebhookAttempt(20, t0, t0), t0 + 3_600_000);
  assert.equal(nextWebhookAttempt(60, t0, t0 + WEBHOOK_GIVE_UP_MS - 3_600_000), t0 + WEBHOOK_GIVE_UP_MS);
  assert.equal(nextWebhookAttempt(60, t0, t0 + WEBHOOK_GIVE_UP_MS - 1), null);
});

test('the payload has exactly id, type, at, user_id, ip, user_agent and data', () => {
  const body = JSON.parse(
    webhookPayload({
      id: 'event-7',
      type: 'signin.succeeded',
      at: 0,
      userId: 'u1',
      ip: null,
      userAgent: null,
      data: null,
    }),
  ) as Record<string, unknown>;
  assert.deepEqual(body, {
    id: 'event-7',
    type: 'signin.succeeded',
    at: '1970-01-01T00:00:00.000Z',
    user_id: 'u1',
    ip: null,
    user_agent: null,
    data: {},
  });
});
