// Server-side commands: serve and migrate. Config errors print one line and exit 1.
import type { Command } from 'commander';
import 'dotenv/config';
import { ConfigError, loadConfig } from '../runtime/config.js';
import { StartupError } from '../runtime/startup-error.js';
// The server, database drivers and migrations load inside the actions that need them, so client
// commands (whoami, access-keys…) start fast.

function configOrExit() {
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

export function registerServerCommands(program: Command): void {
  program
    .command('serve')
    .description('run the API and portal server (PORT, HOST and TWOFOLD_* variables configure it)')
    .action(async () => {
      const config = configOrExit();
      const { serve } = await import('../server/serve.js');
      try {
        await serve(config);
      } catch (e) {
        if (e instanceof ConfigError) {
          process.stderr.write(`twofold: configuration error: ${e.message}\n`);
          process.exit(1);
        }
        if (e instanceof StartupError) {
          process.stderr.write(`twofold: cannot start: ${e.message}\n`);
          process.exit(1);
        }
        const code = (e as { code?: string }).code;
        if (code === 'EADDRINUSE') {
          process.stderr.write(`twofold: port ${config.port} on ${config.host} is in use; set PORT to another port.\n`);
          process.exit(1);
        }
        throw e;
      }
    });

  program
    .command('migrate')
    .description('apply the database schema (TWOFOLD_DATABASE_URL) and exit')
    .action(async () => {
      const config = configOrExit();
      const { openDatabase } = await import('../storage/database.js');
      const { migrateToLatest } = await import('../storage/migrate.js');
      const db = openDatabase(config.databaseUrl);
      try {
        const report = await migrateToLatest(db);
        process.stdout.write(
          report.applied.length ? `applied: ${report.applied.join(', ')}\n` : 'the schema is up to date\n',
        );
      } finally {
        await db.close();
      }
    });
}
