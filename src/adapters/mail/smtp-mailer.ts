import { createTransport } from 'nodemailer';
import type { MailMessage, Mailer } from '../../core/ports/mailer.js';

/**
 * Sends Twofold's notices and reset links through an SMTP server named by TWOFOLD_MAIL_URL
 * (`smtp://user:pass@host:587`, STARTTLS when offered, or `smtps://user:pass@host:465`).
 *
 * The URL holds the SMTP password, so no error leaving this file quotes it, nor the server's
 * free-text reply (which may echo the recipient's address into logs): failures are described by
 * their codes only.
 */

export interface SmtpMailerOptions {
  /** `smtp://…` or `smtps://…`, with credentials when the server wants them. */
  url: string;
  /** Sender, e.g. `Twofold <no-reply@example.com>`. */
  from: string;
  /** Milliseconds to wait for a connection, the greeting, and then any reply (defaults below). */
  connectionTimeoutMs?: number;
  greetingTimeoutMs?: number;
  socketTimeoutMs?: number;
}

// nodemailer's defaults (2 min to connect, 10 min idle) would hold a request open far too long.
const DEFAULT_CONNECTION_TIMEOUT_MS = 10_000;
const DEFAULT_GREETING_TIMEOUT_MS = 10_000;
const DEFAULT_SOCKET_TIMEOUT_MS = 30_000;

export class SmtpMailer implements Mailer {
  private readonly transport: ReturnType<typeof createTransport>;
  private readonly from: string;
  /** `host:port` for error messages, never the credentials. */
  private readonly server: string;

  constructor(options: SmtpMailerOptions) {
    this.server = describeServer(options.url);
    this.from = options.from;
    this.transport = createTransport({
      url: options.url,
      connectionTimeout: options.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
      greetingTimeout: options.greetingTimeoutMs ?? DEFAULT_GREETING_TIMEOUT_MS,
      socketTimeout: options.socketTimeoutMs ?? DEFAULT_SOCKET_TIMEOUT_MS,
      // nodemailer would otherwise log through its own logger, possibly with the AUTH exchange.
      logger: false,
      debug: false,
    });
  }

  async send(message: MailMessage): Promise<void> {
    let rejected: unknown[] = [];
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: message.to,
        subject: message.subject,
        // Plain text only: no HTML that could hide where a link really goes.
        text: message.text,
        // The content is ours, but nothing in a mail may make nodemailer read files or URLs.
        disableFileAccess: true,
        disableUrlAccess: true,
      });
      rejected = Array.isArray(info.rejected) ? info.rejected : [];
    } catch (err) {
      throw new Error(`Sending mail through ${this.server} failed (${describeFailure(err)})`);
    }
    if (rejected.length > 0) throw new Error(`Sending mail through ${this.server} failed (recipient rejected)`);
  }

  /** Closes idle connections (for shutdown and tests). */
  async close(): Promise<void> {
    this.transport.close();
  }
}

/** `smtp://mail.example.com:587` without user, password or query; a fixed text if unreadable. */
function describeServer(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // URL's own error would quote the input, password included.
    throw new Error('TWOFOLD_MAIL_URL is not a valid smtp:// or smtps:// URL');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new Error('TWOFOLD_MAIL_URL must start with smtp:// or smtps://');
  }
  return `${parsed.protocol}//${parsed.host}`;
}

/** The machine-readable parts of a nodemailer error: its code, SMTP reply code and command. */
function describeFailure(err: unknown): string {
  if (typeof err !== 'object' || err === null) return 'unknown error';
  const e = err as { code?: unknown; responseCode?: unknown; command?: unknown };
  const parts: string[] = [];
  if (typeof e.code === 'string' && /^[A-Z0-9_]+$/.test(e.code)) parts.push(e.code);
  if (typeof e.responseCode === 'number') parts.push(`reply ${e.responseCode}`);
  // The verb only: the rest of an AUTH command line could be the encoded credentials.
  const verb = typeof e.command === 'string' ? e.command.split(' ')[0] : undefined;
  if (verb && /^[A-Z]{2,10}$/.test(verb)) parts.push(`during ${verb}`);
  return parts.length > 0 ? parts.join(', ') : 'unknown error';
}
