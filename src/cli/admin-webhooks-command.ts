// `twofold admin webhooks list|replay`: the security webhooks' outbox (docs/admin.md "Security
// webhooks"), read and replayed on the server host against the database, like `admin keys`.
import { InvalidArgumentError, type Command } from 'commander';
import type { WebhookDelivery, WebhookOutboxStore, WebhookState } from '../core/ports/webhook-outbox-store.js';
import { configOrExit, wantsJson } from './admin-keys-command.js';
import { table, shortTime, truncate, writeJson, writeLine } from './output.js';

async function withOutbox<T>(fn: (outbox: WebhookOutboxStore) => Promise<T>): Promise<T> {
  const config = configOrExit();
  const [{ openDatabase }, { migrateToLatest }, { createStorage }] = await Promise.all([
    import('../storage/database.js'),
    import('../storage/migrate.js'),
    import('../storage/storage.js'),
  ]);
  const db = openDatabase(config.databaseUrl);
  try {
    if (config.autoMigrate) await migrateToLatest(db);
    return await fn(createStorage(db).webhooks);
  } finally {
    await db.close();
  }
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** What the CLI shows: never the payload's data (it is the event's, and the receiver has it). */
export function webhookView(d: WebhookDelivery) {
  return {
    id: d.id,
    type: d.type,
    state: d.state,
    attempts: d.attempts,
    queued_at: iso(d.createdAt),
    next_at: d.state === 'pending' ? iso(d.nextAt) : null,
    delivered_at: iso(d.deliveredAt),
    last_error: d.lastError,
  };
}

function parseState(value: string): WebhookState {
  if (value === 'pending' || value === 'failed' || value === 'delivered') return value;
  throw new InvalidArgumentError('expected pending, failed or delivered');
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('expected 1 to 1000');
  return n;
}

export function registerAdminWebhooksCommand(admin: Command): void {
  const webhooks = admin
    .command('webhooks')
    .description('the security webhooks outbox (run on the server host: uses the database directly)');

  webhooks
    .command('list')
    .description('list webhook deliveries, newest first')
    .option('--state <state>', 'pending, failed or delivered', parseState)
    .option('--limit <n>', 'at most this many (1 to 1000)', parseLimit, 50)
    .option('--json', 'print JSON')
    .action(async (opts: { state?: WebhookState; limit: number; json?: boolean }, cmd: Command) => {
      const rows = await withOutbox((o) =>
        o.list(opts.state ? { state: opts.state, limit: opts.limit } : { limit: opts.limit }),
      );
      const list = rows.map(webhookView);
      if (wantsJson(opts, cmd)) return writeJson(list);
      writeLine(
        table(
          ['ID', 'TYPE', 'STATE', 'ATTEMPTS', 'QUEUED', 'NEXT', 'LAST ERROR'],
          list.map((d) => [
            d.id,
            d.type,
            d.state,
            String(d.attempts),
            shortTime(d.queued_at),
            shortTime(d.next_at),
            truncate(d.last_error ?? '-', 40),
          ]),
        ),
      );
    });

  webhooks
    .command('replay')
    .description('put one delivery (--id) or every failed one (--failed) back to pending, due now')
    .option('--id <id>', 'the delivery id, e.g. event-42')
    .option('--failed', 'every failed delivery')
    .action(async (opts: { id?: string; failed?: boolean }) => {
      if (Boolean(opts.id) === Boolean(opts.failed)) {
        process.stderr.write('twofold: give exactly one of --id ID or --failed\n');
        process.exitCode = 2;
        return;
      }
      const now = Date.now();
      const moved = await withOutbox((o) => o.replay(opts.id ? { id: opts.id } : { failed: true }, now));
      if (opts.id && moved === 0) {
        process.stderr.write(`twofold: no webhook delivery ${opts.id}\n`);
        process.exitCode = 1;
        return;
      }
      writeLine(`${moved} ${moved === 1 ? 'delivery' : 'deliveries'} back to pending`);
    });
}
