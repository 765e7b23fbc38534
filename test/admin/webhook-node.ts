// Test support for the security webhooks: a Twofold runtime over a database the test keeps (so a
// "restart" is a new runtime over the same rows), and a local receiver that verifies every
// delivery with the product's own verifier, as an operator's receiver would.
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Argon2Hasher } from '../../src/adapters/argon2-hasher.js';
import { MemoryRateLimitStore } from '../../src/adapters/ratelimit/memory-store.js';
import { ManualClock } from '../../src/core/ports/clock.js';
import { verifySignedRequest } from '../../src/core/signatures/policy.js';
import { WEBHOOK_KEY_ID } from '../../src/core/webhook.js';
import { loadConfig } from '../../src/runtime/config.js';
import { createLogger } from '../../src/runtime/logger.js';
import { buildApp } from '../../src/server/app.js';
import { createRuntime } from '../../src/server/container.js';
import { CapturingMailer, TEST_PUBLIC_URL, type Harness } from '../helpers/harness.js';

export const WEBHOOK_SECRET = randomBytes(32).toString('base64');

/** A running node over `databaseUrl`; closing it leaves the database as it is. */
export async function startNode(databaseUrl: string, webhookUrl: string, clock: ManualClock): Promise<Harness> {
  const config = loadConfig({
    TWOFOLD_PUBLIC_URL: TEST_PUBLIC_URL,
    TWOFOLD_DATABASE_URL: databaseUrl,
    TWOFOLD_SECRET_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
    TWOFOLD_WEBHOOK_URL: webhookUrl,
    TWOFOLD_WEBHOOK_SECRET: WEBHOOK_SECRET,
    LOG_LEVEL: 'silent',
  });
  const mailer = new CapturingMailer();
  const runtime = await createRuntime(config, createLogger(config), {
    clock,
    mailer,
    hasher: new Argon2Hasher({ memoryCost: 1024, timeCost: 1 }),
    limits: new MemoryRateLimitStore(clock),
  });
  const { app } = await buildApp(runtime);
  await app.ready();
  return {
    app,
    runtime,
    clock,
    mailer,
    engine: databaseUrl.startsWith('sqlite') ? 'sqlite' : 'postgres',
    inject: (opts) => app.inject(opts),
    close: async () => {
      await app.close();
      await runtime.close();
    },
  };
}

export interface Received {
  id: string;
  body: string;
  verified: boolean;
  status: number;
  reason?: string;
}

/** Answers `status` (200 unless told otherwise); `stop()` closes the port (connection refused). */
export class Receiver {
  readonly received: Received[] = [];
  status = 200;
  private server: Server | null = null;
  port = 0;

  constructor(private readonly clock: ManualClock) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks/twofold`;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks);
        const result = verifySignedRequest(
          {
            method: req.method ?? '',
            origin: `http://${req.headers.host ?? ''}`,
            target: req.url ?? '',
            headers: req.headers,
            body: new Uint8Array(raw),
          },
          {
            nowMs: this.clock.now(),
            publicHost: `127.0.0.1:${this.port}`,
            lookupKey: (keyId) => (keyId === WEBHOOK_KEY_ID ? Buffer.from(WEBHOOK_SECRET, 'base64') : null),
          },
        );
        const body = raw.toString('utf8');
        const id = (JSON.parse(body) as { id: string }).id;
        const status = result.ok ? this.status : 401;
        this.received.push({ id, body, status, verified: result.ok, ...(result.ok ? {} : { reason: result.reason }) });
        res.statusCode = status;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Ids answered 2xx. */
  accepted(): Set<string> {
    return new Set(this.received.filter((r) => r.status === 200).map((r) => r.id));
  }
}
