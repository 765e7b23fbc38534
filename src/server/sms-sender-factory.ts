// Chooses the SMS delivery adapter named by TWOFOLD_SMS_PROVIDER (config has checked its settings).
import type pino from 'pino';
import { ConsoleSmsSender } from '../adapters/sms/console-sms.js';
import { TwilioSmsSender } from '../adapters/sms/twilio-sms.js';
import { WebhookSmsSender } from '../adapters/sms/webhook-sms.js';
import type { SmsSender } from '../core/ports/sms-sender.js';
import type { Config } from '../runtime/config.js';

export function createSmsSender(config: Readonly<Config>, logger: pino.Logger): SmsSender {
  const { sms } = config;
  switch (sms.provider) {
    case 'twilio':
      return new TwilioSmsSender({
        accountSid: sms.accountSid,
        authToken: sms.authToken,
        from: sms.from,
        baseUrl: sms.baseUrl,
      });
    case 'webhook':
      return new WebhookSmsSender(sms.url, sms.secret);
    case 'console':
      return new ConsoleSmsSender(logger, config.production);
  }
}
