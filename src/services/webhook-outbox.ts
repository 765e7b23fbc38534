// Puts a security event in the webhook outbox (docs/admin.md "Security webhooks"). Called by the
// event log and the admin audit with the stores of the transaction that records the event.
import type { Stores } from '../core/ports/stores.js';
import { webhookPayload, type WebhookEvent } from '../core/webhook.js';

export async function enqueueWebhook(stores: Pick<Stores, 'webhooks'>, e: WebhookEvent): Promise<void> {
  await stores.webhooks.enqueue({ id: e.id, type: e.type, payload: webhookPayload(e), createdAt: e.at });
}
