// The security webhooks' durable outbox (docs/admin.md "Security webhooks"). A row is enqueued in
// the transaction that records the event; deliverers claim due rows with a lease (one conditional
// UPDATE, so two instances never both hold a row) and move them to delivered, back to pending with
// a later time, or to failed.

export type WebhookState = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  /** The delivery id the receiver de-duplicates on: the same on every retry. */
  id: string;
  type: string;
  /** The JSON body, exactly as sent (fixed at enqueue time, so every retry sends the same bytes). */
  payload: string;
  state: WebhookState;
  attempts: number;
  createdAt: number;
  nextAt: number;
  lastError: string | null;
  deliveredAt: number | null;
}

export interface WebhookOutboxStore {
  enqueue(d: { id: string; type: string; payload: string; createdAt: number }): Promise<void>;
  /**
   * Leases up to `limit` due pending rows to `owner` until `leaseUntil` with one conditional
   * UPDATE (rows whose lease is live are skipped), then returns the rows this owner now holds.
   */
  claim(owner: string, now: number, leaseUntil: number, limit: number): Promise<WebhookDelivery[]>;
  /** Only while `owner` still holds the lease; false when it no longer does. */
  markDelivered(id: string, owner: string, now: number): Promise<boolean>;
  retryLater(id: string, owner: string, nextAt: number, error: string): Promise<boolean>;
  markFailed(id: string, owner: string, error: string): Promise<boolean>;
  list(options: { state?: WebhookState; limit: number }): Promise<WebhookDelivery[]>;
  /** failed (or the one id, whatever its state) → pending, due at `now`; returns how many moved. */
  replay(target: { id: string } | { failed: true }, now: number): Promise<number>;
}
