// `twofold admin keys create|list|revoke`: run on the server host, against the database directly
// (like `twofold migrate`), because nothing can sign the first admin request before a key exists.
// The secret is printed once; the database keeps it sealed under TWOFOLD_SECRET_KEYS.
import type { Command } from 'commander';
import 'dotenv/config';
import { ConfigError, loadConfig, type Config } from '../runtime/config.js';
import { table, shortTime, writeJson, writeLine } from './output.js';

export function configOrExit(): Readonly<Config> {
  try {
    return loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`twofold: configuration error: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}

/** Opens the database (migrated unless TWOFOLD_AUTO_MIGRATE=false) and runs `fn` with the key service. */
async function withKeys<T>(fn: (keys: import('../services/admin-keys.js').AdminKeyService) => Promise<T>): Promise<T> {
  const config = configOrExit();
  const [
    { cryptoRandom },
    { createLogger },
    { openDatabase },
    { migrateToLatest },
    { createStorage },
    keyring,
    admin,
    clock,
  ] = await Promise.all([
    import('../adapters/crypto-random.js'),
    import('../runtime/logger.js'),
    import('../storage/database.js'),
    import('../storage/migrate.js'),
    import('../storage/storage.js'),
    import('../runtime/keyring-file.js'),
    import('../services/admin-keys.js'),
    import('../core/ports/clock.js'),
  ]);
  const logger = createLogger({ logLevel: 'warn' }, process.stderr);
  const db = openDatabase(config.databaseUrl);
  try {
    if (config.autoMigrate) await migrateToLatest(db);
    const service = new admin.AdminKeyService(
      {
        clock: clock.systemClock,
        random: cryptoRandom,
        keyring: keyring.resolveKeyring(config, logger),
        logger,
        storage: createStorage(db),
        settings: { publicUrl: config.publicUrl },
      },
      { claim: async () => true },
    );
    return await fn(service);
  } finally {
    await db.close();
  }
}

/** --json after the subcommand, or before it (commander then gives it to the program's global option). */
export function wantsJson(opts: { json?: boolean }, cmd: Command): boolean {
  return opts.json === true || cmd.optsWithGlobals<{ json?: boolean }>().json === true;
}

export function registerAdminKeysCommand(admin: Command): void {
  const keys = admin
    .command('keys')
    .description('admin access keys (run on the server host: uses the database directly)');

  keys
    .command('create')
    .description('make an admin access key and print its secret (shown this once)')
    .requiredOption('--name <name>', 'who or what holds it, e.g. "alice (support)"')
    .option('--json', 'print JSON')
    .action(async (opts: { name: string; json?: boolean }, cmd: Command) => {
      const created = await withKeys((k) => k.create(opts.name));
      if (wantsJson(opts, cmd)) return writeJson(created);
      writeLine(`TWOFOLD_ADMIN_KEY_ID=${created.id}`);
      writeLine(`TWOFOLD_ADMIN_SECRET=${created.secret}`);
      process.stderr.write(
        `Admin key "${created.name}" created. Keep the secret safe: it is not shown again. Revoke it with \`twofold admin keys revoke ${created.id}\`.\n`,
      );
    });

  keys
    .command('list')
    .description('list admin access keys (never a secret)')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const { adminKeyView } = await import('../services/admin-keys.js');
      const list = (await withKeys((k) => k.list())).map(adminKeyView);
      if (wantsJson(opts, cmd)) return writeJson(list);
      writeLine(
        table(
          ['ID', 'NAME', 'CREATED', 'LAST USED', 'REVOKED'],
          list.map((k) => [k.id, k.name, shortTime(k.created_at), shortTime(k.last_used_at), shortTime(k.revoked_at)]),
        ),
      );
    });

  keys
    .command('revoke <id>')
    .description('revoke an admin access key for good')
    .action(async (id: string) => {
      if (!(await withKeys((k) => k.revoke(id)))) {
        process.stderr.write(`twofold: no admin key ${id} that is not already revoked\n`);
        process.exitCode = 1;
        return;
      }
      writeLine(`revoked ${id}`);
    });
}
