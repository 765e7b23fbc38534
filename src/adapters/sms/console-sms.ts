// Development delivery: the message goes to the log. In production the code is redacted and a
// warning says that no text was sent (shared/API.md, TWOFOLD_SMS_PROVIDER=console).
import type { Logger } from '../../core/ports/logger.js';
import type { SmsMessage, SmsSender } from '../../core/ports/sms-sender.js';
import { maskPhone } from '../../core/phone.js';

export class ConsoleSmsSender implements SmsSender {
  constructor(
    private readonly logger: Logger,
    private readonly production: boolean,
  ) {}

  async send(m: SmsMessage): Promise<void> {
    if (this.production) {
      this.logger.warn(
        { to: maskPhone(m.to) },
        'TWOFOLD_SMS_PROVIDER=console in production: no text message was sent (code redacted)',
      );
      return;
    }
    // Development only: printing the code is the point of this adapter.
    this.logger.info({ to: m.to, sms: m.body }, 'text message (console provider)');
  }
}
