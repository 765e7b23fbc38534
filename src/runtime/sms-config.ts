// The SMS provider's settings (TWOFOLD_SMS_PROVIDER and the variables of the chosen provider).
import { ConfigError } from './config-error.js';
import type { Raw } from './config.js';

/** How texts go out (TWOFOLD_SMS_PROVIDER): each provider carries exactly the settings it needs. */
export type SmsDelivery =
  | { provider: 'console' }
  | { provider: 'twilio'; accountSid: string; authToken: string; from: string; baseUrl: string }
  | { provider: 'webhook'; url: string; secret: string };

export type SmsConfig = SmsDelivery & { defaultRegion: string; countries: string[]; dailyLimit: number };

/** The provider's settings, each required one present (or ConfigError naming the first missing). */
export function parseSmsDelivery(r: Raw): SmsDelivery {
  const required = (name: keyof Raw & `TWOFOLD_${string}`, value: string | undefined): string => {
    if (!value) throw new ConfigError(`${name}: required when TWOFOLD_SMS_PROVIDER=${r.TWOFOLD_SMS_PROVIDER}`);
    return value;
  };
  switch (r.TWOFOLD_SMS_PROVIDER) {
    case 'twilio': {
      const accountSid = required('TWOFOLD_TWILIO_ACCOUNT_SID', r.TWOFOLD_TWILIO_ACCOUNT_SID);
      const authToken = required('TWOFOLD_TWILIO_AUTH_TOKEN', r.TWOFOLD_TWILIO_AUTH_TOKEN);
      const from = required('TWOFOLD_TWILIO_FROM', r.TWOFOLD_TWILIO_FROM);
      return { provider: 'twilio', accountSid, authToken, from, baseUrl: r.TWOFOLD_TWILIO_BASE_URL };
    }
    case 'webhook': {
      const url = required('TWOFOLD_SMS_WEBHOOK_URL', r.TWOFOLD_SMS_WEBHOOK_URL);
      const secret = required('TWOFOLD_SMS_WEBHOOK_SECRET', r.TWOFOLD_SMS_WEBHOOK_SECRET);
      return { provider: 'webhook', url, secret };
    }
    default:
      return { provider: 'console' };
  }
}
