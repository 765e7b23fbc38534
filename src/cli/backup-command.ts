// `twofold backup PATH` and `twofold restore PATH [--force]` for the database named by
// TWOFOLD_DATABASE_URL (see src/storage/backup.ts and docs/operations.md). A refusal prints one
// line and exits 1; so does a PostgreSQL backup without pg_dump, after printing the procedure.
import type { Command } from 'commander';
import 'dotenv/config';
import { ConfigError, loadConfig, type Config } from '../runtime/config.js';
import type { BackupReport } from '../storage/backup.js';
import { liveLockHolder } from '../runtime/instance-lock.js';
// The backup module (with both database drivers) loads inside the actions: `twofold serve` and the
// client commands register these commands too, and must not pay for pg and better-sqlite3 here.
type Backup = typeof import('../storage/backup.js');
const loadBackup = (): Promise<Backup> => import('../storage/backup.js');

function fail(message: string): never {
  process.stderr.write(`twofold: ${message}\n`);
  process.exit(1);
}

function configOrExit(): Readonly<Config> {
  try {
    return loadConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) fail(`configuration error: ${e.message}`);
    throw e;
  }
}

/** Runs one backup or restore step; a BackupError becomes one stderr line and exit 1. */
async function guarded(backup: Backup, step: () => Promise<BackupReport | null>): Promise<BackupReport | null> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof backup.BackupError) fail(e.message);
    throw e;
  }
}

function toolMissing(backup: Backup, tool: string): never {
  process.stderr.write(`twofold: ${tool} is not on PATH.\n${backup.POSTGRES_PROCEDURE}\n`);
  process.exit(1);
}

const size = (bytes: number) =>
  bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description(
      'copy the database to PATH while the server runs (SQLite online backup; PostgreSQL: pg_dump --format=custom)',
    )
    .argument('<path>', 'the backup file to write')
    .option('--force', 'overwrite PATH if it exists')
    .action(async (path: string, opts: { force?: boolean }) => {
      const config = configOrExit();
      const backup = await loadBackup();
      const { engine, target } = targetOrExit(backup, config.databaseUrl);
      const report = await guarded(backup, () =>
        engine === 'sqlite'
          ? backup.backupSqlite(target, path, opts.force)
          : backup.backupPostgres(target, path, opts.force),
      );
      if (!report) toolMissing(backup, 'pg_dump');
      const what = report.migrations === undefined ? '' : `, ${report.migrations} migrations`;
      process.stdout.write(`backed up the ${engine} database to ${report.path} (${size(report.bytes)}${what})\n`);
      process.stdout.write(
        'The keyring (TWOFOLD_SECRET_KEYS or secret.key) is not in the backup: keep it safe separately.\n',
      );
    });

  program
    .command('restore')
    .description(
      'replace the database with the backup at PATH; stop every instance first (PostgreSQL: pg_restore --clean --if-exists)',
    )
    .argument('<path>', 'a file written by `twofold backup`')
    .option('--force', 'replace an existing database')
    .action(async (path: string, opts: { force?: boolean }) => {
      const config = configOrExit();
      const backup = await loadBackup();
      const { engine, target } = targetOrExit(backup, config.databaseUrl);
      // Replacing the file under a running server would corrupt it (its WAL and open pages).
      const holder = engine === 'sqlite' ? liveLockHolder(target) : null;
      if (holder !== null) fail(`twofold serve (pid ${holder}) is using ${target}: stop it before restoring`);
      const report = await guarded(backup, async () =>
        engine === 'sqlite'
          ? backup.restoreSqlite(path, target, opts.force)
          : backup.restorePostgres(path, target, opts.force),
      );
      if (!report) toolMissing(backup, 'pg_restore');
      const into = engine === 'sqlite' ? ` into ${report.path}` : '';
      process.stdout.write(
        `restored the ${engine} database from ${path}${into}; start the instances (they migrate forward if the backup is older)\n`,
      );
    });
}

function targetOrExit(backup: Backup, databaseUrl: string): ReturnType<Backup['backupTarget']> {
  try {
    return backup.backupTarget(databaseUrl);
  } catch (e) {
    if (e instanceof backup.BackupError) fail(e.message);
    throw e;
  }
}
