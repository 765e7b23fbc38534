// Webhook delivery: POST {"to","body","code"} as JSON to TWOFOLD_SMS_WEBHOOK_URL, signed exactly
// like an access-key request (RFC 9421, hmac-sha256, covering @method @authority @target-uri date
// content-digest) with the base64 secret TWOFOLD_SMS_WEBHOOK_SECRET, keyid "twofold-sms-webhook",
// so the receiver verifies it with the same code that verifies our API clients.
import { randomBytes } from 'node:crypto';
import { buildSignedHeaders } from '../../core/signatures/sign-request.js';
import type { SmsMessage, SmsSender } from '../../core/ports/sms-sender.js';
import { SmsDeliveryError } from '../../core/ports/sms-sender.js';
import { postWithRetry } from './http-post.js';

export const WEBHOOK_KEY_ID = 'twofold-sms-webhook';

export class WebhookSmsSender implements SmsSender {
  constructor(
    private readonly url: string,
    private readonly secretBase64: string,
    private readonly timeoutMs = 5000,
  ) {}

  async send(m: SmsMessage): Promise<void> {
    const body = JSON.stringify({ to: m.to, body: m.body, code: m.code });
    const headers = { 'content-type': 'application/json' };
    const signed = buildSignedHeaders({
      method: 'POST',
      url: this.url,
      headers,
      body,
      keyId: WEBHOOK_KEY_ID,
      secretBase64: this.secretBase64,
      scheme: 'rfc9421',
      nowMs: Date.now(),
      nonce: randomBytes(12).toString('base64url'),
    });
    const res = await postWithRetry(this.url, {
      headers: { ...headers, ...signed },
      body,
      timeoutMs: this.timeoutMs,
      what: 'The SMS webhook',
    });
    if (res.status >= 200 && res.status < 300) return;
    if (res.status === 422) throw new SmsDeliveryError('invalid_number', 'The SMS webhook refused the number');
    throw new SmsDeliveryError('failed', `The SMS webhook answered ${res.status}`);
  }
}
