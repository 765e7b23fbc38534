// TWOFOLD_WEBHOOK_URL and TWOFOLD_WEBHOOK_SECRET (docs/admin.md "Security webhooks"): both or
// neither. Returns the problem as text; config.ts turns it into the ConfigError that stops start-up.

export interface WebhookConfig {
  url: string;
  /** Base64 of at least 32 random bytes: the HMAC-SHA256 key of the RFC 9421 signature. */
  secretBase64: string;
}

export function parseWebhookConfig(
  url: string | undefined,
  secret: string | undefined,
): { config: WebhookConfig | null } | { problem: string } {
  if (!url && !secret) return { config: null };
  if (!url) return { problem: 'TWOFOLD_WEBHOOK_URL: required when TWOFOLD_WEBHOOK_SECRET is set' };
  if (!secret) return { problem: 'TWOFOLD_WEBHOOK_SECRET: required when TWOFOLD_WEBHOOK_URL is set' };
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(secret) || Buffer.from(secret, 'base64').length < 32) {
    return {
      problem: 'TWOFOLD_WEBHOOK_SECRET: must be base64 of at least 32 random bytes (e.g. `openssl rand -base64 32`)',
    };
  }
  return { config: { url, secretBase64: secret } };
}
