// The development outbox: the last mails and text messages the server "sent" while it only logs
// them (no TWOFOLD_MAIL_URL, TWOFOLD_SMS_PROVIDER=console), kept in memory so that the portal can
// show them at /dev/outbox. It holds what the console providers already print to the log, nothing
// more, and it is never switched on in production (devOutboxEnabled).
import type { Clock } from '../../core/ports/clock.js';
import type { MailMessage, Mailer } from '../../core/ports/mailer.js';
import type { SmsMessage, SmsSender } from '../../core/ports/sms-sender.js';

/** How many messages the outbox keeps; older ones drop out first. */
export const OUTBOX_CAPACITY = 50;

export interface OutboxEntry {
  id: number;
  kind: 'mail' | 'sms';
  /** ISO 8601 time the message was handed to the provider. */
  at: string;
  to: string;
  /** A mail's subject; null for a text message. */
  subject: string | null;
  text: string;
}

export interface DevOutboxConditions {
  production: boolean;
  mailUrl: string | undefined;
  smsProvider: string;
  /** The address the server listens on (HOST). */
  host: string;
}

/**
 * On only in development, with both providers logging instead of sending, and while the server
 * listens on a loopback address: a development server opened to the network (HOST=0.0.0.0) would
 * otherwise hand every account's links to whoever can reach it.
 */
export function devOutboxEnabled(c: DevOutboxConditions): boolean {
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i.test(c.host);
  return !c.production && !c.mailUrl && c.smsProvider === 'console' && loopback;
}

/** A ring buffer of the newest OUTBOX_CAPACITY messages. */
export class DevOutbox {
  private readonly entries: OutboxEntry[] = [];
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    readonly capacity: number = OUTBOX_CAPACITY,
  ) {}

  record(entry: Omit<OutboxEntry, 'id' | 'at'>): void {
    this.entries.push({ ...entry, id: this.nextId++, at: new Date(this.clock.now()).toISOString() });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  /** Newest first. */
  list(): OutboxEntry[] {
    return this.entries.slice().reverse();
  }
}

/** Hands each mail to the mailer it wraps (which logs it), then keeps a copy in the outbox. */
export class OutboxMailer implements Mailer {
  constructor(
    private readonly inner: Mailer,
    private readonly outbox: DevOutbox,
  ) {}

  async send(m: MailMessage): Promise<void> {
    await this.inner.send(m);
    this.outbox.record({ kind: 'mail', to: m.to, subject: m.subject, text: m.text });
  }
}

/** The same for text messages: the body (with its code) is what the console provider prints. */
export class OutboxSmsSender implements SmsSender {
  constructor(
    private readonly inner: SmsSender,
    private readonly outbox: DevOutbox,
  ) {}

  async send(m: SmsMessage): Promise<void> {
    await this.inner.send(m);
    this.outbox.record({ kind: 'sms', to: m.to, subject: null, text: m.body });
  }
}
