// What `twofold serve` checks before it creates anything (a key file, a database, a lock): each
// failure is one line naming the variable to change, and leaves the disk as it was.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { describeSchema } from '../storage/schema-version.js';
import type { Config } from './config.js';
import { StartupError } from './startup-error.js';

/** The SQLite file of the config, or null for PostgreSQL and `sqlite::memory:`. */
export function sqliteFile(databaseUrl: string): string | null {
  if (!databaseUrl.startsWith('sqlite:')) return null;
  const path = databaseUrl.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
  return path === ':memory:' ? null : path;
}

/**
 * An explicit `TWOFOLD_DATABASE_URL=sqlite:PATH` must name a folder that exists: a typo would
 * otherwise start an empty database somewhere unexpected. The data folder (TWOFOLD_DATA_DIR,
 * default ./data) is the server's own and is created on first start.
 */
export function checkSqliteFolder(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'autoMigrate'>): void {
  const file = sqliteFile(config.databaseUrl);
  if (file === null) return;
  const folder = dirname(file);
  const ownDataDir = config.databaseUrl === `sqlite:${config.dataDir.replace(/\/+$/, '')}/twofold.db`;
  if (!ownDataDir && !existsSync(folder)) {
    throw new StartupError(`TWOFOLD_DATABASE_URL: the folder ${folder} does not exist; create it first`);
  }
  // Without automatic migrations a new file could only be refused later: refuse before creating it.
  if (!config.autoMigrate && !existsSync(file)) throw new StartupError(describeSchema({ state: 'missing' })!);
}

/** Binds and releases host:port, so that a taken port is reported before anything is written. */
export async function checkPortFree(config: Pick<Config, 'host' | 'port'>): Promise<void> {
  if (config.port === 0) return;
  const probe = createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        reject(new StartupError(`PORT: port ${config.port} on ${config.host} is in use; set PORT to another port`));
      } else if (e.code === 'EACCES') {
        reject(new StartupError(`PORT: port ${config.port} needs privileges; use a port above 1023`));
      } else {
        reject(new StartupError(`HOST: cannot listen on ${config.host} (${e.code ?? e.message})`));
      }
    });
    probe.listen({ port: config.port, host: config.host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

/** The one line for a PostgreSQL server that does not answer, with its address but never the password. */
export function connectionRefusal(databaseUrl: string, err: unknown): StartupError {
  let where = 'the server';
  try {
    const u = new URL(databaseUrl);
    where = `${u.hostname || 'localhost'}:${u.port || '5432'}`;
  } catch {
    // an unparsable URL: pg said why below
  }
  const e = err as { code?: string; message?: string };
  const why = e.code && /^E[A-Z]+$/.test(e.code) ? e.code : (e.message ?? String(err)).split('\n')[0];
  return new StartupError(`TWOFOLD_DATABASE_URL: cannot connect to ${where} (${why})`);
}

/** In production, the development stand-ins (texts and mails written to the log) are a mistake. */
export function productionWarnings(config: Pick<Config, 'production' | 'sms' | 'mail'>): string[] {
  if (!config.production) return [];
  const warnings: string[] = [];
  if (config.sms.provider === 'console') {
    warnings.push('TWOFOLD_SMS_PROVIDER is console: text messages go to the log, not to phones');
  }
  if (!config.mail.url) {
    warnings.push('TWOFOLD_MAIL_URL is not set: mails (confirmations, password resets) go to the log only');
  }
  return warnings;
}
