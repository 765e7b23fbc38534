/** Sends one signed webhook POST; throws on a network error (refused, reset, timed out). */
export interface WebhookTransport {
  post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number }>;
}
