import type { MailMessage, Mailer } from '../../core/ports/mailer.js';

/**
 * The mailer when TWOFOLD_MAIL_URL is unset: each mail is written to the log instead of sent, so
 * a developer can follow a reset link straight from the console.
 *
 * In production a log is read by more people, and kept longer, than a mailbox: a reset link there
 * would let anyone who can read the logs take over the account. With redactLinks the token in any
 * `token=…` query value is replaced before the text reaches the logger.
 */

/** The one logger method used; pino's Logger satisfies it. */
export interface MailLogger {
  info(obj: object, msg?: string): void;
}

export interface LogMailerOptions {
  /** Replace link tokens with `[redacted]` (NODE_ENV=production). */
  redactLinks: boolean;
}

export class LogMailer implements Mailer {
  constructor(
    private readonly logger: MailLogger,
    private readonly options: LogMailerOptions = { redactLinks: false },
  ) {}

  async send(message: MailMessage): Promise<void> {
    const text = this.options.redactLinks ? redactTokens(message.text) : message.text;
    this.logger.info(
      { mail: { to: message.to, subject: message.subject, text } },
      'mail not sent (TWOFOLD_MAIL_URL is unset); logged instead',
    );
  }
}

/**
 * Every `token=` value up to the end of the query parameter. Any name ending in `token`
 * (`reset_token=`, `Token=`) matches too: redacting one more value is harmless, missing one is not.
 */
const TOKEN_VALUE = /(token=)[^\s&#"'<>]+/gi;

export function redactTokens(text: string): string {
  return text.replace(TOKEN_VALUE, '$1[redacted]');
}
