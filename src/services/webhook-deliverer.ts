// Delivers the security webhook outbox (docs/admin.md "Security webhooks"): claims a batch of due
// rows with a lease, POSTs each signed payload, then marks it delivered, due again later (10 s
// doubling to 1 h) or failed (after 24 h). At-least-once: a crash after the POST and before the
// mark sends it again once the lease runs out, with the same id for the receiver to de-duplicate.
import type { Clock } from '../core/ports/clock.js';
import type { Logger } from '../core/ports/logger.js';
import type { Random } from '../core/ports/random.js';
import type { WebhookOutboxStore } from '../core/ports/webhook-outbox-store.js';
import type { WebhookTransport } from '../core/ports/webhook-transport.js';
import { nextWebhookAttempt, webhookSignedHeaders } from '../core/webhook.js';

/** Longer than a POST can take (its timeout is 10 s), so a live deliverer never loses its lease. */
const LEASE_MS = 60_000;
const BATCH = 20;

export interface WebhookDelivererDeps {
  clock: Clock;
  random: Random;
  logger: Logger;
  outbox: WebhookOutboxStore;
  transport: WebhookTransport;
  url: string;
  secretBase64: string;
}

export interface DeliveryRound {
  delivered: number;
  retrying: number;
  failed: number;
}

export class WebhookDeliverer {
  constructor(private readonly deps: WebhookDelivererDeps) {}

  /** One round: every due row this instance could claim, attempted once. */
  async deliverDue(): Promise<DeliveryRound> {
    const { clock, outbox } = this.deps;
    const owner = Buffer.from(this.deps.random.bytes(12)).toString('base64url');
    const now = clock.now();
    const rows = await outbox.claim(owner, now, now + LEASE_MS, BATCH);
    const round: DeliveryRound = { delivered: 0, retrying: 0, failed: 0 };
    for (const row of rows) {
      const error = await this.attempt(row.payload);
      const at = clock.now();
      if (error === null) {
        if (await outbox.markDelivered(row.id, owner, at)) round.delivered++;
        continue;
      }
      const next = nextWebhookAttempt(row.attempts + 1, row.createdAt, at);
      if (next === null) {
        if (await outbox.markFailed(row.id, owner, error)) round.failed++;
        this.deps.logger.warn({ webhookId: row.id, type: row.type, error }, 'security webhook given up');
      } else if (await outbox.retryLater(row.id, owner, next, error)) {
        round.retrying++;
      }
    }
    return round;
  }

  /** null when the receiver answered 2xx, else why not (kept in the outbox for the operator). */
  private async attempt(payload: string): Promise<string | null> {
    const { url, secretBase64, clock, random } = this.deps;
    const nonce = Buffer.from(random.bytes(12)).toString('base64url');
    const headers = webhookSignedHeaders(url, payload, secretBase64, clock.now(), nonce);
    try {
      const res = await this.deps.transport.post(url, headers, payload);
      return res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}`;
    } catch (e) {
      const name = e instanceof Error ? e.name : '';
      return name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    }
  }
}
