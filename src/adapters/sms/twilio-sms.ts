// Twilio's Messages API: POST {base}/2010-04-01/Accounts/{sid}/Messages.json with form fields To,
// From and Body, HTTP Basic with the account SID and auth token. 5 s timeout; one retry on a
// network error (never on an answer, so a message is not sent twice after Twilio accepted it).
import type { SmsMessage, SmsSender } from '../../core/ports/sms-sender.js';
import { SmsDeliveryError } from '../../core/ports/sms-sender.js';
import { postWithRetry } from './http-post.js';

export interface TwilioOptions {
  accountSid: string;
  authToken: string;
  from: string;
  baseUrl: string;
  timeoutMs?: number;
}

/** Twilio error codes that mean the number itself is wrong (21211 invalid 'To', 21614 not mobile…). */
const INVALID_NUMBER_CODES = new Set([21211, 21214, 21217, 21219, 21401, 21407, 21408, 21421, 21610, 21612, 21614]);

export class TwilioSmsSender implements SmsSender {
  constructor(private readonly o: TwilioOptions) {}

  async send(m: SmsMessage): Promise<void> {
    const url = `${this.o.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(this.o.accountSid)}/Messages.json`;
    const body = new URLSearchParams({ To: m.to, From: this.o.from, Body: m.body }).toString();
    const res = await postWithRetry(url, {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${this.o.accountSid}:${this.o.authToken}`).toString('base64')}`,
      },
      body,
      timeoutMs: this.o.timeoutMs ?? 5000,
      what: 'Twilio',
    });
    if (res.status >= 200 && res.status < 300) return;
    let code: number | undefined;
    try {
      code = (JSON.parse(res.text) as { code?: number }).code;
    } catch {
      code = undefined;
    }
    if (res.status === 400 && code !== undefined && INVALID_NUMBER_CODES.has(code)) {
      throw new SmsDeliveryError('invalid_number', `Twilio refused the number (error ${code})`);
    }
    throw new SmsDeliveryError('failed', `Twilio answered ${res.status}${code ? ` (error ${code})` : ''}`);
  }
}
