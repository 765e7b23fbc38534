// A local HTTP server that answers like Twilio's Messages API (POST
// /2010-04-01/Accounts/{sid}/Messages.json, form fields To/From/Body, HTTP Basic), recording every
// request. Answers are queued per request ('hang' never answers, 'destroy' drops the socket);
// when the queue is empty it accepts the message with 201, as Twilio does.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const TWILIO_SID = 'AC0123456789abcdef0123456789abcdef';
export const TWILIO_TOKEN = 'stand-in-auth-token-0123456789';
export const TWILIO_FROM = '+15005550006';

export interface TwilioRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  form: URLSearchParams;
}

export type TwilioAnswer = { status: number; body?: unknown } | 'hang' | 'destroy';

export interface Text {
  to: string;
  from: string;
  body: string;
  /** The 6-digit code read from the message text. */
  code: string;
}

export class TwilioStandIn {
  readonly requests: TwilioRequest[] = [];
  private readonly queue: TwilioAnswer[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<TwilioStandIn> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const standIn = new TwilioStandIn(server, `http://127.0.0.1:${port}`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        standIn.requests.push({
          method: req.method ?? '',
          path: req.url ?? '',
          headers: req.headers,
          form: new URLSearchParams(Buffer.concat(chunks).toString('utf8')),
        });
        const answer = standIn.queue.shift() ?? { status: 201 };
        if (answer === 'hang') return;
        if (answer === 'destroy') {
          req.socket.destroy();
          return;
        }
        const body = answer.body ?? {
          sid: `SM${standIn.requests.length.toString().padStart(32, '0')}`,
          status: 'queued',
        };
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    return standIn;
  }

  /** Answers for the next requests, in order. */
  answerNext(...answers: TwilioAnswer[]): void {
    this.queue.push(...answers);
  }

  /** The text messages received (every request, whatever it was answered), optionally to one number. */
  texts(to?: string): Text[] {
    return this.requests
      .map((r) => {
        const body = r.form.get('Body') ?? '';
        return {
          to: r.form.get('To') ?? '',
          from: r.form.get('From') ?? '',
          body,
          code: /code is (\d{6})\./.exec(body)?.[1] ?? '',
        };
      })
      .filter((t) => to === undefined || t.to === to);
  }

  /** The code of the last text (to one number), asserting there is one. */
  lastCode(to?: string): string {
    const t = this.texts(to).at(-1);
    if (!t || !/^\d{6}$/.test(t.code))
      throw new Error(`no text with a code${to ? ` to ${to}` : ''} (got ${this.requests.length} requests)`);
    return t.code;
  }

  get count(): number {
    return this.requests.length;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** The harness environment that makes the app use the real Twilio adapter against the stand-in. */
export function twilioEnv(standIn: TwilioStandIn, extra: Record<string, string> = {}): Record<string, string> {
  return {
    TWOFOLD_SMS_PROVIDER: 'twilio',
    TWOFOLD_TWILIO_ACCOUNT_SID: TWILIO_SID,
    TWOFOLD_TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    TWOFOLD_TWILIO_FROM: TWILIO_FROM,
    TWOFOLD_TWILIO_BASE_URL: standIn.url,
    ...extra,
  };
}
