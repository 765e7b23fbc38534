/** One text message: `code` is given separately for adapters (webhook) that pass it on. */
export interface SmsMessage {
  to: string;
  body: string;
  code: string;
}

/** What a provider's refusal means for the user: a bad number, or a failure to deliver. */
export class SmsDeliveryError extends Error {
  constructor(
    readonly kind: 'invalid_number' | 'failed',
    message: string,
  ) {
    super(message);
    this.name = 'SmsDeliveryError';
  }
}

export interface SmsSender {
  /** Resolves when the provider accepted the message; throws SmsDeliveryError otherwise. */
  send(message: SmsMessage): Promise<void>;
}
