// A POST with a timeout and one retry on a network error (connection refused, reset, timeout).
// An HTTP answer, even a 5xx, is returned as is: the provider may have acted on the request.
import { SmsDeliveryError } from '../../core/ports/sms-sender.js';

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Names the provider in errors (never a secret). */
  what: string;
}

export async function postWithRetry(url: string, o: PostOptions): Promise<{ status: number; text: string }> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: o.headers,
        body: o.body,
        signal: AbortSignal.timeout(o.timeoutMs),
        redirect: 'manual',
      });
      return { status: res.status, text: (await res.text()).slice(0, 4096) };
    } catch (e) {
      lastError = e;
    }
  }
  const reason = lastError instanceof Error && lastError.name === 'TimeoutError' ? 'timed out' : 'could not be reached';
  throw new SmsDeliveryError('failed', `${o.what} ${reason}`);
}
