import type { AddressInfo } from 'node:net';
import { simpleParser, type AddressObject } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';

/**
 * A real SMTP server on 127.0.0.1 and a random port, for tests that send mail: it accepts any
 * login (or none), parses each message and keeps what a test asserts on. No TLS, so the client
 * talks plain SMTP without certificates.
 */

export interface ReceivedMail {
  /** Recipient addresses from the To header (the envelope's when there is none). */
  to: string[];
  /** Sender address from the From header (the envelope's when there is none). */
  from: string;
  subject: string;
  text: string;
  /** Whether the message carried an HTML part (Twofold sends plain text only). */
  hasHtml: boolean;
  /** The user the client logged in as, if it did. */
  user: string | undefined;
}

export interface TestSmtpServer {
  /** `smtp://127.0.0.1:PORT`, for TWOFOLD_MAIL_URL. */
  url: string;
  port: number;
  messages: ReceivedMail[];
  /** Resolves once at least n messages arrived; rejects after timeoutMs (default 5 s). */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface TestSmtpServerOptions {
  /** Refuse every recipient with 550, as a server does for an unknown mailbox. */
  rejectRecipients?: boolean;
}

export async function startTestSmtpServer(options: TestSmtpServerOptions = {}): Promise<TestSmtpServer> {
  const messages: ReceivedMail[] = [];
  const waiters = new Set<() => void>();

  const server = new SMTPServer({
    authOptional: true,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? 'user' });
    },
    onRcptTo(_address, _session, callback) {
      if (options.rejectRecipients) {
        const err = Object.assign(new Error('No such mailbox'), { responseCode: 550 });
        callback(err);
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          const envelopeTo = session.envelope.rcptTo.map((r: SMTPServerAddress) => r.address);
          const to = addresses(parsed.to);
          messages.push({
            to: to.length > 0 ? to : envelopeTo,
            from: addresses(parsed.from)[0] ?? envelopeFrom,
            subject: parsed.subject ?? '',
            text: (parsed.text ?? '').replace(/\n$/, ''),
            hasHtml: parsed.html !== false && parsed.html !== undefined,
            user: typeof session.user === 'string' ? session.user : undefined,
          });
          for (const wake of waiters) wake();
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    waitFor(n, timeoutMs = 5_000) {
      if (messages.length >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const wake = () => {
          if (messages.length < n) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          reject(new Error(`expected ${n} mail(s) within ${timeoutMs} ms, got ${messages.length}`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  const list = Array.isArray(field) ? field : [field];
  return list.flatMap((o) => o.value.map((a) => a.address ?? '')).filter((a) => a !== '');
}
