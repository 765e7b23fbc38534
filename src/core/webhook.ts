// Security webhooks (docs/admin.md "Security webhooks"): the payload, the retry schedule and the
// signature. Pure: time and the nonce are arguments.
import { buildSignedHeaders } from './signatures/sign-request.js';

export const WEBHOOK_KEY_ID = 'twofold-webhook';
/** The first retry waits 10 s, each next one twice as long, at most 1 h apart. */
export const WEBHOOK_FIRST_RETRY_MS = 10_000;
export const WEBHOOK_MAX_RETRY_MS = 3_600_000;
/** A delivery still failing this long after it was enqueued is given up (state failed). */
export const WEBHOOK_GIVE_UP_MS = 24 * 3_600_000;

export interface WebhookEvent {
  /** Stable across retries: "event-<security log id>" or "audit-<admin audit id>". */
  id: string;
  type: string;
  at: number;
  userId: string | null;
  ip: string | null;
  userAgent: string | null;
  /** Already free of secrets: what the security log and the audit log hold. */
  data: Record<string, unknown> | null;
}

/** The JSON body: `at` as an RFC 3339 time, snake_case names like the rest of the API. */
export function webhookPayload(e: WebhookEvent): string {
  return JSON.stringify({
    id: e.id,
    type: e.type,
    at: new Date(e.at).toISOString(),
    user_id: e.userId,
    ip: e.ip,
    user_agent: e.userAgent,
    data: e.data ?? {},
  });
}

/** When the next attempt is due after `attempts` failed ones (1 = the first failure), or null to give up. */
export function nextWebhookAttempt(attempts: number, createdAt: number, now: number): number | null {
  const delay = Math.min(WEBHOOK_FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), WEBHOOK_MAX_RETRY_MS);
  const next = now + delay;
  return next - createdAt > WEBHOOK_GIVE_UP_MS ? null : next;
}

/** Signed like an access-key request: HMAC-SHA256 under the base64-decoded TWOFOLD_WEBHOOK_SECRET. */
export function webhookSignedHeaders(
  url: string,
  payload: string,
  secretBase64: string,
  nowMs: number,
  nonce: string,
): Record<string, string> {
  const headers = { 'content-type': 'application/json' };
  return {
    ...headers,
    ...buildSignedHeaders({
      method: 'POST',
      url,
      headers,
      body: payload,
      keyId: WEBHOOK_KEY_ID,
      secretBase64,
      scheme: 'rfc9421',
      nowMs,
      nonce,
    }),
  };
}
