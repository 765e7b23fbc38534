// The security webhooks' HTTP POST: a timeout, no redirects (a 3xx is not a delivery), the body
// of the answer read and dropped.
import type { WebhookTransport } from '../../core/ports/webhook-transport.js';

export class FetchWebhookTransport implements WebhookTransport {
  constructor(private readonly timeoutMs = 10_000) {}

  async post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number }> {
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
      redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status };
  }
}
