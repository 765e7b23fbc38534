// `twofold keys generate` and `twofold keys rotate`: the operator's side of encryption at rest
// (the procedure: docs/operations.md, "Rotating the encryption key"). Config errors print one line
// and exit 1, like `serve` and `migrate`.
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import 'dotenv/config';
import { parseKeyring, primaryKid, type Keyring } from '../core/envelope.js';
import { ConfigError, loadConfig, type Config } from '../runtime/config.js';
import { resolveKeyring } from '../runtime/keyring-file.js';

function configError(e: unknown): never {
  if (e instanceof ConfigError) {
    process.stderr.write(`twofold: configuration error: ${e.message}\n`);
    process.exit(1);
  }
  throw e;
}

function configOrExit(): Readonly<Config> {
  try {
    return loadConfig(process.env);
  } catch (e) {
    return configError(e);
  }
}

/** A kid nobody else will pick by accident: the date plus a few random characters. */
function defaultKid(): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `k${day}-${randomBytes(3).toString('hex')}`;
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description('encryption keys for secrets at rest (TWOFOLD_SECRET_KEYS)');

  keys
    .command('generate')
    .description('print a new kid:base64 keyring entry (32 random bytes) to put first in TWOFOLD_SECRET_KEYS')
    .option('--kid <kid>', 'key id: 1 to 32 of A-Z a-z 0-9 _ - (default: k<date>-<random>)')
    .action((opts: { kid?: string }) => {
      const entry = `${opts.kid ?? defaultKid()}:${randomBytes(32).toString('base64')}`;
      try {
        parseKeyring(entry);
      } catch (e) {
        process.stderr.write(`twofold: --kid: ${(e as Error).message.replace(/^keyring entry 1: /, '')}\n`);
        process.exit(1);
      }
      process.stdout.write(`${entry}\n`);
      process.stderr.write(
        'Put this entry first in TWOFOLD_SECRET_KEYS, keep the old keys after it, restart every instance, then run `twofold keys rotate`.\n',
      );
    });

  keys
    .command('rotate')
    .description(
      're-encrypt every stored secret (second factors, pending set-ups, access keys) under the first key of TWOFOLD_SECRET_KEYS (may be run again; done rows are skipped)',
    )
    .action(async () => {
      const config = configOrExit();
      // Loaded here, not at start-up, so that other commands do not pay for the database drivers.
      const [
        { cryptoRandom },
        { createLogger },
        { rotateKeys },
        { openDatabase },
        { migrateToLatest },
        { createStorage },
      ] = await Promise.all([
        import('../adapters/crypto-random.js'),
        import('../runtime/logger.js'),
        import('../services/key-rotation.js'),
        import('../storage/database.js'),
        import('../storage/migrate.js'),
        import('../storage/storage.js'),
      ]);
      let keyring: Keyring;
      try {
        keyring = resolveKeyring(config, createLogger(config, process.stderr));
      } catch (e) {
        configError(e);
      }
      const kid = primaryKid(keyring);
      const db = openDatabase(config.databaseUrl);
      try {
        if (config.autoMigrate) await migrateToLatest(db);
        // A line every 2 s on a long run (a million accounts take minutes), none on a short one.
        let lastLine = Date.now();
        const report = await rotateKeys({
          storage: createStorage(db),
          keyring,
          random: cryptoRandom,
          onProgress: (p) => {
            if (Date.now() - lastLine < 2000) return;
            lastLine = Date.now();
            const done = p.factors + p.setups + p.accessKeys;
            process.stderr.write(
              `keys rotate: ${p.read.toLocaleString('en')} rows read, ${done.toLocaleString('en')} re-sealed so far\n`,
            );
          },
        });
        process.stdout.write(
          `re-encrypted ${report.factors} factor secrets, ${report.setups} pending set-ups, ${report.accessKeys} access keys and ${report.adminKeys} admin keys under key ${kid}\n`,
        );

        // Recovery codes are keyed hashes, not envelopes: they cannot be re-made without the code.
        const old = await db.db
          .selectFrom('recovery_codes')
          .select(['kid', (eb) => eb.fn.countAll<number>().as('n')])
          .where('used_at', 'is', null)
          .where('kid', '!=', kid)
          .groupBy('kid')
          .execute();
        if (old.length > 0) {
          const total = old.reduce((sum, r) => sum + Number(r.n), 0);
          const byKid = old.map((r) => `${r.kid}: ${Number(r.n)}`).join(', ');
          process.stderr.write(
            `note: ${total} recovery code(s) were made under older keys (${byKid}). They keep working while those keys are in ` +
              'TWOFOLD_SECRET_KEYS and are refused once a key is removed: have those users make a new recovery code first.\n',
          );
        }
      } finally {
        await db.close();
      }
    });
}
